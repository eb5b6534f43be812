/**
 * Progress of one import as one fraction that only moves forward. The work is laid out on one axis
 * of weights proportional to the files' sizes: phase 1 reads the CSV files (most of the time: an
 * activity file is 99 % of the rows), phase 2 reads the JSON files and validates and merges every
 * file, the commit ends it. Inside a step the store's own progress of the running statement moves
 * the fraction by rows (DuckDB's read_csv reports bytes read); a new statement, which starts again
 * at 0 %, never moves it back.
 */
import type { ImportPhase, ImportProgress } from '@license-insights/contracts';

export type { ImportPhase, ImportProgress } from '@license-insights/contracts';

/** Where a file's work is done: read in phase 1 (CSV, by the store) or in phase 2 (JSON, NDJSON). */
export interface PlannedWork {
  readonly file: string;
  readonly bytes: number;
  readonly readFirst: boolean;
}

/** Shares of a file's weight: reading, then validating and merging; and the commit's share of all. */
const READ = 0.6;
const VALIDATE = 0.15;
const MERGE = 0.15;
const COMMIT = 0.1;
/** The share of a step the store's progress may fill: the step's end is reached only when it ends. */
const WITHIN = 0.95;

interface Span {
  readonly start: number;
  readonly weight: number;
}

export class ProgressTracker {
  private readonly spans = new Map<string, Span>();
  private readonly total: number;
  private span: Span = { start: 0, weight: 0 };
  private within = 0;
  private last = -1;
  private current: Omit<ImportProgress, 'fraction'>;
  private timer: NodeJS.Timeout | null = null;

  /**
   * `statementProgress`: percentage done of the store's running statement, or -1 (`Store.progress`);
   * read every `intervalMs` (0: only when `tick` is called).
   */
  constructor(
    private readonly statementProgress: () => number,
    private readonly emit: (p: ImportProgress) => void,
    work: readonly PlannedWork[],
    intervalMs: number,
  ) {
    // Weights: a file's bytes (at least one, so empty files count too).
    const size = (w: PlannedWork) => Math.max(1, w.bytes);
    let at = 0;
    const put = (key: string, weight: number) => {
      this.spans.set(key, { start: at, weight });
      at += weight;
    };
    work.forEach((w, i) => {
      if (w.readFirst) put(`1:${i}:reading`, READ * size(w));
    });
    work.forEach((w, i) => {
      if (!w.readFirst) put(`2:${i}:reading`, READ * size(w));
      put(`2:${i}:validating`, VALIDATE * size(w));
      put(`2:${i}:merging`, MERGE * size(w));
    });
    const files = at;
    put('commit', files > 0 ? (files * COMMIT) / (1 - COMMIT) : 1);
    this.total = at;
    this.current = { fileIndex: 0, fileCount: work.length, file: '', phase: 'reading' };
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.tick(), intervalMs);
      this.timer.unref();
    }
  }

  /** A step begins: `pass` 1 (reading before the transaction) or 2; the commit has its own. */
  enter(
    pass: 1 | 2,
    fileIndex: number,
    file: string,
    phase: Exclude<ImportPhase, 'committing' | 'done'>,
  ): void {
    this.begin(this.spans.get(`${pass}:${fileIndex}:${phase}`), { fileIndex, file, phase });
  }

  committing(): void {
    this.begin(this.spans.get('commit'), {
      fileIndex: this.current.fileCount,
      file: '',
      phase: 'committing',
    });
  }

  /** The import ended (committed or rejected): the fraction is 1. */
  finish(): void {
    this.stop();
    this.span = { start: this.total, weight: 0 };
    this.within = 0;
    this.current = {
      fileIndex: this.current.fileCount,
      fileCount: this.current.fileCount,
      file: '',
      phase: 'done',
    };
    this.send(true);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the store's progress of the running statement and reports any move. */
  tick(): void {
    const pct = this.statementProgress();
    if (pct > 0) this.within = Math.max(this.within, Math.min(WITHIN, pct / 100));
    this.send();
  }

  private begin(span: Span | undefined, at: Omit<ImportProgress, 'fraction' | 'fileCount'>): void {
    // A step with no span (a phase the plan did not foresee) keeps the place reached so far.
    const reached = this.span.start + this.span.weight * this.within;
    this.span = span ?? { start: reached, weight: 0 };
    this.within = 0;
    this.current = { ...at, fileCount: this.current.fileCount };
    this.send(true);
  }

  private send(always = false): void {
    const raw = (this.span.start + this.span.weight * this.within) / this.total;
    const fraction = Math.min(1, Math.max(this.last, raw));
    if (!always && fraction === this.last) return;
    this.last = fraction;
    this.emit({ ...this.current, fraction });
  }
}
