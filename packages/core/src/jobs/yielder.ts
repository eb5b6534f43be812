/**
 * Long work on the event loop in slices: `await y.slice()` at points where stopping is cheap lets
 * other work run (a server answers requests while a compute or a large read goes on) once this task
 * has run for `sliceMs` since it last did. Checking the clock is cheap; call it every few
 * thousand rows, not every row. A slice is also where a cancelled job stops (`signal`).
 */
export class Yielder {
  private last = performance.now();

  constructor(
    private readonly sliceMs = 10,
    private readonly signal?: AbortSignal,
  ) {}

  async slice(): Promise<void> {
    this.signal?.throwIfAborted();
    const now = performance.now();
    if (now - this.last < this.sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
    this.signal?.throwIfAborted();
  }
}

/** A yielder that never yields (callers that run alone, such as tests of pure code). */
export const NEVER_YIELD = { slice: async (): Promise<void> => {} } as const;
