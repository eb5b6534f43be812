/**
 * What the data can tell (SPEC §2.3), as imports record it in `measured_sources`, in the
 * transaction of the data itself:
 * - a canonical activity import (every activity file of one `insights import`) measures, for every
 *   customer it has rows for, every workload it has rows of (for any customer), from the import's
 *   first fact date on. Activity merges note their facts in the session's `imp_activity`; the
 *   commit turns them into sources (`recordCanonicalMeasured`).
 * - a Graph active-user report of 28 days or more measures the Graph workloads for its customer on
 *   its refresh date (`recordGraphMeasured`); a shorter one measures nothing.
 * A new source marks the customer's metrics out of date from the first day it measures.
 */
import { GRAPH_MEASURED_WORKLOADS, WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { dayOf } from '../../dates';
import { WINDOW_DAYS } from '../../metrics/definitions';
import type { MeasuredSources } from '../../metrics/measured';
import { type SqlFragment, sql } from '../sql';
import { ofCustomers } from './customer-filter';
import type { DuckDbClient } from './duckdb-client';
import { markDirty } from './merge-canonical';

/** The session's note of canonical activity merged so far: (customer_id, workload, first day). */
export const IMPORT_ACTIVITY_DDL =
  'CREATE OR REPLACE TEMP TABLE imp_activity (customer_id VARCHAR, workload VARCHAR, first DATE)';

/** Notes canonical activity rows `(customer_id, workload, first)` merged by this import. */
export async function noteCanonicalActivity(db: DuckDbClient, rows: SqlFragment): Promise<void> {
  await db.run(
    sql`INSERT INTO imp_activity SELECT customer_id, workload, min(first) FROM (${rows}) GROUP BY ALL`,
  );
}

/** At commit: the import's canonical activity becomes a measured source of its customers × workloads. */
export async function recordCanonicalMeasured(db: DuckDbClient, partnerId: string): Promise<void> {
  const { noted } = await db.one<{ noted: number }>(sql`SELECT count(*) AS noted FROM imp_activity`);
  if (noted === 0) return;
  await db.run(sql`CREATE OR REPLACE TEMP TABLE imp_measured AS
    SELECT c.customer_id, w.workload, f.first
    FROM (SELECT DISTINCT customer_id FROM imp_activity) c,
         (SELECT DISTINCT workload FROM imp_activity) w,
         (SELECT min(first) AS first FROM imp_activity) f`);
  // Metrics change from the first newly measured day (a source from a later day changes nothing).
  await markDirty(
    db,
    partnerId,
    sql`SELECT m.customer_id, m.first AS d FROM imp_measured m
        WHERE NOT EXISTS (SELECT 1 FROM measured_sources s WHERE s.partner_id = ${partnerId}
          AND s.customer_id = m.customer_id AND s.workload = m.workload AND s.source = 'canonical' AND s.from_day <= m.first)`,
  );
  await db.run(sql`INSERT INTO measured_sources (partner_id, customer_id, workload, source, from_day, period_days)
    SELECT ${partnerId}, customer_id, workload, 'canonical', first, NULL FROM imp_measured
    ON CONFLICT DO NOTHING`);
  await db.run(sql`DROP TABLE IF EXISTS imp_measured`);
  await db.run(sql`DELETE FROM imp_activity`);
}

/** A Graph report of `periodDays` (28 or more) measures the Graph workloads on each refresh date. */
export async function recordGraphMeasured(
  db: DuckDbClient,
  partnerId: string,
  customerId: string,
  refreshDates: readonly string[],
  periodDays: number,
): Promise<void> {
  if (periodDays < WINDOW_DAYS || refreshDates.length === 0) return;
  const rows = sql`SELECT ${customerId} AS customer_id, w.workload, d.day
    FROM (SELECT unnest(${[...GRAPH_MEASURED_WORKLOADS]}) AS workload) w,
         (SELECT unnest(${[...refreshDates]})::DATE AS day) d`;
  await markDirty(
    db,
    partnerId,
    sql`SELECT customer_id, day AS d FROM (${rows}) r
        WHERE NOT EXISTS (SELECT 1 FROM measured_sources s WHERE s.partner_id = ${partnerId}
          AND s.customer_id = r.customer_id AND s.workload = r.workload AND s.source = 'graph'
          AND s.from_day = r.day AND s.period_days >= ${periodDays})`,
  );
  await db.run(sql`INSERT INTO measured_sources (partner_id, customer_id, workload, source, from_day, period_days)
    SELECT ${partnerId}, customer_id, workload, 'graph', day, ${periodDays}::INTEGER FROM (${rows})
    ON CONFLICT (partner_id, customer_id, workload, source, from_day)
    DO UPDATE SET period_days = greatest(measured_sources.period_days, excluded.period_days)`);
}

/** The activity sources of customers (all of the partner's, or the listed ones). */
export async function queryMeasuredSources(
  db: DuckDbClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<Map<string, MeasuredSources>> {
  const filter = ofCustomers(customerIds);
  const rows = await db.all<{
    customer_id: string;
    workload: string;
    source: string;
    from_day: string;
    period_days: number | null;
  }>(
    sql`SELECT customer_id, workload, source, from_day::VARCHAR AS from_day, period_days FROM measured_sources
        WHERE partner_id = ${partnerId} AND ${filter} ORDER BY customer_id, source, from_day, workload`,
  );
  const out = new Map<
    string,
    { canonical: MeasuredSources['canonical'][number][]; graph: MeasuredSources['graph'][number][] }
  >();
  const graphDays = new Set<string>();
  for (const r of rows) {
    let m = out.get(r.customer_id);
    if (m === undefined) {
      m = { canonical: [], graph: [] };
      out.set(r.customer_id, m);
    }
    if (!(WORKLOAD_CODES as readonly string[]).includes(r.workload)) continue;
    if (r.source === 'graph') {
      const k = `${r.customer_id}|${r.from_day}`;
      if (graphDays.has(k)) continue;
      graphDays.add(k);
      m.graph.push({ day: dayOf(r.from_day), periodDays: r.period_days ?? 0 });
    } else m.canonical.push({ workload: r.workload as WorkloadCode, from: dayOf(r.from_day) });
  }
  return out;
}
