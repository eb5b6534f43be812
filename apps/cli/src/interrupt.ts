/**
 * SIGINT and SIGTERM as a cancel: the first one aborts the running job (its unit of work rolls
 * back, nothing is stored); our handlers are then gone, so a second signal ends the process.
 */
export interface Interrupt {
  readonly signal: AbortSignal;
  /** The signal received, if any. */
  received(): NodeJS.Signals | null;
  dispose(): void;
}

export function listenForInterrupt(): Interrupt {
  const abort = new AbortController();
  let received: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    received = signal;
    dispose();
    abort.abort();
  };
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: abort.signal, received: () => received, dispose };
}
