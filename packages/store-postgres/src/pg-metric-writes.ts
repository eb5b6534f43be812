/**
 * The metric compute's writes on PostgreSQL, with the same stored result as the embedded store's
 * (store/duckdb/daily-metrics.ts `writeDailyMetrics`, customer-sums.ts `writeCustomerSums`):
 * metric runs and per-customer sums replaced per written customer from a day on, runs kept
 * maximal; the dirty marks of the written customers cleared and the computed range noted, all in
 * the caller's unit of work. Also the mark of every customer out of date (before a full
 * recompute) and the integrity checks of the stored data (`verifyIntegrity`), whose metric checks
 * are the invariants these writes keep.
 *
 * The engine's typed run columns travel as int4 arrays (bound text parameters `{1,2,…}` unnested
 * in SQL), `RUN_BATCH` runs a statement, never one statement per run. Names (customer, product,
 * workload, sum cell) are resolved from the write's index lists in SQL.
 *
 * Citus: metric_runs and customer_sums are distributed by customer_id. Every statement on them
 * names partner_id and either a list of customer ids (`customer_id = ANY(…)`, pruned to their
 * shards) or the whole partner; joins between them and the temporary tables of a write (local to
 * the coordinator) are on customer_id and the row's key, so Citus can ship the temporary rows
 * to the shards (local-distributed join) rather than pull the distributed table.
 */
import { WORKLOAD_CODES } from '@license-insights/contracts';
import { AppError } from '@license-insights/core';
import { RUN_COLUMNS } from '@license-insights/core/metrics/runs';
import { CELLS, cellOwn, cellService, cellWorkload, SERVICES } from '@license-insights/core/metrics/sum-runs';
import { SUM_FIELDS } from '@license-insights/core/metrics/sums';
import { ident, join, raw, type SqlFragment, sql } from '@license-insights/core/sql';
import type {
  DailyMetricsWrite,
  MetricsPublish,
  StagedMetricsWrite,
  Yield,
} from '@license-insights/core/store';
import type { PgClient } from './pg-client';
import { METRIC_VALUES } from './pg-metric-reads';

/** Runs (or sum runs) sent in one statement: 14 int4 arrays of this length, a few MB of text. */
export const RUN_BATCH = 50_000;

const EPOCH = sql`DATE '1970-01-01'`;
const NOW = sql`(now() AT TIME ZONE 'UTC')`;
/** Workload index 0 is ALL, then the codes in their order (the runs' `w`). */
const WORKLOADS = ['ALL', ...WORKLOAD_CODES];

/** A typed column's values `from` … `to` as an int4 array literal (a bound text parameter). */
function intArray(column: Int32Array | Uint8Array, from: number, to: number): string {
  return `{${column.subarray(from, to).join(',')}}`;
}

/** `a.x = b.x AND …` over some columns. */
function same(a: string, b: string, columns: readonly string[]): SqlFragment {
  return join(
    columns.map((c) => sql`${ident(a)}.${ident(c)} = ${ident(b)}.${ident(c)}`),
    ' AND ',
  );
}

/** The metric runs' key and value columns after partner_id, in the table's order. */
const RUN_KEYS = ['customer_id', 'product_id', 'workload'] as const;
const RUN_TABLE_COLUMNS = [...RUN_KEYS, 'first_day', 'last_day', ...METRIC_VALUES] as const;
/** The customer sums' key and value columns after partner_id, in the table's order. */
const SUM_KEYS = ['customer_id', 'own', 'service', 'workload'] as const;
const SUM_TABLE_COLUMNS = [...SUM_KEYS, 'first_day', 'last_day', ...SUM_FIELDS] as const;

/** The sum cells' keys (side, service, workload) as lists indexed by cell (bound text arrays). */
const CELL_OWN = Array.from({ length: CELLS }, (_, cell) => String(cellOwn(cell)));
const CELL_SERVICE = Array.from({ length: CELLS }, (_, cell) => SERVICES[cellService(cell)] as string);
const CELL_WORKLOAD = Array.from({ length: CELLS }, (_, cell) => WORKLOADS[cellWorkload(cell)] as string);

/** One kind of runs written: metric runs or customer sums. */
interface RunKind {
  /** The stored table. */
  readonly table: 'metric_runs' | 'customer_sums';
  /** The write's temporary table of new runs (named, without partner_id). */
  readonly temp: 'm_runs' | 'm_sums';
  /** The write's temporary table of stored runs cut or extended at fromDay. */
  readonly cut: 'm_cut' | 'm_scut';
  readonly keys: readonly string[];
  readonly columns: readonly string[];
  /** The value columns (equal values: a run extends into its successor). */
  readonly values: readonly string[];
}

const RUNS: RunKind = {
  table: 'metric_runs',
  temp: 'm_runs',
  cut: 'm_cut',
  keys: RUN_KEYS,
  columns: RUN_TABLE_COLUMNS,
  values: METRIC_VALUES,
};
const SUMS: RunKind = {
  table: 'customer_sums',
  temp: 'm_sums',
  cut: 'm_scut',
  keys: SUM_KEYS,
  columns: SUM_TABLE_COLUMNS,
  values: SUM_FIELDS,
};

/**
 * The named rows of a slice of the engine's metric run columns (`RUN_COLUMNS` order): the
 * customer from the write's `m_written`, product and workload by index in bound lists.
 */
function namedRuns(
  columns: readonly (Int32Array | Uint8Array)[],
  from: number,
  to: number,
  productIds: readonly string[],
): SqlFragment {
  const arrays = join(columns.map((c) => sql`${intArray(c, from, to)}::integer[]`));
  const names = RUN_COLUMNS.map((c) => raw(c));
  return sql`SELECT cl.customer_id, (${[...productIds]}::text[])[r.p + 1], (${WORKLOADS}::text[])[r.w + 1],
      ${EPOCH} + r.first_day, ${EPOCH} + r.last_day, ${join(METRIC_VALUES.map((v) => sql`r.${ident(v)}`))}
    FROM unnest(${arrays}) AS r(${join(names)}) JOIN m_written cl ON cl.c = r.c`;
}

/** The named rows of a slice of the engine's sum run columns (c, cell, first_day, last_day, sums). */
function namedSums(columns: readonly (Int32Array | Uint8Array)[], from: number, to: number): SqlFragment {
  const arrays = join(columns.map((c) => sql`${intArray(c, from, to)}::integer[]`));
  const names = ['c', 'cell', 'first_day', 'last_day', ...SUM_FIELDS].map((c) => raw(c));
  return sql`SELECT cl.customer_id, (${CELL_OWN}::boolean[])[r.cell + 1], (${CELL_SERVICE}::text[])[r.cell + 1],
      (${CELL_WORKLOAD}::text[])[r.cell + 1], ${EPOCH} + r.first_day, ${EPOCH} + r.last_day,
      ${join(SUM_FIELDS.map((v) => sql`r.${ident(v)}`))}
    FROM unnest(${arrays}) AS r(${join(names)}) JOIN m_written cl ON cl.c = r.c`;
}

/**
 * Replaces the metrics of the written customers from `fromDay` on, in the caller's unit of work
 * (the embedded store's rules, daily-metrics.ts): runs reaching into the recomputed days are cut at
 * `fromDay − 1`, later ones deleted, new runs appended; a new run starting at `fromDay` with the
 * values of the run ending the day before extends that run instead, so the runs stay maximal. The
 * customer sums follow the same rules in the same unit; the written customers' dirty marks are
 * cleared and the computed range noted.
 */
export async function writeDailyMetrics(
  db: PgClient,
  partnerId: string,
  write: DailyMetricsWrite,
  y?: Yield,
): Promise<void> {
  const { customerIds } = write;
  const ids = [...customerIds];
  try {
    // The batch's customers by index (the runs refer to them so). Temporary tables live until the
    // end of the statement sequence here (dropped in finally) or of the transaction at most.
    await db.exec('DROP TABLE IF EXISTS m_written, m_runs, m_sums, m_cut, m_scut');
    await createWritten(db, ids);
    const written = (column: SqlFragment) => sql`${column} = ANY(${ids}::text[])`;
    for (const kind of [RUNS, SUMS]) {
      const rows = (slice: RunSlice) => namedRows(kind, slice, write.productIds);
      const chunks = kind === RUNS ? write.runs.chunks : write.sums.chunks;
      const target = ident(kind.table);
      if (write.replaceAll) {
        // Nothing stored to cut or extend: straight in.
        await db.run(sql`DELETE FROM ${target} WHERE partner_id = ${partnerId}`);
        for (const slice of slices(chunks)) {
          await y?.slice();
          await db.run(sql`INSERT INTO ${target} (partner_id, ${join(kind.columns.map((c) => ident(c)))})
            SELECT ${partnerId}, n.* FROM (${rows(slice)}) n`);
        }
        continue;
      }
      if (ids.length === 0) continue;
      const temp = ident(kind.temp);
      await db.exec(
        `CREATE TEMP TABLE ${kind.temp} ON COMMIT DROP AS SELECT ${kind.columns.join(', ')} FROM ${kind.table} WITH NO DATA`,
      );
      for (const slice of slices(chunks)) {
        await y?.slice();
        await db.run(sql`INSERT INTO ${temp} ${rows(slice)}`);
      }
      await db.exec(`ANALYZE ${kind.temp}`);
      await replaceFrom(db, partnerId, kind, { merging: temp, fresh: temp }, written, write.fromDay);
    }
    await noteComputed(db, partnerId, write, ids.length > 0 ? written : null);
  } finally {
    // After a failed statement the transaction is aborted: the drop fails too, and the tables go
    // with the rollback (ON COMMIT DROP covers the commit).
    await db.exec('DROP TABLE IF EXISTS m_written, m_runs, m_sums, m_cut, m_scut').catch(() => undefined);
  }
}

/** The written customers by index (`m_written`: customer_id, c), as the engine's runs name them. */
async function createWritten(db: PgClient, ids: readonly string[]): Promise<void> {
  await db.run(sql`CREATE TEMP TABLE m_written ON COMMIT DROP AS
    SELECT customer_id, (i - 1)::integer AS c FROM unnest(${[...ids]}::text[]) WITH ORDINALITY t(customer_id, i)`);
  await db.exec('ALTER TABLE m_written ADD PRIMARY KEY (c)');
}

/** The named rows of a slice of the engine's run columns of a kind. */
function namedRows(kind: RunKind, slice: RunSlice, productIds: readonly string[]): SqlFragment {
  return kind === RUNS
    ? namedRuns(slice.columns, slice.from, slice.to, productIds)
    : namedSums(slice.columns, slice.from, slice.to);
}

/**
 * The incremental replace of one kind of runs (see `writeDailyMetrics`): the stored runs of the
 * written customers (`written`, a condition on a customer_id column) cut or extended at
 * `fromDay`, the later ones deleted, the new runs appended. `fresh` is a relation of every new
 * run (the kind's columns without partner_id; aliased here), `merging` one holding at least the
 * new runs that start on `fromDay` — the only ones a stored run can extend into — with statistics
 * (a temporary table, analyzed: the join with the stored runs is planned on them). Every
 * statement names the partner and the written customers; the joins are on customer_id and the
 * runs' key.
 */
async function replaceFrom(
  db: PgClient,
  partnerId: string,
  kind: RunKind,
  { merging, fresh }: { readonly merging: SqlFragment; readonly fresh: SqlFragment },
  written: (column: SqlFragment) => SqlFragment,
  fromDay: number,
): Promise<void> {
  const target = ident(kind.table);
  const from = sql`(${EPOCH} + ${fromDay}::integer)`;
  // The stored runs of the written customers through fromDay − 1: each ends there, or extends
  // into its equal successor starting at fromDay (whose own row is then not inserted).
  const cut = ident(kind.cut);
  const keys = join(kind.keys.map((k) => sql`o.${ident(k)}`));
  await db.exec(`DROP TABLE IF EXISTS ${kind.cut}`);
  await db.run(sql`CREATE TEMP TABLE ${cut} ON COMMIT DROP AS
    SELECT ${keys}, o.first_day, o.last_day AS stored_last, n.first_day IS NOT NULL AS merged,
           coalesce(n.last_day, ${from} - 1) AS last_day
    FROM ${target} o
    LEFT JOIN ${merging} n ON ${same('n', 'o', kind.keys)} AND n.first_day = ${from} AND ${same('n', 'o', kind.values)}
    WHERE o.partner_id = ${partnerId} AND ${written(sql`o.customer_id`)} AND o.first_day < ${from} AND o.last_day >= ${from} - 1`);
  await db.run(sql`UPDATE ${target} o SET last_day = u.last_day FROM ${cut} u
    WHERE o.partner_id = ${partnerId} AND ${same('o', 'u', kind.keys)} AND o.first_day = u.first_day
      AND u.last_day <> u.stored_last`);
  await db.run(
    sql`DELETE FROM ${target} WHERE partner_id = ${partnerId} AND ${written(sql`customer_id`)} AND first_day >= ${from}`,
  );
  // The new runs but those a stored run extended into. An outer join, not a correlated EXISTS:
  // on Citus `fresh` may be a distributed table (a split compute's staging) and `cut` a temporary
  // one, which Citus joins only by planning the temporary side apart (at most one stored run of a
  // key spans fromDay − 1, so the join adds no rows).
  await db.run(sql`INSERT INTO ${target} (partner_id, ${join(kind.columns.map((c) => ident(c)))})
    SELECT ${partnerId}, ${join(kind.columns.map((c) => sql`n.${ident(c)}`))} FROM ${fresh} n
    LEFT JOIN ${cut} m ON m.merged AND n.first_day = ${from} AND ${same('m', 'n', kind.keys)}
    WHERE m.first_day IS NULL`);
  await db.exec(`DROP TABLE IF EXISTS ${kind.cut}`);
}

/**
 * After a write: the written customers' dirty marks cleared (every mark of the partner when the
 * write covers all its customers; none when it wrote no customer: `written` null) and the computed
 * range noted.
 */
async function noteComputed(
  db: PgClient,
  partnerId: string,
  write: Pick<DailyMetricsWrite, 'allCustomers' | 'firstDay' | 'lastDay'>,
  written: ((column: SqlFragment) => SqlFragment) | null,
): Promise<void> {
  if (written !== null) {
    await db.run(
      write.allCustomers
        ? sql`DELETE FROM metrics_dirty WHERE partner_id = ${partnerId}`
        : sql`DELETE FROM metrics_dirty WHERE partner_id = ${partnerId} AND ${written(sql`customer_id`)}`,
    );
  }
  await db.run(sql`INSERT INTO metrics_state (partner_id, first_day, last_day, computed_at)
    VALUES (${partnerId}, ${EPOCH} + ${write.firstDay}::integer, ${EPOCH} + ${write.lastDay}::integer, ${NOW})
    ON CONFLICT (partner_id) DO UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day,
      computed_at = excluded.computed_at`);
}

/** The staging table of each kind of runs (migration 2). */
const STAGED = { metric_runs: 'metric_runs_staged', customer_sums: 'customer_sums_staged' } as const;

/**
 * Stages a batch of a split compute's part (core use-cases/compute-metrics.ts) in the part's own
 * transaction: the batch's customers, runs and sums under the job's id, named as
 * `writeDailyMetrics` names them, in the same statements of at most `RUN_BATCH` runs. Nothing is
 * cut, extended or deleted here: the job's publish does that, once, for every part.
 */
export async function stageDailyMetrics(
  db: PgClient,
  partnerId: string,
  jobId: string,
  part: number,
  write: StagedMetricsWrite,
  y?: Yield,
): Promise<void> {
  try {
    await db.exec('DROP TABLE IF EXISTS m_written');
    await createWritten(db, write.customerIds);
    await db.run(sql`INSERT INTO compute_staged_customers (partner_id, job_id, customer_id, part)
      SELECT ${partnerId}, ${jobId}, customer_id, ${part}::integer FROM m_written`);
    for (const kind of [RUNS, SUMS]) {
      const chunks = kind === RUNS ? write.runs.chunks : write.sums.chunks;
      for (const slice of slices(chunks)) {
        await y?.slice();
        await db.run(sql`INSERT INTO ${ident(STAGED[kind.table])} (partner_id, job_id, ${join(kind.columns.map((c) => ident(c)))})
          SELECT ${partnerId}, ${jobId}, n.* FROM (${namedRows(kind, slice, write.productIds)}) n`);
      }
    }
  } finally {
    await db.exec('DROP TABLE IF EXISTS m_written').catch(() => undefined);
  }
}

/**
 * Publishes a split compute's staged runs and sums in the coordinator's unit (which holds the
 * partner's lock): exactly what one `writeDailyMetrics` of all the parts' customers and runs would
 * store, by the same statements — with `replaceAll`, the partner's runs deleted and the staged
 * ones moved in; else the staged customers' runs cut, extended and replaced from `fromDay` by
 * `replaceFrom` — then the dirty marks and computed range as that write leaves them, and every
 * staged row of the partner deleted: the job's, and any left by a job whose process died before
 * it could discard them (no other job of the partner can be staging: the lock is held from before
 * its parts began until its publish commits or its discard ends).
 *
 * The staged rows move from the staging tables straight into the live ones (on Citus a co-located
 * move by customer_id, no pull to the coordinator). Only the staged runs starting on `fromDay`,
 * into which stored runs may extend, are copied into a temporary table first and analyzed: the
 * staging tables' statistics say nothing of a job's rows (autovacuum sees them empty between
 * jobs), and a join of the stored runs with them planned on "empty" is a nested loop over both.
 */
export async function publishStagedMetrics(
  db: PgClient,
  partnerId: string,
  jobId: string,
  publish: MetricsPublish,
  y?: Yield,
): Promise<void> {
  const ofJob = sql`partner_id = ${partnerId} AND job_id = ${jobId}`;
  const { parts } = await db.one<{ parts: number }>(
    sql`SELECT count(*) AS parts FROM compute_parts WHERE ${ofJob} AND state = 'staged'`,
  );
  if (parts !== publish.parts)
    throw new AppError(
      'internal',
      `compute job ${jobId}: ${parts} of its ${publish.parts} parts staged their metrics; nothing was published`,
    );
  // The written customers as an id list, as one unsplit write names them.
  const ids = (
    await db.all<{ customer_id: string }>(
      sql`SELECT customer_id FROM compute_staged_customers WHERE ${ofJob} ORDER BY customer_id`,
    )
  ).map((r) => r.customer_id);
  const written = (column: SqlFragment) => sql`${column} = ANY(${ids}::text[])`;
  const from = sql`(${EPOCH} + ${publish.fromDay}::integer)`;
  try {
    await db.exec('DROP TABLE IF EXISTS m_runs, m_sums, m_cut, m_scut');
    for (const kind of [RUNS, SUMS]) {
      await y?.slice();
      const target = ident(kind.table);
      const staged = ident(STAGED[kind.table]);
      const columns = join(kind.columns.map((c) => ident(c)));
      const fresh = sql`(SELECT ${columns} FROM ${staged} WHERE ${ofJob})`;
      if (publish.replaceAll) {
        await db.run(sql`DELETE FROM ${target} WHERE partner_id = ${partnerId}`);
        await db.run(
          sql`INSERT INTO ${target} (partner_id, ${columns}) SELECT ${partnerId}, ${columns} FROM ${fresh} n`,
        );
        continue;
      }
      if (ids.length === 0) continue;
      await db.run(sql`CREATE TEMP TABLE ${ident(kind.temp)} ON COMMIT DROP AS
        SELECT ${columns} FROM ${staged} WHERE ${ofJob} AND first_day = ${from}`);
      await db.exec(`ANALYZE ${kind.temp}`);
      await replaceFrom(db, partnerId, kind, { merging: ident(kind.temp), fresh }, written, publish.fromDay);
    }
    await noteComputed(db, partnerId, publish, ids.length > 0 ? written : null);
    await deleteStaged(db, sql`partner_id = ${partnerId}`);
  } finally {
    await db.exec('DROP TABLE IF EXISTS m_runs, m_sums, m_cut, m_scut').catch(() => undefined);
  }
}

/**
 * Deletes jobs and their staged rows (a condition on partner_id and job_id) from every staging
 * table. The parts first: a part a worker still runs is locked by its unit, so the delete waits
 * for it to end, and the rows it staged are deleted after it.
 */
export async function deleteStaged(db: PgClient, where: SqlFragment): Promise<void> {
  for (const table of [
    'compute_parts',
    'compute_jobs',
    'compute_staged_customers',
    'metric_runs_staged',
    'customer_sums_staged',
  ])
    await db.run(sql`DELETE FROM ${ident(table)} WHERE ${where}`);
}

/** A slice of a chunk of typed run columns. */
interface RunSlice {
  readonly columns: readonly (Int32Array | Uint8Array)[];
  readonly from: number;
  readonly to: number;
}

/** The chunks' runs in slices of at most RUN_BATCH. */
function* slices(
  chunks: readonly { readonly count: number; readonly columns: readonly (Int32Array | Uint8Array)[] }[],
): Generator<RunSlice> {
  for (const chunk of chunks)
    for (let from = 0; from < chunk.count; from += RUN_BATCH)
      yield { columns: chunk.columns, from, to: Math.min(chunk.count, from + RUN_BATCH) };
}

/** Marks every customer of the partner out of date from a day on (an earlier mark stays). */
export async function markAllMetricsDirty(db: PgClient, partnerId: string, fromDay: string): Promise<void> {
  await db.run(sql`INSERT INTO metrics_dirty (partner_id, customer_id, from_day)
    SELECT partner_id, customer_id, ${fromDay}::date FROM customers WHERE partner_id = ${partnerId}
    ON CONFLICT (partner_id, customer_id) DO UPDATE SET from_day = least(metrics_dirty.from_day, excluded.from_day)`);
}

/**
 * Invariants the schema cannot enforce by itself, with the embedded store's check texts
 * (duckdb-units.ts `verifyIntegrity`); only the failing checks are returned. Natural keys are
 * primary keys here, so their checks find nothing; they stay for the same answer on both engines.
 * Citus: every join between two per-customer tables is on partner_id and customer_id.
 */
export async function queryIntegrity(db: PgClient): Promise<{ check: string; violations: number }[]> {
  const checks: [string, SqlFragment][] = [
    [
      'activity natural key (partner, user, workload, month) is unique',
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM activity GROUP BY partner_id, user_key, workload, month HAVING count(*) > 1) x`,
    ],
    [
      'activity belongs to a stored user of the same partner and customer',
      // Correlated on both keys (partner, customer): a co-located anti-join under Citus.
      sql`SELECT count(*) AS n FROM activity a WHERE NOT EXISTS (
            SELECT 1 FROM users u WHERE u.partner_id = a.partner_id AND u.customer_id = a.customer_id AND u.user_key = a.user_key)`,
    ],
    [
      'metric runs of one row do not overlap',
      sql`SELECT count(*) AS n FROM metric_runs a JOIN metric_runs b
            ON a.partner_id = b.partner_id AND a.customer_id = b.customer_id AND a.product_id = b.product_id
           AND a.workload = b.workload AND a.first_day < b.first_day AND b.first_day <= a.last_day`,
    ],
    [
      'metric runs are maximal (no two adjacent runs of one row hold the same values)',
      sql`SELECT count(*) AS n FROM metric_runs a JOIN metric_runs b
            ON a.partner_id = b.partner_id AND a.customer_id = b.customer_id AND a.product_id = b.product_id
           AND a.workload = b.workload AND b.first_day = a.last_day + 1 AND ${same('a', 'b', METRIC_VALUES)}`,
    ],
    [
      'customer sums of one cell do not overlap',
      sql`SELECT count(*) AS n FROM customer_sums a JOIN customer_sums b
            ON a.partner_id = b.partner_id AND a.customer_id = b.customer_id AND a.own = b.own
           AND a.service = b.service AND a.workload = b.workload AND a.first_day < b.first_day AND b.first_day <= a.last_day`,
    ],
    [
      'customer sums are maximal (no two adjacent runs of one cell hold the same sums)',
      sql`SELECT count(*) AS n FROM customer_sums a JOIN customer_sums b
            ON a.partner_id = b.partner_id AND a.customer_id = b.customer_id AND a.own = b.own
           AND a.service = b.service AND a.workload = b.workload AND b.first_day = a.last_day + 1
           AND ${same('a', 'b', SUM_FIELDS)}`,
    ],
    ['customer sums equal the sums of the metrics rows', sumsMismatch()],
    [
      'users natural key (partner, customer, user id) is unique',
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM users GROUP BY partner_id, customer_id, user_id HAVING count(*) > 1) x`,
    ],
    [
      'license assignments natural key (partner, customer, user, product, assigned on) is unique',
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM license_assignments
            GROUP BY partner_id, customer_id, user_id, product_id, assigned_on HAVING count(*) > 1) x`,
    ],
    [
      'subscription snapshots natural key (partner, customer, subscription, as of) is unique',
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM subscription_snapshots
            GROUP BY partner_id, customer_id, subscription_id, as_of HAVING count(*) > 1) x`,
    ],
    [
      'user keys are unique',
      // Across customers: under Citus a repartitioned aggregate (user_key is not the distribution column).
      sql`SELECT count(*) AS n FROM (SELECT 1 FROM users GROUP BY user_key HAVING count(*) > 1) x`,
    ],
  ];
  const out: { check: string; violations: number }[] = [];
  for (const [check, q] of checks) {
    const { n } = await db.one<{ n: number }>(q);
    if (n > 0) out.push({ check, violations: n });
  }
  return out;
}

/**
 * Days and cells where the stored sums differ from the metrics rows they sum (the embedded
 * store's `sumsMismatch`, duckdb-units.ts): each customer is compared on the days a run of either
 * table starts or follows an end; the cells are compared summed over services (the catalog, which
 * gives a product's service, is not in the database). PostgreSQL has no lateral column aliases:
 * the reason components are computed one step per CTE. Every join is on partner and customer.
 */
function sumsMismatch(): SqlFragment {
  const values = SUM_FIELDS.filter((f) => f !== 'metric_rows');
  return sql`WITH pts AS (
      SELECT partner_id, customer_id, first_day AS d FROM metric_runs
      UNION SELECT partner_id, customer_id, last_day + 1 FROM metric_runs
      UNION SELECT partner_id, customer_id, first_day FROM customer_sums
      UNION SELECT partner_id, customer_id, last_day + 1 FROM customer_sums),
    r0 AS (
      SELECT p.partner_id, p.customer_id, p.d, m.product_id, m.workload, m.sold, m.sold_own, m.assigned,
             m.active, m.rotation, m.unlicensed, m.trial_capacity, m.noncounted_capacity,
             m.usage_state <> 0 AS known, m.usage_state = 2 AS partial,
             CASE WHEN m.usage_state <> 0 AND m.active > m.sold THEN m.active - m.sold ELSE 0 END AS ux,
             greatest(m.assigned - m.sold, 0) AS dx
      FROM pts p JOIN metric_runs m ON m.partner_id = p.partner_id AND m.customer_id = p.customer_id
       AND m.first_day <= p.d AND m.last_day >= p.d),
    r1 AS (SELECT r0.*, least(ux, greatest(rotation, 0)) AS u1, least(dx, greatest(trial_capacity, 0)) AS d1 FROM r0),
    r2 AS (SELECT r1.*, least(ux - u1, greatest(unlicensed, 0)) AS u2,
                  least(dx - d1, greatest(noncounted_capacity, 0)) AS d2 FROM r1),
    r3 AS (SELECT r2.*, least(ux - u1 - u2, greatest(trial_capacity, 0)) AS u3 FROM r2),
    r AS (SELECT r3.*, least(ux - u1 - u2 - u3, greatest(noncounted_capacity, 0)) AS u4,
                 CASE WHEN known THEN active ELSE 0 END AS act FROM r3),
    own AS (SELECT partner_id, customer_id, d, product_id, sold_own > 0 AS own FROM r WHERE workload = 'ALL'),
    expected AS (
      SELECT r.partner_id, r.customer_id, r.d, o.own, r.workload, count(*) AS metric_rows,
             sum(r.sold) AS sold, sum(r.sold_own) AS sold_own, sum(r.assigned) AS assigned, sum(r.act) AS active,
             sum(CASE WHEN r.known THEN r.sold ELSE 0 END) AS sold_known, count(*) FILTER (WHERE r.known) AS known_rows,
             count(*) FILTER (WHERE r.partial) AS partial_rows, sum(r.u1) AS usage_rotation,
             sum(r.u2) AS usage_unlicensed, sum(r.u3) AS usage_trial, sum(r.u4) AS usage_noncounted,
             sum(r.d1) AS deployment_trial, sum(r.d2) AS deployment_noncounted
      FROM r JOIN own o ON o.partner_id = r.partner_id AND o.customer_id = r.customer_id AND o.d = r.d
        AND o.product_id = r.product_id
      GROUP BY r.partner_id, r.customer_id, r.d, o.own, r.workload),
    stored AS (
      SELECT p.partner_id, p.customer_id, p.d, s.own, s.workload,
             ${join(SUM_FIELDS.map((f) => sql`sum(s.${ident(f)}) AS ${ident(f)}`))}
      FROM pts p JOIN customer_sums s ON s.partner_id = p.partner_id AND s.customer_id = p.customer_id
       AND s.first_day <= p.d AND s.last_day >= p.d
      GROUP BY p.partner_id, p.customer_id, p.d, s.own, s.workload)
    SELECT count(*) AS n FROM expected e FULL OUTER JOIN stored s
      ON e.partner_id = s.partner_id AND e.customer_id = s.customer_id AND e.d = s.d AND e.own = s.own
     AND e.workload = s.workload
    WHERE e.metric_rows IS DISTINCT FROM s.metric_rows OR ${join(
      values.map((f) => sql`e.${ident(f)} IS DISTINCT FROM s.${ident(f)}`),
      ' OR ',
    )}`;
}
