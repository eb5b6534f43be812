/**
 * Calendar dates as `YYYY-MM-DD` strings at every boundary and as integer day numbers (days since
 * 1970-01-01) inside computations. No time zones: a date is a calendar day (SPEC §2).
 */
const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Day number of a valid `YYYY-MM-DD`, or `null` when the text is not a real calendar date. */
export function parseIsoDate(text: string): number | null {
  const m = ISO_DATE.exec(text);
  if (m === null) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return Date.UTC(y, mo - 1, d) / MS_PER_DAY;
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, month: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export function addDays(date: string, n: number): string {
  return formatDay(dayOf(date) + n);
}

/** Day number of a date known to be valid (throws otherwise: a programming error). */
export function dayOf(date: string): number {
  const d = parseIsoDate(date);
  if (d === null) throw new RangeError(`not a calendar date: ${date}`);
  return d;
}

export function todayIso(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Day of week of a day number, 0 = Monday … 6 = Sunday. */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}
