/**
 * Writing to a response stream with backpressure: a write that fills the stream's buffer waits
 * for it to drain, and a stream the client closed stops the writer (the read behind it ends), so
 * an export holds at most a buffer's worth whatever its size or the client's speed.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** The client went away (or the stream failed) before the export was written. */
export class StreamClosedError extends Error {
  constructor() {
    super('the export stream was closed before the export was written (the client went away)');
  }
}

/** Waits until the stream wants more, or fails when it is closed first. */
export function drained(out: Writable): Promise<void> {
  if (out.destroyed || out.writableEnded) return Promise.reject(new StreamClosedError());
  if (!out.writableNeedDrain) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (e?: unknown) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onClose);
      if (e === undefined) resolve();
      else reject(e);
    };
    const onDrain = () => done();
    const onClose = () => done(new StreamClosedError());
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onClose);
  });
}

/** Writes, then waits while the stream's buffer is full. */
export async function write(out: Writable, data: string | Buffer): Promise<void> {
  if (out.destroyed || out.writableEnded) throw new StreamClosedError();
  if (!out.write(data)) await drained(out);
}

/** Resolves when everything written to the stream has been taken; fails if it is closed first. */
export async function whenFinished(out: Writable): Promise<void> {
  try {
    await finished(out, { readable: false });
  } catch {
    throw new StreamClosedError();
  }
}

/** Ends the stream and waits until everything written has been taken (or fails if it is closed first). */
export async function end(out: Writable): Promise<void> {
  if (out.destroyed) throw new StreamClosedError();
  const taken = whenFinished(out);
  out.end();
  await taken;
}
