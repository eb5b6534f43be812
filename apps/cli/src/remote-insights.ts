/**
 * The use-cases of `insights` commands sent to the running server that holds the store (the
 * `Insights` interface of the core, over HTTP): each request goes to the local operator's route of
 * its use-case and comes back as the use-case's own answer, so a command prints what it prints
 * without a server. Imports and computes run as the server's jobs: their progress events feed the
 * command's progress bar, and the command's signal (Ctrl-C) cancels the job — the server's store
 * rolls back as the CLI's own would.
 */
import type {
  ComputeProgress,
  ErrorResponse,
  ImportProgress,
  Job,
  JobDoneEvent,
  JobFailedEvent,
  JobProgressEvent,
  LocalImportRequest,
} from '@license-insights/contracts';
import { AppError, type ComputeRequest, type ImportRequest, type Insights } from '@license-insights/core';
import { appErrorOf, describeServer, type LocalServerClient } from './server-client';

/** Reconnections to a job's event stream before the command gives up on it. */
const RECONNECTS = 5;

type Outcome = { readonly report: unknown } | { readonly error: ErrorResponse };

/**
 * Follows a job to its end: progress to `onProgress`, cancel on `signal`; its report, or its error
 * thrown. A stream that breaks is picked up again where it stopped (Last-Event-ID).
 */
async function followJob(
  client: LocalServerClient,
  jobId: string,
  onProgress: ((p: ImportProgress | ComputeProgress) => void) | undefined,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  let cancelled = false;
  const cancel = () => {
    if (cancelled) return;
    cancelled = true;
    void client.request('DELETE', `/api/v1/jobs/${encodeURIComponent(jobId)}`).catch(() => undefined);
  };
  signal?.addEventListener('abort', cancel);
  if (signal?.aborted === true) cancel();
  const state: { outcome: Outcome | null; last: number | null } = { outcome: null, last: null };
  try {
    for (let attempt = 0; state.outcome === null; attempt++) {
      try {
        await client.events(`/api/v1/jobs/${encodeURIComponent(jobId)}/events`, state.last, (e) => {
          if (e.id !== null) state.last = e.id;
          if (e.event === 'progress') {
            const p = (JSON.parse(e.data) as JobProgressEvent).progress;
            if (p !== null) onProgress?.(p);
          } else if (e.event === 'done') {
            state.outcome = { report: (JSON.parse(e.data) as JobDoneEvent).report };
          } else if (e.event === 'failed') {
            state.outcome = { error: (JSON.parse(e.data) as JobFailedEvent).error };
          }
        });
      } catch (e) {
        if (attempt >= RECONNECTS) throw e;
      }
      if (state.outcome === null) {
        if (attempt >= RECONNECTS) {
          throw new AppError(
            'store.unavailable',
            `lost ${describeServer(client.server)} while it ran job ${jobId}: what it stored is not known here (insights status tells)`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
  } finally {
    signal?.removeEventListener('abort', cancel);
  }
  const outcome: Outcome = state.outcome;
  if ('error' in outcome) throw appErrorOf(outcome.error);
  return outcome.report;
}

/** `Insights` over the local operator's routes of a running server. */
export function remoteInsights(client: LocalServerClient): Insights {
  const call = <T>(path: string, body: unknown) => client.request<T>('POST', `/api/v1/local/${path}`, body);
  return {
    where: client.server.url,
    partnerIds: async () => [
      ...(await client.request<{ partnerIds: string[] }>('GET', '/api/v1/local/partners')).partnerIds,
    ],
    async resolvePartner(req) {
      const r = await call<{ partnerId: string; exists: boolean }>('partner', req);
      // The partner the local operator acts for (a partner the store does not hold yet cannot be named).
      client.partnerId = r.exists ? r.partnerId : null;
      return r;
    },
    async importFiles(req: ImportRequest) {
      const { onProgress, progressIntervalMs: _interval, signal, actor: _actor, ...request } = req;
      if (signal?.aborted === true) {
        throw new AppError('interrupted', 'the import was interrupted; nothing was stored');
      }
      const body: LocalImportRequest = request;
      const job = await call<Job>('jobs/import', body);
      return (await followJob(
        client,
        job.jobId,
        onProgress as ((p: ImportProgress | ComputeProgress) => void) | undefined,
        signal,
      )) as Awaited<ReturnType<Insights['importFiles']>>;
    },
    async computeMetrics(req: ComputeRequest) {
      const { onProgress, signal, sliceMs: _slice, engine: _engine, ...request } = req;
      const job = await call<Job>('jobs/compute', request);
      return (await followJob(
        client,
        job.jobId,
        onProgress as ((p: ImportProgress | ComputeProgress) => void) | undefined,
        signal,
      )) as Awaited<ReturnType<Insights['computeMetrics']>>;
    },
    portfolioReport: (req) => call('reports/portfolio', req),
    customerReport: (req) => call('reports/customer', req),
    inactiveUsers: (req) => call('reports/inactive', req),
    supportMetrics: (req) => call('reports/support', req),
    staleMetrics: (req) => call('reports/stale', req),
    recommendations: (req) => call('recommendations', req),
    settings: (req) => call('settings/show', req),
    setSetting: (req) => call('settings/set', req),
    resetSettings: (req) => call('settings/reset', req),
    settingsLog: (req) => call('settings/log', req),
    exclusions: (req) => call('exclusions/list', req),
    addExclusion: (req) => call('exclusions/add', req),
    removeExclusion: (req) => call('exclusions/remove', req),
    status: (req) => call('status', req),
    listCatalog: (req) => call('catalog/list', req),
    showCatalogProduct: (req) => call('catalog/show', req),
    close: async () => {},
  };
}
