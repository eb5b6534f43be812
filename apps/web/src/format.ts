/**
 * Numbers, percentages and days as the language writes them. The dashboard formats what the API
 * computed; it never computes a metric itself.
 */
import type { Locale } from '@license-insights/contracts';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `n:${locale}:${JSON.stringify(options)}`;
  let f = cache.get(key) as Intl.NumberFormat | undefined;
  if (f === undefined) {
    f = new Intl.NumberFormat(locale, options);
    cache.set(key, f);
  }
  return f;
}

export function fmtInt(locale: Locale, n: number): string {
  return numberFormat(locale, { maximumFractionDigits: 0 }).format(n);
}

/** A percentage the API gives as a number of percent (87.5 → "87.5 %" / "87,5 %"). */
export function fmtPct(locale: Locale, n: number, digits = 1): string {
  return `${numberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(n)}\u00a0%`;
}

/** A change in percentage points, signed ("+2.5 pp" / "+2,5 p.p."). */
export function fmtPoints(locale: Locale, n: number): string {
  const s = numberFormat(locale, { maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(n);
  return `${s}\u00a0${locale === 'pl' ? 'p.p.' : 'pp'}`;
}

/** A signed count ("+12", "−3"). */
export function fmtDelta(locale: Locale, n: number): string {
  return numberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' }).format(n);
}

/** A day (YYYY-MM-DD) in the language's date format, read as a calendar day (no time zone shift). */
export function fmtDay(locale: Locale, day: string): string {
  const key = `d:${locale}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
    cache.set(key, f);
  }
  return f.format(new Date(`${day}T00:00:00Z`));
}

/** An instant (ISO) in the language's date and time format, in the browser's time zone. */
export function fmtInstant(locale: Locale, iso: string): string {
  const key = `t:${locale}`;
  let f = cache.get(key) as Intl.DateTimeFormat | undefined;
  if (f === undefined) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    cache.set(key, f);
  }
  return f.format(new Date(iso));
}

/** A number with at most `digits` decimals ("2.2" / "2,2"): rates that are not percentages. */
export function fmtDecimal(locale: Locale, n: number, digits = 1): string {
  return numberFormat(locale, { maximumFractionDigits: digits }).format(n);
}
