/**
 * What the data can tell (SPEC §2.3): on which days a customer's workload is measured, whether the
 * 28-day window of such a day lies within the data, and how far back the data reaches. Absence of
 * data is not absence of use: a workload no source measures on D has no known usage on D.
 *
 * Sources, per customer:
 * - a canonical activity import measures each workload it has rows of (for any customer), for every
 *   customer it has rows for, on every day from the import's first fact date on — its data reaches
 *   back to that date;
 * - a Graph active-user report of 28 days or more measures EXO, SPO, SFB, YAM and TEAMS on its
 *   refresh date only, with data reaching back over its period (D30: 30 days to the refresh date).
 *
 * Pure and IO-free; the reference, the engine and the inactive-user lists share it.
 */
import { GRAPH_MEASURED_WORKLOADS, WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { WINDOW_DAYS } from './definitions';

/** A customer's activity sources, in day numbers (days since 1970-01-01). */
export interface MeasuredSources {
  /** Canonical activity imports: each measures `workload` from day `from` on. */
  readonly canonical: readonly { readonly workload: WorkloadCode; readonly from: number }[];
  /** Graph active-user reports: each measures the Graph workloads on `day` (periods of 28+ days only). */
  readonly graph: readonly { readonly day: number; readonly periodDays: number }[];
}

export const NOTHING_MEASURED: MeasuredSources = { canonical: [], graph: [] };

/** Usage state codes as stored: 0 not known, 1 known, 2 known over a partial window. */
export const UNKNOWN = 0;
export const KNOWN = 1;
export const PARTIAL = 2;

const GRAPH_WORKLOAD = new Set<WorkloadCode>(GRAPH_MEASURED_WORKLOADS);

/**
 * The first day from which the data on `w` is complete up to day `d`, over the sources that measure
 * `w` on `d`; null when none does (usage not known).
 */
export function dataSince(m: MeasuredSources, w: WorkloadCode, d: number): number | null {
  let since: number | null = null;
  for (const c of m.canonical) {
    if (c.workload === w && c.from <= d && (since === null || c.from < since)) since = c.from;
  }
  if (GRAPH_WORKLOAD.has(w)) {
    for (const g of m.graph) {
      if (g.day !== d || g.periodDays < WINDOW_DAYS) continue;
      const from = d - g.periodDays + 1;
      if (since === null || from < since) since = from;
    }
  }
  return since;
}

/** 0 not known, 1 known, 2 known over a partial window (the window reaches back before the data). */
export function usageStateOf(m: MeasuredSources, w: WorkloadCode, d: number): number {
  const since = dataSince(m, w, d);
  if (since === null) return UNKNOWN;
  return since > d - WINDOW_DAYS + 1 ? PARTIAL : KNOWN;
}

/** The state of a product row (ALL) from its workloads' states: known when any is, partial when any known one is. */
export function combineStates(states: Iterable<number>): number {
  let out = UNKNOWN;
  for (const s of states) {
    if (s === PARTIAL) return PARTIAL;
    if (s === KNOWN) out = KNOWN;
  }
  return out;
}

const NW = WORKLOAD_CODES.length;

/**
 * The state of every workload on days first … first + days − 1, into `out[w · days + i]` (w: index
 * in WORKLOAD_CODES). Linear in days × workloads plus the sources.
 */
export function workloadStatesInto(m: MeasuredSources, first: number, days: number, out: Uint8Array): void {
  out.fill(UNKNOWN, 0, NW * days);
  if (m.canonical.length === 0 && m.graph.length === 0) return;
  const canonicalFrom = new Float64Array(NW).fill(Number.POSITIVE_INFINITY);
  for (const c of m.canonical) {
    const w = WORKLOAD_CODES.indexOf(c.workload);
    if (w >= 0 && c.from < (canonicalFrom[w] as number)) canonicalFrom[w] = c.from;
  }
  // Graph reports by day (the longest period of a day's reports wins).
  const graphSince = new Map<number, number>();
  for (const g of m.graph) {
    if (g.periodDays < WINDOW_DAYS || g.day < first || g.day >= first + days) continue;
    const from = g.day - g.periodDays + 1;
    graphSince.set(g.day, Math.min(from, graphSince.get(g.day) ?? from));
  }
  for (let w = 0; w < NW; w++) {
    const code = WORKLOAD_CODES[w] as WorkloadCode;
    const graph = GRAPH_WORKLOAD.has(code);
    const cFrom = canonicalFrom[w] as number;
    const base = w * days;
    for (let i = 0; i < days; i++) {
      const d = first + i;
      let since = cFrom <= d ? cFrom : Number.POSITIVE_INFINITY;
      if (graph) {
        const g = graphSince.get(d);
        if (g !== undefined && g < since) since = g;
      }
      if (since === Number.POSITIVE_INFINITY) continue;
      out[base + i] = since > d - WINDOW_DAYS + 1 ? PARTIAL : KNOWN;
    }
  }
}
