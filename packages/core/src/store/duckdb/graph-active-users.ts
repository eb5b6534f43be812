/**
 * Applies a validated Graph "Office 365 active user detail" stage to one customer:
 * - users (user id = lower-cased UPN) and their deletion,
 * - one activity fact per non-empty last-activity date (OneDrive counted as SPO),
 * - license assignment intervals: a product listed for a user opens an interval seeded with the
 *   earliest license assign date of the product's workloads (the report date when the product has
 *   no workload in the report, or is unknown); a product no longer listed closes the user's open
 *   interval on the report date,
 * - the customer's concealed-names flag (32-hex-character UPNs).
 * Users and activity go through the canonical merges (mergeOkTable, mergeActivityAgg), so a
 * report merges exactly like the equivalent canonical files. A report older than one already imported for the customer adds its
 * activity but does not move assignments or flags (the newer report knows better).
 */
import { GRAPH_ACTIVITY_COLUMNS, GRAPH_ASSIGN_COLUMNS } from '@license-insights/contracts';
import { ident, join, type SqlFragment, sql } from '../sql';
import type { GraphReportOutcome } from '../store';
import { typed } from './column-sql';
import type { DuckDbClient } from './duckdb-client';
import {
  activityAggOfKeyed,
  markDirty,
  mergeActivityAgg,
  mergeOkTable,
  recordCoverage,
} from './merge-canonical';
import { badTable, recOf, type StageRef, stageTable, validRecords } from './validation';

const SOURCE = 'graph_active_users';

export async function mergeGraphActiveUsersStage(
  db: DuckDbClient,
  partnerId: string,
  stage: StageRef,
  customerId: string,
): Promise<GraphReportOutcome> {
  const s = stageTable(stage.id);
  const d = (name: string) => typed({ kind: 'date' }, sql`s.${ident(name)}`);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_ok AS
    SELECT ${recOf(stage)} AS _rec, s._line AS _line, ${d('refresh_date')} AS refresh, s.upn, lower(s.upn) AS user_id,
           nullif(s.display_name, '') AS display_name, lower(s.is_deleted) = 'true' AS is_deleted,
           ${join([...GRAPH_ACTIVITY_COLUMNS, ...GRAPH_ASSIGN_COLUMNS].map((c) => sql`${d(c.name)} AS ${ident(c.name)}`))},
           list_distinct(list_filter(list_transform(string_split(coalesce(s.assigned_products, ''), '+'), x -> upper(trim(x))), x -> x <> '')) AS products,
           ${d('deleted_date')} AS deleted_date
    FROM ${s} s WHERE ${await validRecords(db, stage)}`);
  // The typed copy is all that is read from here on: free the text stage (a 10 M-user report's
  // stage is gigabytes of memory).
  await db.run(sql`DROP TABLE IF EXISTS ${s}`);
  await db.run(sql`DROP TABLE IF EXISTS ${badTable(stage.id)}`);
  // UPNs differing only in letter case are one user: the last row wins (rare; checked cheaply
  // first, on hashes: a collision only sends the report through the exact deduplication).
  const { dups } = await db.one<{ dups: number }>(
    sql`SELECT count(*) - count(DISTINCT hash(user_id)) AS dups FROM g_ok`,
  );
  if (dups > 0) {
    await db.run(
      sql`CREATE OR REPLACE TEMP TABLE g_ok AS SELECT * FROM g_ok QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY _rec DESC) = 1`,
    );
  }

  const refreshRows = await db.all<{ refresh: string }>(
    sql`SELECT DISTINCT refresh::VARCHAR AS refresh FROM g_ok ORDER BY 1`,
  );
  const refreshDates = refreshRows.map((r) => r.refresh);
  const latestStored = await db.all<{ last: string }>(
    sql`SELECT last_date::VARCHAR AS last FROM source_coverage
        WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND source = ${SOURCE} AND entity = 'users'`,
  );
  const reportDate = refreshDates[refreshDates.length - 1];
  const stale =
    reportDate !== undefined && latestStored[0] !== undefined && reportDate < latestStored[0].last;

  // Users, through the canonical users merge (stale reports only add users they name first); a
  // projection of g_ok, not a copy of it.
  const users = await mergeOkTable(
    db,
    partnerId,
    sql`(SELECT _rec, _line, ${customerId} AS customer_id, user_id, upn, display_name,
           CASE WHEN is_deleted THEN coalesce(deleted_date, refresh) END AS deleted_on
         FROM g_ok)`,
    'users',
    stale ? ['customer_id', 'user_id'] : ['customer_id', 'user_id', 'upn', 'display_name', 'deleted_on'],
    [],
    SOURCE,
  );

  // Users are looked up once: g_keys carries their key with what activity and assignments read.
  // Activity: one fact per non-empty last-activity date; a workload with one report column has at
  // most one fact per user, so its rows are already per (user, workload, month) and skip the
  // aggregation only OneDrive + SharePoint need.
  const carried = [...GRAPH_ACTIVITY_COLUMNS, ...GRAPH_ASSIGN_COLUMNS].map((c) => sql`g.${ident(c.name)}`);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_keys AS
    SELECT g.user_id, u.user_key, g.refresh, g.products, ${join(carried)}
    FROM g_ok g JOIN users u ON u.partner_id = ${partnerId} AND u.customer_id = ${customerId} AND u.user_id = g.user_id`);
  const columnsOf = new Map<string, string[]>();
  for (const c of GRAPH_ACTIVITY_COLUMNS)
    columnsOf.set(c.workload, [...(columnsOf.get(c.workload) ?? []), c.name]);
  const perWorkload = [...columnsOf].map(([workload, names]) => {
    if (names.length > 1) {
      const dates = join(names.map((n) => sql`${ident(n)}`));
      return activityAggOfKeyed(
        sql`SELECT user_key, ${customerId} AS customer_id, ${workload} AS workload, date
            FROM (SELECT user_key, unnest([${dates}]) AS date FROM g_keys) WHERE date IS NOT NULL`,
      );
    }
    const date = ident(names[0] ?? '');
    return sql`SELECT user_key, ${customerId} AS customer_id, ${workload} AS workload,
        date_trunc('month', ${date})::DATE AS month, (1::UINTEGER) << (day(${date}) - 1)::UINTEGER AS days,
        ${date} AS first, ${date} AS last, 1::BIGINT AS n
      FROM g_keys WHERE ${date} IS NOT NULL`;
  });
  await db.run(sql`CREATE OR REPLACE TEMP TABLE activity_agg AS ${join(perWorkload, ' UNION ALL ')}`);
  const activity = await mergeActivityAgg(db, partnerId, SOURCE);

  // Products named in the report, resolved by their report names; unknown names kept and flagged.
  const assignDates = (workloadOf: (w: string) => SqlFragment) =>
    GRAPH_ASSIGN_COLUMNS.map((c) => sql`CASE WHEN ${workloadOf(c.workload)} THEN g.${ident(c.name)} END`);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_products AS
    SELECT g.user_id, g.user_key, g.refresh, g.name AS report_name, coalesce(r.product_id, g.name) AS product_id,
           r.product_id IS NOT NULL AS known,
           least(g.refresh, coalesce(
             list_min(list_filter([${join(assignDates((w) => sql`list_contains(coalesce(r.workloads, []), ${w})`))}], x -> x IS NOT NULL)),
             g.refresh)) AS seed
    FROM (SELECT *, unnest(products) AS name FROM g_keys) g
    LEFT JOIN cat_reports r ON r.name = g.name`);
  const unknownRows = await db.all<{ product_id: string }>(
    sql`SELECT DISTINCT product_id FROM g_products WHERE NOT known ORDER BY 1`,
  );
  const unknownProducts = unknownRows.map((r) => r.product_id);
  if (unknownProducts.length > 0) {
    await db.run(sql`INSERT INTO products (partner_id, product_id, name, service, origin)
      SELECT DISTINCT ${partnerId}, product_id, report_name, 'OTHER', 'discovered' FROM g_products WHERE NOT known
      ON CONFLICT DO NOTHING`);
  }

  // One row per (user, product): two report names of one product keep the earlier seed (checked on
  // hashes first: a collision only sends the report through the exact deduplication).
  let { rows, listed } = await db.one<{ rows: number; listed: number }>(
    sql`SELECT count(*) AS rows, count(DISTINCT hash(user_id, product_id)) AS listed FROM g_products`,
  );
  if (listed < rows) {
    await db.run(sql`CREATE OR REPLACE TEMP TABLE g_products AS SELECT * FROM g_products
      QUALIFY row_number() OVER (PARTITION BY user_id, product_id ORDER BY seed, report_name) = 1`);
    ({ listed } = await db.one<{ listed: number }>(sql`SELECT count(*) AS listed FROM g_products`));
  }

  let opened = 0;
  let closed = 0;
  if (!stale) {
    const held = sql`(SELECT user_id, product_id, max(unassigned_on) AS last_end, bool_or(unassigned_on IS NULL) AS has_open
        FROM license_assignments WHERE partner_id = ${partnerId} AND customer_id = ${customerId} GROUP BY ALL)`;
    opened =
      await db.run(sql`INSERT INTO license_assignments (partner_id, customer_id, user_id, product_id, assigned_on, unassigned_on, source, user_key)
      SELECT ${partnerId}, ${customerId}, g.user_id, g.product_id, greatest(g.seed, coalesce(h.last_end, g.seed)), NULL, ${SOURCE}, g.user_key
      FROM g_products g LEFT JOIN ${held} h ON h.user_id = g.user_id AND h.product_id = g.product_id
      WHERE NOT coalesce(h.has_open, false)`);
    // Intervals the report no longer lists are closed on the report date (only intervals that
    // started before it, and only when the report shows something else than before).
    const { stillOpen } = await db.one<{ stillOpen: number }>(
      sql`SELECT count(*) AS stillOpen FROM license_assignments
          WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND unassigned_on IS NULL`,
    );
    // Every listed (user, product) now has one open interval: when they are all that is open,
    // there is nothing to close (the usual daily case, and a scan of all assignments saved).
    if (stillOpen > listed) {
      closed = await db.run(sql`UPDATE license_assignments a SET unassigned_on = g.refresh
        FROM g_ok g
        WHERE g.user_id = a.user_id AND a.partner_id = ${partnerId} AND a.customer_id = ${customerId}
          AND a.unassigned_on IS NULL AND a.assigned_on < g.refresh
          AND NOT EXISTS (SELECT 1 FROM g_products x WHERE x.user_id = a.user_id AND x.product_id = a.product_id)`);
    }
    if (opened + closed > 0) {
      // Opened intervals start at their seed, closed ones end on the report date (later).
      await markDirty(
        db,
        partnerId,
        sql`SELECT ${customerId} AS customer_id, d FROM (SELECT min(seed) AS d FROM g_products UNION ALL SELECT min(refresh) FROM g_ok)`,
      );
    }
    await recordCoverage(
      db,
      partnerId,
      SOURCE,
      'license_assignments',
      sql`SELECT ${customerId} AS customer_id, seed AS d FROM g_products`,
    );
  }

  await db.exec('DROP TABLE IF EXISTS g_keys');
  const { n: concealed } = await db.one<{ n: number }>(
    sql`SELECT count(*) AS n FROM g_ok WHERE regexp_full_match(upn, '[0-9A-Fa-f]{32}')`,
  );
  if (!stale && reportDate !== undefined) {
    if (concealed > 0) {
      const { n: total } = await db.one<{ n: number }>(sql`SELECT count(*) AS n FROM g_ok`);
      await db.run(sql`INSERT INTO customer_flags (partner_id, customer_id, flag, detail, since)
        VALUES (${partnerId}, ${customerId}, 'concealed_names', ${`${concealed} of ${total} user names concealed in the report of ${reportDate}`}, ${reportDate}::DATE)
        ON CONFLICT (partner_id, customer_id, flag) DO UPDATE SET detail = excluded.detail`);
    } else {
      await db.run(
        sql`DELETE FROM customer_flags WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND flag = 'concealed_names'`,
      );
    }
  }
  await recordCoverage(
    db,
    partnerId,
    SOURCE,
    'users',
    sql`SELECT ${customerId} AS customer_id, refresh AS d FROM g_ok`,
  );
  return {
    refreshDates,
    users,
    activity,
    assignments: { opened, closed, skippedAsStale: stale },
    concealedNames: concealed,
    unknownProducts,
  };
}
