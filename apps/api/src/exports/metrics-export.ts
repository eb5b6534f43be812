/**
 * A streamed export of metrics rows as an HTTP body: the use-case (`streamMetricsRows`, one read
 * unit) writes each chunk through the format's writer into a stream the reply sends. Failures
 * before the first byte (no metrics for the day) are ordinary errors of the route; after it, the
 * stream is destroyed (the client sees a cut transfer, never a document that looks whole). A
 * client that goes away ends the read. The outcome (rows written, or the failure) is known when
 * the stream is done, for the audit.
 */
import { PassThrough, type Readable } from 'node:stream';
import type { ChannelView, ExportFormat, MetricsExportRequest } from '@license-insights/contracts';
import { AppError, type Store, streamMetricsRows } from '@license-insights/core';
import { metricsWriter, type XlsxOptions } from './metrics-writers';

export interface StartedExport {
  readonly day: string;
  readonly view: ChannelView;
  readonly body: Readable;
  /** Rows written when the export ends, and its failure if it did not finish. */
  readonly done: Promise<{ readonly rows: number; readonly error: unknown }>;
}

/** Bytes the body holds before the writer waits for the client. */
const BODY_BUFFER = 64 * 1024;

export async function startMetricsExport(
  store: Store,
  req: MetricsExportRequest,
  format: ExportFormat,
  options: { readonly xlsx?: XlsxOptions; readonly chunkRows?: number } = {},
): Promise<StartedExport> {
  const body = new PassThrough({ highWaterMark: BODY_BUFFER });
  // The failure is reported through `done`; whoever reads the body sees it cut (and its own error
  // handling runs): this listener only keeps an error without a reader yet from crashing the process.
  body.on('error', () => undefined);
  const writer = metricsWriter(format, body, options.xlsx);
  let rows = 0;
  let begun = false;
  let onStart: (meta: { day: string; view: ChannelView }) => void = () => undefined;
  const started = new Promise<{ day: string; view: ChannelView }>((resolve) => {
    onStart = resolve;
  });
  const done = streamMetricsRows(
    store,
    req,
    {
      start: (meta) => {
        begun = true;
        onStart(meta);
      },
      rows: async (chunk) => {
        await writer.rows(chunk);
        rows += chunk.length;
      },
    },
    options.chunkRows === undefined ? {} : { chunkRows: options.chunkRows },
  )
    .then(() => writer.finish())
    .then(
      () => ({ rows, error: null }),
      (error: unknown) => {
        // The read has ended (a closed body fails the writer, which ends the read unit): let go of
        // what the writer holds, and cut the body so a client never takes it for a whole document.
        writer.abort();
        if (begun) body.destroy(error instanceof Error ? error : new Error(String(error)));
        else body.destroy();
        return { rows, error };
      },
    );
  const meta = await Promise.race([
    started,
    done.then(({ error }) => {
      if (begun) return started;
      throw error ?? new AppError('internal', 'the export ended before it started');
    }),
  ]);
  return { ...meta, body, done };
}
