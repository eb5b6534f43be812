/**
 * The CLI's way into a running server: while `insights serve` holds the embedded store (one
 * process owns it), commands on the same data directory send their use-cases to it instead of
 * opening the store. The server left its URL and the local operator's credential in the data
 * directory (`server.json`, owner-only); requests carry it (`Authorization: Bearer li_loc_…`), the
 * partner (`X-Insights-Partner`) and who runs the command (`X-Insights-Os-User`), and the server
 * audits the local operator and that OS user.
 *
 * Errors of the use-cases come back as the error body and are thrown as the same `AppError` (code,
 * message, hint, problems), so the CLI words them as it would without a server. Failures of the
 * server itself (it does not answer, is stopping, no longer knows the credential) name the server:
 * its URL and process id — never a raw lock error.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import { ERROR_CODES, type ErrorCode, type ErrorResponse } from '@license-insights/contracts';
import { AppError, type Config, readServerFile, type ServerFile } from '@license-insights/core';

/** One server-sent event: its id, name and data (JSON text). */
export interface ServerEvent {
  readonly id: number | null;
  readonly event: string;
  readonly data: string;
}

/** Who runs this command, for the server's audit. */
export function osUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The running server that holds the data directory's stores, or null. */
export function runningServer(config: Pick<Config, 'dataDir'>): ServerFile | null {
  return readServerFile(config.dataDir);
}

/** How a message names a server. */
export function describeServer(server: ServerFile): string {
  return `the server at ${server.url} (process ${server.pid})`;
}

/**
 * A client of the server that holds the data directory, or null when none does. Never with a
 * shared store (storeUrl): every process opens it directly, writers queue in the database.
 */
export function serverClientFor(
  config: Pick<Config, 'dataDir' | 'server' | 'storeUrl'>,
): LocalServerClient | null {
  if (config.storeUrl !== undefined) return null;
  const server = runningServer(config);
  return server === null ? null : new LocalServerClient(server, config);
}

const isErrorCode = (c: unknown): c is ErrorCode => (ERROR_CODES as readonly unknown[]).includes(c);

/** The core's error again, from the error body the server sent (so the CLI words it as its own). */
export function appErrorOf(body: ErrorResponse): AppError {
  return new AppError(body.code, body.message, body.problems, {
    ...(body.hint === undefined ? {} : { hint: body.hint }),
  });
}

export class LocalServerClient {
  /** The partner requests act for (sent once the store is known to hold it). */
  partnerId: string | null = null;
  private readonly osUser = osUserName();
  private readonly ca: Buffer | undefined;

  constructor(
    readonly server: ServerFile,
    private readonly config: Pick<Config, 'dataDir' | 'server'>,
  ) {
    // A server with a certificate of its own (self-signed): trust it when this configuration names it.
    const cert = config.server.tlsCert;
    this.ca = server.url.startsWith('https:') && cert !== undefined ? readFileSync(cert) : undefined;
  }

  private headers(body: string | null): Record<string, string> {
    return {
      authorization: `Bearer ${this.server.secret}`,
      'x-insights-os-user': this.osUser,
      ...(this.partnerId === null ? {} : { 'x-insights-partner': this.partnerId }),
      ...(body === null
        ? {}
        : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    };
  }

  private send(
    method: string,
    path: string,
    body: string | null,
    accept: string,
    extra: Record<string, string> = {},
  ): Promise<http.IncomingMessage> {
    const url = new URL(path, this.server.url);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = transport.request(
        url,
        {
          method,
          headers: { ...this.headers(body), accept, ...extra },
          ...(this.ca === undefined ? {} : { ca: this.ca }),
        },
        resolve,
      );
      req.on('error', (e: NodeJS.ErrnoException) => reject(this.unreachable(e)));
      if (body !== null) req.write(body);
      req.end();
    });
  }

  private unreachable(e: NodeJS.ErrnoException): AppError {
    return new AppError(
      'store.locked',
      `${describeServer(this.server)} holds the store in ${this.config.dataDir} but does not answer (${e.code ?? e.message}): wait for it to start, or stop it (Ctrl-C where it runs, or kill ${this.server.pid}) and run the command again`,
      [],
      { cause: e },
    );
  }

  private async text(res: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  /** The error of a failed answer: the use-case's own, or one that names the server. */
  private failure(status: number, text: string): AppError {
    let body: Partial<ErrorResponse> | null = null;
    try {
      body = JSON.parse(text) as Partial<ErrorResponse>;
    } catch {
      body = null;
    }
    if (status === 401) {
      return new AppError(
        'auth.unauthenticated',
        `${describeServer(this.server)} did not accept the local credential it left in ${this.config.dataDir}: it may be another server than the one that wrote it; run the command again, or restart the server`,
      );
    }
    if (body !== null && isErrorCode(body.code) && typeof body.message === 'string') {
      return appErrorOf({
        code: body.code,
        message: body.message,
        problems: body.problems ?? [],
        ...(body.hint === undefined ? {} : { hint: body.hint }),
      });
    }
    if (status === 503) {
      return new AppError(
        'store.unavailable',
        `${describeServer(this.server)} is shutting down: run the command again once it has stopped`,
      );
    }
    return new AppError(
      'internal',
      `${describeServer(this.server)} answered ${status}: ${text.slice(0, 200)}`,
    );
  }

  /** A JSON request; the answer parsed, or the error it carries thrown. */
  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await this.send(
      method,
      path,
      body === undefined ? null : JSON.stringify(body),
      'application/json',
    );
    const text = await this.text(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw this.failure(status, text);
    return JSON.parse(text) as T;
  }

  /**
   * Reads a job's event stream until it ends: each event goes to `onEvent`. Resolves when the
   * server ends the stream (normally after the job's final event); a lost connection rejects.
   */
  async events(path: string, lastEventId: number | null, onEvent: (e: ServerEvent) => void): Promise<void> {
    const res = await this.send(
      'GET',
      path,
      null,
      'text/event-stream',
      lastEventId === null ? {} : { 'last-event-id': String(lastEventId) },
    );
    const status = res.statusCode ?? 0;
    if (status !== 200) throw this.failure(status, await this.text(res));
    res.setEncoding('utf8');
    let buffer = '';
    const flush = (block: string) => {
      let id: number | null = null;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'id' && /^\d+$/.test(value)) id = Number(value);
        else if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) onEvent({ id, event, data: data.join('\n') });
    };
    await new Promise<void>((resolve, reject) => {
      res.on('data', (chunk: string) => {
        buffer += chunk.replace(/\r\n?/g, '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          flush(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on('end', resolve);
      res.on('error', (e: NodeJS.ErrnoException) => reject(this.unreachable(e)));
      res.on('aborted', () =>
        reject(this.unreachable(Object.assign(new Error('connection lost'), { code: 'ECONNRESET' }))),
      );
    });
  }
}
