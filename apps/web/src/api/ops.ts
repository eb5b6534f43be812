/**
 * The API of the partner's operations pages (recommendations, imports, settings): the reads as
 * TanStack Query options (one key per answer, so a write invalidates exactly what it changed), the
 * writes through `apiSend` (CSRF), an upload through XMLHttpRequest (fetch reports no upload
 * progress) and a job's Server-Sent Events through EventSource. Every answer is parsed by the
 * contracts' schemas.
 */
import {
  addExclusionResponseSchema,
  changeSettingsResponseSchema,
  customerGroupsResponseSchema,
  effectiveSettingsSchema,
  type ImportUploadFields,
  type Job,
  type JobDoneEvent,
  type JobFailedEvent,
  type JobProgressEvent,
  jobDoneEventSchema,
  jobFailedEventSchema,
  jobListSchema,
  jobProgressEventSchema,
  jobSchema,
  listCatalogResponseSchema,
  namedExclusionsResponseSchema,
  type RecommendationsQuery,
  type RuleId,
  recommendationsResponseSchema,
  removeExclusionResponseSchema,
  resetSettingsResponseSchema,
  type SettingsPatch,
  settingsLogResponseSchema,
} from '@license-insights/contracts';
import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import { ApiError, apiGet, apiSend, parseResponse, sessionCsrfToken } from './http';

// Reads

export const recommendationsQuery = (q: RecommendationsQuery) =>
  queryOptions({
    queryKey: ['recommendations', q],
    queryFn: ({ signal }) => apiGet('/api/v1/recommendations', recommendationsResponseSchema, q, signal),
  });

export const exclusionsQuery = () =>
  queryOptions({
    queryKey: ['exclusions'],
    queryFn: ({ signal }) => apiGet('/api/v1/exclusions', namedExclusionsResponseSchema, {}, signal),
  });

export const settingsQuery = () =>
  queryOptions({
    queryKey: ['settings'],
    queryFn: ({ signal }) => apiGet('/api/v1/settings', effectiveSettingsSchema, {}, signal),
  });

export const settingsLogQuery = (limit = 100) =>
  queryOptions({
    queryKey: ['settings', 'log', limit],
    queryFn: ({ signal }) => apiGet('/api/v1/settings/log', settingsLogResponseSchema, { limit }, signal),
  });

export const groupsQuery = () =>
  queryOptions({
    queryKey: ['groups'],
    queryFn: ({ signal }) => apiGet('/api/v1/groups', customerGroupsResponseSchema, {}, signal),
  });

export const catalogQuery = (search: string | null) =>
  queryOptions({
    queryKey: ['catalog', search],
    queryFn: ({ signal }) =>
      apiGet('/api/v1/catalog', listCatalogResponseSchema, { search: search ?? undefined }, signal),
    // The shipped catalog changes with a new version of the product, the partner's by import.
    staleTime: 5 * 60_000,
  });

export const jobsQuery = () =>
  queryOptions({
    queryKey: ['jobs'],
    queryFn: ({ signal }) => apiGet('/api/v1/jobs', jobListSchema, {}, signal),
  });

export const jobQuery = (jobId: string) =>
  queryOptions({
    queryKey: ['jobs', jobId],
    queryFn: ({ signal }) => apiGet(`/api/v1/jobs/${encodeURIComponent(jobId)}`, jobSchema, {}, signal),
  });

// Writes

export const addExclusion = (body: { customerId: string; productId: string; reason: string }) =>
  apiSend('POST', '/api/v1/exclusions', addExclusionResponseSchema, body);

export const removeExclusion = (customerId: string, productId: string) =>
  apiSend(
    'DELETE',
    `/api/v1/exclusions/${encodeURIComponent(customerId)}/${encodeURIComponent(productId)}`,
    removeExclusionResponseSchema,
  );

export const patchSettings = (patch: SettingsPatch) =>
  apiSend('PATCH', '/api/v1/settings', changeSettingsResponseSchema, patch);

export const resetSettings = (rule: RuleId | null) =>
  apiSend('POST', '/api/v1/settings/reset', resetSettingsResponseSchema, rule === null ? {} : { rule });

export const cancelJob = (jobId: string) =>
  apiSend('DELETE', `/api/v1/jobs/${encodeURIComponent(jobId)}`, jobSchema);

export const startCompute = (full = false) =>
  apiSend('POST', '/api/v1/jobs/compute', jobSchema, full ? { full } : {});

/** The text fields of an upload, as the form sends them (absent ones left out). */
export type UploadFields = { [K in keyof ImportUploadFields]?: string | undefined };

/**
 * Uploads files as an import job (multipart/form-data), reporting the bytes sent; resolves with the
 * job the server queued. Aborting the signal stops the upload (nothing is imported). A refusal for
 * the CSRF token is retried once with a fresh token, as `apiSend` does.
 */
export async function uploadImport(
  files: readonly File[],
  fields: UploadFields,
  onProgress: (sent: number, total: number) => void,
  signal?: AbortSignal,
): Promise<Job> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== '') form.append(k, v);
  for (const f of files) form.append('file', f, f.name);

  const send = (token: string) =>
    new Promise<Response>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/jobs/import');
      xhr.withCredentials = true;
      xhr.setRequestHeader('accept', 'application/json');
      xhr.setRequestHeader('x-csrf-token', token);
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) onProgress(e.loaded, e.total);
      };
      xhr.onload = () => {
        const headers = new Headers();
        const type = xhr.getResponseHeader('content-type');
        if (type !== null) headers.set('content-type', type);
        const empty = xhr.status === 204 || xhr.responseText === '';
        resolve(new Response(empty ? null : xhr.responseText, { status: xhr.status, headers }));
      };
      // Network failures are TypeErrors, as fetch's are (the pages word them as "server unreachable").
      xhr.onerror = () => reject(new TypeError('the upload could not reach the server'));
      xhr.onabort = () => reject(new DOMException('the upload was cancelled', 'AbortError'));
      if (signal?.aborted) {
        reject(new DOMException('the upload was cancelled', 'AbortError'));
        return;
      }
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(form);
    });

  let res = await send(await sessionCsrfToken());
  if (res.status === 403) {
    const body = (await res
      .clone()
      .json()
      .catch(() => ({}))) as { message?: string };
    if (/csrf/i.test(body.message ?? '')) res = await send(await sessionCsrfToken(true));
  }
  return parseResponse(res, jobSchema);
}

/** What a job's event stream tells, parsed. */
export type JobEvent =
  | { event: 'progress'; data: JobProgressEvent }
  | { event: 'done'; data: JobDoneEvent }
  | { event: 'failed'; data: JobFailedEvent };

/**
 * Follows a job's Server-Sent Events until its `done` or `failed` event (the stream then ends; the
 * EventSource is closed so it does not reconnect). A lost connection reconnects by itself with
 * Last-Event-ID; `onBroken` is told when the stream cannot be opened at all (the job is gone, or
 * the session). Returns the stop function.
 */
export function followJob(
  jobId: string,
  onEvent: (e: JobEvent) => void,
  onBroken: (error: Error) => void,
): () => void {
  const source = new EventSource(`/api/v1/jobs/${encodeURIComponent(jobId)}/events`);
  const parse = <S extends z.ZodType>(raw: string, schema: S): z.infer<S> | null => {
    try {
      const r = schema.safeParse(JSON.parse(raw));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  };
  source.addEventListener('progress', (m) => {
    const data = parse((m as MessageEvent<string>).data, jobProgressEventSchema);
    if (data !== null) onEvent({ event: 'progress', data });
  });
  source.addEventListener('done', (m) => {
    source.close();
    const data = parse((m as MessageEvent<string>).data, jobDoneEventSchema);
    if (data !== null) onEvent({ event: 'done', data });
  });
  source.addEventListener('failed', (m) => {
    source.close();
    const data = parse((m as MessageEvent<string>).data, jobFailedEventSchema);
    if (data !== null) onEvent({ event: 'failed', data });
  });
  source.onerror = () => {
    // CLOSED: the server refused the stream (an HTTP error, not a dropped connection).
    if (source.readyState === EventSource.CLOSED) {
      onBroken(new ApiError(0, { message: 'the job’s progress stream could not be opened' }));
    }
  };
  return () => source.close();
}
