/**
 * The one way the dashboard talks to the server: same-origin fetch with the session cookie, JSON
 * answers parsed by the contracts' zod schemas (a server answering something else is an error the
 * page shows, never a silent `undefined`), and the session's CSRF token on every write — fetched
 * once from GET /api/v1/auth/csrf, and again once when a write is refused for it (a restarted
 * server forgets its tokens).
 */
import { csrfTokenResponseSchema, type ErrorResponse } from '@license-insights/contracts';
import type { z } from 'zod';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: Partial<ErrorResponse> & { hintText?: string },
  ) {
    super(body.message ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
  get code(): string | undefined {
    return this.body.code;
  }
}

export type Query = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** `path?query` with the absent (undefined, null, '') parameters left out. */
export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s === '' ? path : `${path}?${s}`;
}

async function failure(res: Response): Promise<ApiError> {
  let body: Partial<ErrorResponse> & { hintText?: string } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    body = { message: res.statusText || `HTTP ${res.status}` };
  }
  return new ApiError(res.status, body);
}

/** Called when the server says the session is gone (the app goes to the sign-in page). */
let onUnauthenticated: () => void = () => {};
export function setOnUnauthenticated(f: () => void): void {
  onUnauthenticated = f;
}

/** An answer checked and parsed as {@link apiGet} and {@link apiSend} do (also for a request made otherwise). */
export async function parseResponse<S extends z.ZodType>(res: Response, schema: S): Promise<z.infer<S>> {
  if (res.status === 401) onUnauthenticated();
  if (!res.ok) throw await failure(res);
  if (res.status === 204) return schema.parse(undefined);
  const json: unknown = await res.json();
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(res.status, {
      message: `The server answered ${res.url} with data this dashboard does not understand: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    });
  }
  return parsed.data;
}

export async function apiGet<S extends z.ZodType>(
  path: string,
  schema: S,
  query?: Query,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  const res = await fetch(withQuery(path, query), {
    credentials: 'same-origin',
    headers: { accept: 'application/json' },
    ...(signal === undefined ? {} : { signal }),
  });
  return parseResponse(res, schema);
}

let csrfToken: string | null = null;
export function rememberCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * The session's CSRF token, for a write made without {@link apiSend} (an upload through
 * XMLHttpRequest, whose progress fetch cannot report); `fresh` fetches a new one (after a refusal).
 */
export async function sessionCsrfToken(fresh = false): Promise<string> {
  if (fresh) csrfToken = null;
  return currentCsrfToken();
}

async function currentCsrfToken(): Promise<string> {
  if (csrfToken !== null) return csrfToken;
  const body = await apiGet('/api/v1/auth/csrf', csrfTokenResponseSchema);
  csrfToken = body.csrfToken;
  return csrfToken;
}

export type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A write: JSON body (or FormData), the CSRF token, one retry with a fresh token when refused for it. */
export async function apiSend<S extends z.ZodType>(
  method: Method,
  path: string,
  schema: S,
  body?: unknown,
): Promise<z.infer<S>> {
  const send = async (token: string) =>
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        'x-csrf-token': token,
        ...(body === undefined || body instanceof FormData ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: body instanceof FormData ? body : JSON.stringify(body) }),
    });
  let res = await send(await currentCsrfToken());
  if (res.status === 403) {
    const err = await failure(res.clone());
    if (/csrf/i.test(err.message)) {
      csrfToken = null;
      res = await send(await currentCsrfToken());
    }
  }
  return parseResponse(res, schema);
}
