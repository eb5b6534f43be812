/**
 * The "ready" marker the browser tests and `npm run bench -- web` wait for: a page calls
 * `markReady(name)` once its first data is drawn (the portfolio: KPI tiles and the first page of the
 * customer table). It sets `data-ready` on <html> and a performance mark `li:ready:<name>`, whose
 * startTime is the time from navigation start.
 */
export function markReady(name: string): void {
  if (document.documentElement.dataset.ready === name) return;
  document.documentElement.dataset.ready = name;
  performance.mark(`li:ready:${name}`);
}

/** A page that is leaving (or loading again) is not ready. */
export function clearReady(): void {
  delete document.documentElement.dataset.ready;
}
