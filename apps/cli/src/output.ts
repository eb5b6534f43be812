/**
 * The CLI output contract: pretty tables, colours and progress on a terminal; plain,
 * machine-readable output when piped; errors and progress on stderr, results on stdout.
 */
export interface Terminal {
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  readonly color: boolean;
  out(text: string): void;
  err(text: string): void;
}

export function processTerminal(env: Readonly<Record<string, string | undefined>>): Terminal {
  const stdoutIsTty = process.stdout.isTTY === true;
  const stderrIsTty = process.stderr.isTTY === true;
  const out = closableOutput(process.stdout);
  const err = closableOutput(process.stderr);
  return {
    stdoutIsTty,
    stderrIsTty,
    color: stderrIsTty && stdoutIsTty && env.NO_COLOR === undefined && env.TERM !== 'dumb',
    out,
    err,
  };
}

/**
 * Writes to a standard stream that its reader may close (`insights report … | head`): the first
 * EPIPE marks the stream closed and later text is dropped, so the command ends as it would have
 * (an import still commits, exit code as usual) instead of dying on an unhandled 'error' event with
 * a stack trace. Any other stream error is still thrown.
 */
export function closableOutput(stream: NodeJS.WritableStream): (text: string) => void {
  let closed = false;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw e;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof CODES;

export function paint(term: Terminal, style: Style, text: string): string {
  if (!term.color) return text;
  const [on, off] = CODES[style];
  return `\u001b[${on}m${text}\u001b[${off}m`;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips our own ANSI colour codes
const ANSI = /\u001b\[[0-9;]*m/g;
const visibleLength = (s: string) => [...s.replace(ANSI, '')].length;

export interface Column {
  readonly title: string;
  readonly align?: 'left' | 'right';
}

/** A plain aligned table for terminals. */
export function renderTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  term: Terminal,
): string {
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.title), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const cell = (text: string, i: number) => {
    const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - visibleLength(text)));
    return columns[i]?.align === 'right' ? pad + text : text + pad;
  };
  const line = (cells: readonly string[]) => `${cells.map(cell).join('  ').trimEnd()}\n`;
  return (
    paint(term, 'bold', line(columns.map((c) => c.title)).trimEnd()) +
    '\n' +
    line(widths.map((w) => '─'.repeat(w))) +
    rows.map(line).join('')
  );
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const EN_PLURALS = new Intl.PluralRules('en-US');

/** A count with its noun, as the CLI's own (English) lines write it: "1 customer", "1,234 customers". */
export function countOf(n: number, one: string, other = `${one}s`): string {
  return `${formatCount(n)} ${EN_PLURALS.select(n) === 'one' ? one : other}`;
}

/** A one-line progress bar on stderr, redrawn in place; silent when stderr is not a terminal. */
export class ProgressBar {
  private last = '';
  private timer: NodeJS.Timeout | null = null;
  constructor(private readonly term: Terminal) {}

  update(fraction: number, label: string): void {
    if (!this.term.stderrIsTty) return;
    const width = 24;
    const f = Math.max(0, Math.min(1, fraction));
    const full = Math.round(f * width);
    // The label is cut to the terminal's width (80 when it does not say): a wrapped line would not
    // be redrawn in place. Colour codes take no columns.
    const columns = process.stderr.columns || 80;
    const room = Math.max(10, columns - width - 6);
    const shown = [...label].length > room ? `${[...label].slice(0, room - 1).join('')}…` : label;
    const text = `${paint(this.term, 'cyan', '█'.repeat(full))}${paint(this.term, 'dim', '░'.repeat(width - full))} ${String(Math.round(f * 100)).padStart(3)}% ${shown}`;
    if (text === this.last) return;
    this.last = text;
    this.term.err(`\r\u001b[2K${text}`);
  }

  /** Redraws `render()` every `ms` until `done()`. */
  poll(ms: number, render: () => void): void {
    if (!this.term.stderrIsTty) return;
    this.timer = setInterval(render, ms);
  }

  done(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    if (this.term.stderrIsTty && this.last !== '') this.term.err('\r\u001b[2K');
    this.last = '';
  }
}
