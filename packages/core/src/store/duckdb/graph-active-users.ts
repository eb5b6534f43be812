/**
 * Applies a Graph "Office 365 active user detail" report to one customer:
 * - users (user id = lower-cased UPN) and their deletion,
 * - one activity fact per non-empty last-activity date (OneDrive counted as SPO),
 * - license assignment intervals: a product listed for a user opens an interval seeded with the
 *   earliest license assign date of the product's workloads (the report date when the product has
 *   no workload in the report, or is unknown); a product no longer listed closes the user's open
 *   interval on the report date,
 * - the customer's concealed-names flag (32-hex-character UPNs).
 * A report older than one already imported for the customer adds its activity but does not move
 * assignments or flags (the newer report knows better).
 *
 * Two ways in, one result. The fast path reads the file straight into the report's typed "ok"
 * table with a bad-record flag (`readGraphCsvTyped`, before the import's transaction); when
 * any record is bad, the precise path stages the text, validates it (lines, values, what was
 * expected) and builds the same typed table from the valid records (`buildGraphOkFromStage`).
 * A customer's first report (no stored users) is written in one pass per table with user keys
 * allocated as a block; later reports merge through the canonical merges (mergeOkTable,
 * mergeActivityAgg), so a report merges exactly like the equivalent canonical files.
 */
import {
  GRAPH_ACTIVE_USERS_SPEC,
  GRAPH_ACTIVITY_COLUMNS,
  GRAPH_ASSIGN_COLUMNS,
  type WorkloadCode,
} from '@license-insights/contracts';
import { ident, join, raw, type SqlFragment, sql } from '../sql';
import type { GraphReportOutcome, MergeCounts } from '../store';
import { reportNamesOf } from './catalog-keys';
import type { DuckDbClient } from './duckdb-client';
import { recordGraphMeasured } from './measured-sources';
import {
  markDirty,
  mergeActivityAgg,
  mergeOkTable,
  recordCoverage,
  withoutInsertionOrder,
} from './merge-canonical';
import { badTable, recOf, type StageRef, stageTable, validRecords, valueChecks } from './validation';

const SOURCE = 'graph_active_users';

/** Workloads with assign-date columns, each a boolean `has_<workload>` of a product in g_names. */
const ASSIGN_WORKLOADS: readonly WorkloadCode[] = [...new Set(GRAPH_ASSIGN_COLUMNS.map((c) => c.workload))];

/** Activity columns per workload, in report order (SPO has two: OneDrive and SharePoint). */
const ACTIVITY_BY_WORKLOAD: readonly (readonly [WorkloadCode, readonly string[]])[] = (() => {
  const m = new Map<WorkloadCode, string[]>();
  for (const c of GRAPH_ACTIVITY_COLUMNS) m.set(c.workload, [...(m.get(c.workload) ?? []), c.name]);
  return [...m];
})();

/** Lenient cast of a report date column's text (malformed values are flagged, not thrown). */
const castDate = (v: SqlFragment) => sql`try_cast(nullif(${v}, '') AS DATE)`;
const DATE_NAMES = GRAPH_ACTIVE_USERS_SPEC.columns.filter((c) => c.type.kind === 'date').map((c) => c.name);

/**
 * The typed columns of a report's ok table, from the text of each report column (`v`) and the
 * lenient cast of each date column (`d`). try_cast: on the fast path a malformed value must not
 * fail the read (its record is flagged bad and the file goes the precise way); on the precise path
 * only valid records get here.
 */
function typedColumns(v: (name: string) => SqlFragment, d: (name: string) => SqlFragment): SqlFragment {
  return sql`${d('refresh_date')} AS refresh, ${v('upn')} AS upn, lower(${v('upn')}) AS user_id,
    nullif(${v('display_name')}, '') AS display_name, lower(${v('is_deleted')}) = 'true' AS is_deleted,
    ${join([...GRAPH_ACTIVITY_COLUMNS, ...GRAPH_ASSIGN_COLUMNS].map((c) => sql`${d(c.name)} AS ${ident(c.name)}`))},
    nullif(${v('assigned_products')}, '') AS assigned_products,
    ${d('deleted_date')} AS deleted_date`;
}

/** True when a record fails any check of its own values (the checks validation reports one by one). */
function recordBad(v: (name: string) => SqlFragment, d: (name: string) => SqlFragment): SqlFragment {
  const conds = GRAPH_ACTIVE_USERS_SPEC.columns.flatMap((c) =>
    valueChecks(c, v(c.name), c.type.kind === 'date' ? d(c.name) : undefined).map((k) => k.cond),
  );
  return sql`coalesce(${join(
    conds.map((c) => sql`(${c})`),
    ' OR ',
  )}, false)`;
}

/** What the merge needs to know of a report's ok table, read in one pass. */
export interface GraphSummary {
  readonly rows: number;
  readonly bad: number;
  /** Distinct lower-cased UPNs (by hash: a collision only sends the report the exact way). */
  readonly distinctUsers: number;
  readonly concealed: number;
  readonly refreshDates: readonly string[];
  readonly firstDeleted: string | null;
  readonly firstActivity: string | null;
  readonly lastActivity: string | null;
  /** Activity facts (user × workload × day): OneDrive and SharePoint on one day are one fact. */
  readonly facts: number;
  /** Non-empty last-activity dates (the report's activity rows, before OneDrive and SharePoint meet). */
  readonly dates: number;
}

async function summarizeGraphOk(db: DuckDbClient, ok: SqlFragment): Promise<GraphSummary> {
  const dates = GRAPH_ACTIVITY_COLUMNS.map((c) => ident(c.name));
  const [od, sp] = ACTIVITY_BY_WORKLOAD.find(([, names]) => names.length > 1)?.[1] ?? [];
  const sameDay =
    od !== undefined && sp !== undefined
      ? sql`count(*) FILTER (WHERE ${ident(od)} = ${ident(sp)})`
      : raw('0');
  const r = await db.one<{
    rows: number;
    bad: number | null;
    distinct_users: number;
    concealed: number | null;
    refreshes: string[] | null;
    first_deleted: string | null;
    first_activity: string | null;
    last_activity: string | null;
    dates: number;
    same_day: number;
  }>(sql`SELECT count(*) AS rows, count(*) FILTER (WHERE _bad) AS bad,
      count(DISTINCT hash(user_id)) AS distinct_users,
      count(*) FILTER (WHERE length(upn) = 32 AND regexp_full_match(upn, '[0-9A-Fa-f]{32}')) AS concealed,
      list(DISTINCT refresh::VARCHAR) FILTER (WHERE refresh IS NOT NULL) AS refreshes,
      min(CASE WHEN is_deleted THEN coalesce(deleted_date, refresh) END)::VARCHAR AS first_deleted,
      least(${join(dates.map((d) => sql`min(${d})`))})::VARCHAR AS first_activity,
      greatest(${join(dates.map((d) => sql`max(${d})`))})::VARCHAR AS last_activity,
      (${join(
        dates.map((d) => sql`count(${d})`),
        ' + ',
      )}) AS dates, ${sameDay} AS same_day
    FROM ${ok}`);
  return {
    rows: r.rows,
    bad: r.bad ?? 0,
    distinctUsers: r.distinct_users,
    concealed: r.concealed ?? 0,
    refreshDates: [...(r.refreshes ?? [])].sort(),
    firstDeleted: r.first_deleted,
    firstActivity: r.first_activity,
    lastActivity: r.last_activity,
    facts: r.dates - r.same_day,
    dates: r.dates,
  };
}

/**
 * The fast path's read (before the transaction): the file straight into the typed ok table `ok`,
 * each record flagged `_bad` when any of its values fails a check. Returns the summary; the caller
 * keeps the table only when nothing is bad (no bad value, no duplicate user, no refused record).
 */
export async function readGraphCsvTyped(
  db: DuckDbClient,
  ok: SqlFragment,
  read: SqlFragment,
  columns: readonly string[],
): Promise<GraphSummary> {
  const named = join(
    columns.flatMap((name, i) => (name.startsWith('_') ? [] : [sql`${raw(`f${i}`)} AS ${ident(name)}`])),
  );
  // Each date is cast once (inner query), for its typed value and for its check (a third faster).
  const casts = join(DATE_NAMES.map((n) => sql`${castDate(sql`s.${ident(n)}`)} AS ${ident(`d_${n}`)}`));
  const v = (name: string) => sql`s.${ident(name)}`;
  const d = (name: string) => sql`s.${ident(`d_${name}`)}`;
  await db.run(sql`CREATE OR REPLACE TEMP TABLE ${ok} AS
    SELECT ${typedColumns(v, d)}, ${recordBad(v, d)} AS _bad
    FROM (SELECT *, ${casts} FROM (SELECT ${named} FROM ${read}) s) s`);
  return summarizeGraphOk(db, ok);
}

/** The precise path: the typed ok table `g_ok` from a validated stage's valid records, one row per user. */
async function buildGraphOkFromStage(db: DuckDbClient, stage: StageRef): Promise<GraphSummary> {
  const s = stageTable(stage.id);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_ok AS
    SELECT ${recOf(stage)} AS _rec, ${typedColumns(
      (name) => sql`s.${ident(name)}`,
      (name) => castDate(sql`s.${ident(name)}`),
    )}, false AS _bad
    FROM ${s} s WHERE ${await validRecords(db, stage)}`);
  // The typed copy is all that is read from here on: free the text stage (a 10 M-user report's
  // stage is gigabytes of memory).
  await db.run(sql`DROP TABLE IF EXISTS ${s}`);
  await db.run(sql`DROP TABLE IF EXISTS ${badTable(stage.id)}`);
  let summary = await summarizeGraphOk(db, raw('g_ok'));
  if (summary.distinctUsers < summary.rows) {
    // UPNs differing only in letter case are one user: the last row wins.
    await db.run(
      sql`CREATE OR REPLACE TEMP TABLE g_ok AS SELECT * FROM g_ok QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY _rec DESC) = 1`,
    );
    summary = await summarizeGraphOk(db, raw('g_ok'));
  }
  return summary;
}

export async function mergeGraphActiveUsersStage(
  db: DuckDbClient,
  partnerId: string,
  stage: StageRef,
  customerId: string,
  periodDays: number,
): Promise<GraphReportOutcome> {
  const summary = await buildGraphOkFromStage(db, stage);
  return mergeGraphOk(db, partnerId, raw('g_ok'), summary, customerId, periodDays);
}

/** Activity rows (key, workload, month, days, first, last, n) of an ok table, without aggregation. */
function activityRows(from: SqlFragment, key: SqlFragment): SqlFragment {
  const month = (c: SqlFragment) => sql`date_trunc('month', ${c})::DATE`;
  const bit = (c: SqlFragment) => sql`((1::UINTEGER) << (day(${c}) - 1)::UINTEGER)`;
  const parts = ACTIVITY_BY_WORKLOAD.flatMap(([workload, names]) => {
    const [a, b, ...more] = names.map((n) => ident(n));
    if (a === undefined || more.length > 0) throw new Error(`unexpected report columns of ${workload}`);
    if (b === undefined) {
      return [
        sql`SELECT ${key} AS user_key, ${workload} AS workload, ${month(a)} AS month, ${bit(a)} AS days,
               ${a} AS first, ${a} AS last, 1::BIGINT AS n FROM ${from} WHERE ${a} IS NOT NULL`,
      ];
    }
    // Two columns of one workload: one row when both dates fall in one month, else one row each.
    const together = sql`(${b} IS NOT NULL AND ${month(b)} = ${month(a)})`;
    return [
      sql`SELECT ${key} AS user_key, ${workload} AS workload, ${month(a)} AS month,
             ${bit(a)} | CASE WHEN ${together} THEN ${bit(b)} ELSE 0::UINTEGER END AS days,
             CASE WHEN ${together} THEN least(${a}, ${b}) ELSE ${a} END AS first,
             CASE WHEN ${together} THEN greatest(${a}, ${b}) ELSE ${a} END AS last,
             CASE WHEN ${together} THEN 2 ELSE 1 END::BIGINT AS n
          FROM ${from} WHERE ${a} IS NOT NULL`,
      sql`SELECT ${key} AS user_key, ${workload} AS workload, ${month(b)} AS month, ${bit(b)} AS days,
             ${b} AS first, ${b} AS last, 1::BIGINT AS n
          FROM ${from} WHERE ${b} IS NOT NULL AND (${a} IS NULL OR ${month(a)} <> ${month(b)})`,
    ];
  });
  return join(parts, ' UNION ALL ');
}

/**
 * The report's product names. A report lists few distinct product sets (the Assigned Products
 * text) however many users it has, so names are split per set, not per user: `g_sets` holds each
 * set's text, users and names (upper-cased, trimmed, once each); `g_names` each name resolved by
 * the catalog's report names (`cat_reports`; a name of several products as the customer's
 * subscriptions decide, else the default): product id (the name itself when unknown), whether
 * known, and per assign workload whether the product includes it. Returns the unknown names, the
 * (user, name) pairs listed, and whether two names of the report resolve to one product (then a
 * user may list one product twice).
 */
async function resolveProductNames(
  db: DuckDbClient,
  partnerId: string,
  customerId: string,
  ok: SqlFragment,
): Promise<{ unknown: string[]; pairs: number; collide: boolean }> {
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_sets AS
    SELECT DISTINCT set_text, users, upper(trim(part)) AS name FROM (
      SELECT set_text, users, unnest(string_split(set_text, '+')) AS part FROM (
        SELECT assigned_products AS set_text, count(*) AS users FROM ${ok} WHERE assigned_products IS NOT NULL GROUP BY 1))
    WHERE upper(trim(part)) <> ''`);
  const has = ASSIGN_WORKLOADS.map(
    (w) => sql`list_contains(coalesce(r.workloads, []), ${w}) AS ${ident(`has_${w.toLowerCase()}`)}`,
  );
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_names AS
    SELECT n.name, coalesce(r.product_id, n.name) AS product_id, r.product_id IS NOT NULL AS known, ${join(has)}
    FROM (SELECT DISTINCT name FROM g_sets) n
    LEFT JOIN (${reportNamesOf(partnerId, customerId, sql`SELECT name FROM g_sets`)}) r ON r.name = n.name`);
  const rows = await db.all<{ name: string; product_id: string; known: boolean; names: number }>(
    sql`SELECT name, product_id, known, count(*) OVER (PARTITION BY product_id) AS names FROM g_names ORDER BY product_id`,
  );
  const { pairs } = await db.one<{ pairs: number | null }>(sql`SELECT sum(users) AS pairs FROM g_sets`);
  return {
    unknown: rows.filter((r) => !r.known).map((r) => r.product_id),
    pairs: pairs ?? 0,
    collide: rows.some((r) => r.names > 1),
  };
}

/** (user, product) pairs of an ok table with their interval seed: `g` rows with their set's names `n`. */
function productPairs(from: SqlFragment, key: SqlFragment): SqlFragment {
  const seeds = GRAPH_ASSIGN_COLUMNS.map(
    (c) => sql`CASE WHEN n.${ident(`has_${c.workload.toLowerCase()}`)} THEN g.${ident(c.name)} END`,
  );
  return sql`SELECT g.user_id, ${key} AS user_key, g.refresh, n.name AS report_name, n.product_id,
      least(g.refresh, ${join(seeds)}) AS seed
    FROM (SELECT rowid AS _rid, * FROM ${from}) g
    JOIN g_sets s ON s.set_text = g.assigned_products JOIN g_names n ON n.name = s.name`;
}

/**
 * Merges a report's typed ok table (one row per user, all valid) into the customer's data. A
 * report of `periodDays` ≥ 28 measures the Graph workloads on its refresh date (SPEC §2.3).
 */
export async function mergeGraphOk(
  db: DuckDbClient,
  partnerId: string,
  ok: SqlFragment,
  summary: GraphSummary,
  customerId: string,
  periodDays: number,
): Promise<GraphReportOutcome> {
  const latestStored = await db.all<{ last: string }>(
    sql`SELECT last_date::VARCHAR AS last FROM source_coverage
        WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND source = ${SOURCE} AND entity = 'users'`,
  );
  const reportDate = summary.refreshDates[summary.refreshDates.length - 1];
  const stale =
    reportDate !== undefined && latestStored[0] !== undefined && reportDate < latestStored[0].last;
  const { stored } = await db.one<{ stored: number }>(
    sql`SELECT count(*) AS stored FROM (SELECT 1 FROM users WHERE partner_id = ${partnerId} AND customer_id = ${customerId} LIMIT 1)`,
  );
  const names = await resolveProductNames(db, partnerId, customerId, ok);
  if (names.unknown.length > 0) {
    await db.run(sql`INSERT INTO products (partner_id, product_id, name, service, origin)
      SELECT ${partnerId}, product_id, name, 'OTHER', 'discovered' FROM g_names WHERE NOT known
      ON CONFLICT DO NOTHING`);
  }
  const first =
    stored === 0 && !stale && !names.collide
      ? await firstReport(db, partnerId, ok, summary, customerId)
      : null;
  const merged = first ?? (await laterReport(db, partnerId, ok, summary.rows, customerId, stale, names));

  if (!stale && reportDate !== undefined) {
    if (summary.concealed > 0) {
      await db.run(sql`INSERT INTO customer_flags (partner_id, customer_id, flag, detail, since)
        VALUES (${partnerId}, ${customerId}, 'concealed_names', ${`${summary.concealed} of ${summary.rows} user names concealed in the report of ${reportDate}`}, ${reportDate}::DATE)
        ON CONFLICT (partner_id, customer_id, flag) DO UPDATE SET detail = excluded.detail`);
    } else {
      await db.run(
        sql`DELETE FROM customer_flags WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND flag = 'concealed_names'`,
      );
    }
  }
  await recordCoverage(db, partnerId, SOURCE, 'users', dayRows(customerId, summary.refreshDates));
  await recordGraphMeasured(db, partnerId, customerId, summary.refreshDates, periodDays);
  await db.exec('DROP TABLE IF EXISTS g_names');
  await db.exec('DROP TABLE IF EXISTS g_sets');
  return {
    refreshDates: summary.refreshDates,
    ...merged,
    assignments: { ...merged.assignments, skippedAsStale: stale },
    concealedNames: summary.concealed,
    unknownProducts: names.unknown,
  };
}

type Merged = Pick<GraphReportOutcome, 'users' | 'activity'> & {
  readonly assignments: { readonly opened: number; readonly closed: number };
};

/** `SELECT customer_id, d` rows of some days (for markDirty and recordCoverage). */
function dayRows(customerId: string, days: readonly (string | null)[]): SqlFragment {
  const known = days.filter((d): d is string => d !== null);
  if (known.length === 0) return sql`SELECT ${customerId} AS customer_id, NULL::DATE AS d WHERE false`;
  return sql`SELECT ${customerId} AS customer_id, unnest(${known})::DATE AS d`;
}

/**
 * A customer's first report (no stored users, so no stored activity or assignments): every row is
 * new. User keys are drawn from the sequence as one block and given in table order, so users,
 * activity and assignments are each written in one pass with no lookup of what was just written.
 * Returns null (the general path runs) if the block or the table's row ids are not contiguous.
 */
async function firstReport(
  db: DuckDbClient,
  partnerId: string,
  ok: SqlFragment,
  summary: GraphSummary,
  customerId: string,
): Promise<Merged | null> {
  if (summary.rows === 0) return null;
  // Row ids of a table made inside the transaction start at a large offset: read as text.
  const ids = await db.one<{ r0: string; span: number }>(
    sql`SELECT min(rowid)::VARCHAR AS r0, max(rowid) - min(rowid) + 1 AS span FROM ${ok}`,
  );
  if (ids.span !== summary.rows) return null;
  const r0 = BigInt(ids.r0);
  const block = await db.one<{ lo: number; hi: number }>(
    sql`SELECT min(k) AS lo, max(k) AS hi FROM (SELECT nextval('user_key_seq') AS k FROM range(${summary.rows}))`,
  );
  if (block.hi - block.lo + 1 !== summary.rows) return null;
  const key = (rowid: SqlFragment) => sql`(${block.lo} + ${rowid} - ${r0})::INTEGER`;

  await withoutInsertionOrder(db, () =>
    db.run(sql`INSERT INTO users (partner_id, customer_id, user_id, user_key, upn, display_name, deleted_on)
      SELECT ${partnerId}, ${customerId}, user_id, ${key(raw('rowid'))}, upn, display_name,
             CASE WHEN is_deleted THEN coalesce(deleted_date, refresh) END
      FROM ${ok}`),
  );
  await withoutInsertionOrder(db, () =>
    db.run(sql`INSERT INTO activity (partner_id, customer_id, user_key, workload, month, days)
      SELECT ${partnerId}, ${customerId}, user_key, workload, month, days FROM (${activityRows(ok, key(raw('rowid')))})`),
  );
  const pairs = productPairs(ok, key(raw('g._rid')));
  const opened = await withoutInsertionOrder(db, () =>
    db.run(sql`INSERT INTO license_assignments (partner_id, customer_id, user_id, product_id, assigned_on, unassigned_on, source, user_key)
      SELECT ${partnerId}, ${customerId}, user_id, product_id, seed, NULL, ${SOURCE}, user_key FROM (${pairs})`),
  );
  const seeds = await db.one<{ first: string | null; last: string | null }>(
    sql`SELECT min(assigned_on)::VARCHAR AS first, max(assigned_on)::VARCHAR AS last FROM license_assignments
        WHERE partner_id = ${partnerId} AND customer_id = ${customerId}`,
  );
  await markDirty(
    db,
    partnerId,
    dayRows(customerId, [summary.firstDeleted, summary.firstActivity, seeds.first]),
  );
  if (summary.facts > 0)
    await recordCoverage(
      db,
      partnerId,
      SOURCE,
      'activity',
      dayRows(customerId, [summary.firstActivity, summary.lastActivity]),
    );
  if (opened > 0)
    await recordCoverage(
      db,
      partnerId,
      SOURCE,
      'license_assignments',
      dayRows(customerId, [seeds.first, seeds.last]),
    );
  const counts = (inserted: number, rows = inserted): MergeCounts => ({
    rows,
    inserted,
    updated: 0,
    unchanged: 0,
    unknownProducts: [],
  });
  return {
    users: counts(summary.rows),
    activity: counts(summary.facts, summary.dates),
    assignments: { opened, closed: 0 },
  };
}

/** A report for a customer with stored data: users, activity and assignments merged with what is stored. */
async function laterReport(
  db: DuckDbClient,
  partnerId: string,
  ok: SqlFragment,
  rows: number,
  customerId: string,
  stale: boolean,
  names: { readonly pairs: number; readonly collide: boolean },
): Promise<Merged> {
  // Users, through the canonical users merge; a projection of the ok table, not a copy of it. A
  // stale report only adds the users it names first, with what it knows of them; the users stored
  // already are left as the newer report wrote them (counted unchanged).
  const newOnly = stale
    ? sql`WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.partner_id = ${partnerId} AND u.customer_id = ${customerId} AND u.user_id = g.user_id)`
    : raw('');
  const merged = await mergeOkTable(
    db,
    partnerId,
    sql`(SELECT NULL::BIGINT AS _rec, NULL::INTEGER AS _line, ${customerId} AS customer_id, user_id, upn, display_name,
           CASE WHEN is_deleted THEN coalesce(deleted_date, refresh) END AS deleted_on
         FROM ${ok} g ${newOnly})`,
    'users',
    ['customer_id', 'user_id', 'upn', 'display_name', 'deleted_on'],
    [],
    SOURCE,
  );
  const users: MergeCounts = { ...merged, unchanged: rows - merged.inserted - merged.updated };

  // Users are looked up once: g_keys carries their key with what activity and assignments read.
  const carried = [...GRAPH_ACTIVITY_COLUMNS, ...GRAPH_ASSIGN_COLUMNS].map((c) => sql`g.${ident(c.name)}`);
  await db.run(sql`CREATE OR REPLACE TEMP TABLE g_keys AS
    SELECT g.user_id, u.user_key, g.refresh, g.assigned_products, ${join(carried)}
    FROM ${ok} g JOIN users u ON u.partner_id = ${partnerId} AND u.customer_id = ${customerId} AND u.user_id = g.user_id`);
  // Rows per (user, workload, month) by construction: one user per row, OneDrive and SharePoint
  // met in activityRows.
  await db.run(sql`CREATE OR REPLACE TEMP TABLE activity_agg AS
    SELECT user_key, ${customerId} AS customer_id, workload, month, days, first, last, n
    FROM (${activityRows(raw('g_keys'), raw('user_key'))})`);
  const activity = await mergeActivityAgg(db, partnerId, SOURCE);

  await db.run(
    sql`CREATE OR REPLACE TEMP TABLE g_products AS ${productPairs(raw('g_keys'), raw('g.user_key'))}`,
  );
  let listed = names.pairs;
  if (names.collide) {
    // Two report names of one product: one row per (user, product), the earlier seed kept.
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
        FROM ${ok} g
        WHERE g.user_id = a.user_id AND a.partner_id = ${partnerId} AND a.customer_id = ${customerId}
          AND a.unassigned_on IS NULL AND a.assigned_on < g.refresh
          AND NOT EXISTS (SELECT 1 FROM g_products x WHERE x.user_id = a.user_id AND x.product_id = a.product_id)`);
    }
    if (opened + closed > 0) {
      // Opened intervals start at their seed, closed ones end on the report date (later).
      await markDirty(
        db,
        partnerId,
        sql`SELECT ${customerId} AS customer_id, d FROM (SELECT min(seed) AS d FROM g_products UNION ALL SELECT min(refresh) FROM ${ok})`,
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
  await db.exec('DROP TABLE IF EXISTS g_products');
  return { users, activity, assignments: { opened, closed } };
}
