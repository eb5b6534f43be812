/**
 * A Graph "Office 365 active user detail" report applied to one customer on PostgreSQL: the
 * report's rules are the engine-neutral functions of ingest/graph-report.ts (held equal to the
 * embedded store's SQL by the core's graph property tests); what they decide is written with the
 * canonical merges (users, activity) and two set-based statements for license intervals, so a
 * report merges exactly as on the embedded store (store/duckdb/graph-active-users.ts, whose
 * general path this follows for every report, first ones included).
 */
import type { CatalogProduct, DataSource } from '@license-insights/contracts';
import {
  type GraphUser,
  graphReportFacts,
  graphUserOf,
  isStaleReport,
  type LicenseInterval,
  licenseChanges,
  type ReportProduct,
} from '@license-insights/core/ingest/graph-report';
import { sql } from '@license-insights/core/sql';
import type { GraphReportOutcome, MergeCounts, StagedValue } from '@license-insights/core/store';
import { ActivityAggregate } from './activity-aggregate';
import type { PgClient } from './pg-client';
import {
  dayRows,
  loadTemp,
  markDirty,
  mergeActivityGroups,
  mergeOk,
  OK_TABLE,
  recordCoverage,
  recordGraphMeasured,
} from './pg-import-merge';

const SOURCE: DataSource = 'graph_active_users';

export interface GraphReportInput {
  /** The report's internal column names (the header mapping's). */
  readonly columns: readonly string[];
  /** The valid records' values, in file order. */
  readonly records: readonly (readonly StagedValue[])[];
  readonly customerId: string;
  readonly periodDays: number;
  /** Report names (upper-case) → the products they may mean, the default first. */
  readonly reportKeys: ReadonlyMap<string, readonly CatalogProduct[]>;
  /** Products the customer's subscriptions hold (they decide names several products share). */
  readonly customerProducts: ReadonlySet<string>;
}

const minOf = (values: Iterable<string>): string | null => {
  let m: string | null = null;
  for (const v of values) if (m === null || v < m) m = v;
  return m;
};

export async function mergeGraphReport(
  db: PgClient,
  partnerId: string,
  input: GraphReportInput,
): Promise<GraphReportOutcome> {
  const { customerId } = input;
  const resolve = (name: string): ReportProduct => {
    const list = input.reportKeys.get(name);
    if (list === undefined || list.length === 0) return { productId: name, known: false, workloads: [] };
    const p = list.find((x) => input.customerProducts.has(x.productId)) ?? (list[0] as CatalogProduct);
    return { productId: p.productId, known: true, workloads: p.workloads };
  };
  const facts = graphReportFacts(
    input.records.map((v) => graphUserOf(input.columns, v)),
    resolve,
  );
  const latest = await db.all<{ last: string }>(
    sql`SELECT last_date AS last FROM source_coverage
        WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND source = ${SOURCE} AND entity = 'users'`,
  );
  const stale = isStaleReport(facts, latest[0]?.last ?? null);
  const reportDate = facts.refreshDates[facts.refreshDates.length - 1];
  if (facts.unknownProducts.length > 0) {
    await db.run(sql`INSERT INTO products (partner_id, product_id, name, service, origin)
      SELECT ${partnerId}::text, n, n, 'OTHER', 'discovered' FROM unnest(${[...facts.unknownProducts]}::text[]) AS x(n)
      ON CONFLICT DO NOTHING`);
  }

  const users = await mergeUsers(db, partnerId, customerId, facts.users, stale);

  // Activity: every non-empty date (OneDrive and SharePoint on one day are one fact, two rows).
  const groups = new ActivityAggregate();
  for (const u of facts.users)
    for (const a of u.activity)
      if (!groups.add(customerId, u.userId, a.workload, a.date)) throw new Error(`not a day: ${a.date}`);
  // The report's users were merged above: none is unknown.
  const activity = await mergeActivityGroups(db, partnerId, groups, SOURCE);

  let opened = 0;
  let closed = 0;
  if (!stale) {
    const stored = await db.all<{
      user_id: string;
      product_id: string;
      assigned_on: string;
      unassigned_on: string | null;
    }>(
      sql`SELECT user_id, product_id, assigned_on, unassigned_on FROM license_assignments
          WHERE partner_id = ${partnerId} AND customer_id = ${customerId}`,
    );
    const intervals: LicenseInterval[] = stored.map((r) => ({
      userId: r.user_id,
      productId: r.product_id,
      assignedOn: r.assigned_on,
      unassignedOn: r.unassigned_on,
    }));
    const changes = licenseChanges(
      intervals,
      facts.listed,
      new Map(facts.users.map((u) => [u.userId, u.refresh])),
    );
    if (changes.open.length > 0) {
      await loadTemp(
        db,
        'imp_open',
        [
          { name: 'user_id', type: 'text' },
          { name: 'product_id', type: 'text' },
          { name: 'assigned_on', type: 'date' },
        ],
        changes.open.map((o) => ({ user_id: o.userId, product_id: o.productId, assigned_on: o.assignedOn })),
      );
      opened =
        await db.run(sql`INSERT INTO license_assignments (partner_id, customer_id, user_id, product_id, assigned_on, unassigned_on, source, user_key)
        SELECT ${partnerId}::text, ${customerId}::text, o.user_id, o.product_id, o.assigned_on, NULL, ${SOURCE}::text, u.user_key
        FROM imp_open o
        LEFT JOIN users u ON u.partner_id = ${partnerId}::text AND u.customer_id = ${customerId}::text AND u.user_id = o.user_id`);
      await db.exec('DROP TABLE IF EXISTS imp_open');
    }
    if (changes.close.length > 0) {
      await loadTemp(
        db,
        'imp_close',
        [
          { name: 'user_id', type: 'text' },
          { name: 'product_id', type: 'text' },
          { name: 'assigned_on', type: 'date' },
          { name: 'closed_on', type: 'date' },
        ],
        changes.close.map((c) => ({
          user_id: c.interval.userId,
          product_id: c.interval.productId,
          assigned_on: c.interval.assignedOn,
          closed_on: c.on,
        })),
      );
      closed = await db.run(sql`UPDATE license_assignments a SET unassigned_on = c.closed_on FROM imp_close c
        WHERE a.partner_id = ${partnerId} AND a.customer_id = ${customerId} AND a.user_id = c.user_id
          AND a.product_id = c.product_id AND a.assigned_on = c.assigned_on AND a.unassigned_on IS NULL`);
      await db.exec('DROP TABLE IF EXISTS imp_close');
    }
    if (opened + closed > 0) {
      // Opened intervals start at their seed, closed ones end on the report date (later).
      const from = minOf([...facts.listed.map((l) => l.seed), ...facts.users.map((u) => u.refresh)]);
      await markDirty(db, partnerId, dayRows(customerId, [from]));
    }
    const seeds = facts.listed.map((l) => l.seed);
    await recordCoverage(
      db,
      partnerId,
      SOURCE,
      'license_assignments',
      dayRows(customerId, [minOf(seeds), maxOf(seeds)]),
    );
  }

  if (!stale && reportDate !== undefined) {
    if (facts.concealed > 0) {
      await db.run(sql`INSERT INTO customer_flags (partner_id, customer_id, flag, detail, since)
        VALUES (${partnerId}, ${customerId}, 'concealed_names', ${`${facts.concealed} of ${facts.users.length} user names concealed in the report of ${reportDate}`}, ${reportDate}::date)
        ON CONFLICT (partner_id, customer_id, flag) DO UPDATE SET detail = excluded.detail`);
    } else {
      await db.run(
        sql`DELETE FROM customer_flags WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND flag = 'concealed_names'`,
      );
    }
  }
  await recordCoverage(db, partnerId, SOURCE, 'users', dayRows(customerId, facts.refreshDates));
  await recordGraphMeasured(db, partnerId, customerId, facts.refreshDates, input.periodDays);
  return {
    refreshDates: facts.refreshDates,
    users,
    activity,
    assignments: { opened, closed, skippedAsStale: stale },
    concealedNames: facts.concealed,
    unknownProducts: facts.unknownProducts,
  };
}

function maxOf(values: Iterable<string>): string | null {
  let m: string | null = null;
  for (const v of values) if (m === null || v > m) m = v;
  return m;
}

/**
 * The report's users through the canonical users merge. A stale report only adds the users it
 * names first; the users stored already are left as the newer report wrote them (unchanged).
 */
async function mergeUsers(
  db: PgClient,
  partnerId: string,
  customerId: string,
  users: readonly GraphUser[],
  stale: boolean,
): Promise<MergeCounts> {
  await loadTemp(
    db,
    OK_TABLE,
    [
      { name: '_rec', type: 'integer' },
      { name: '_line', type: 'integer' },
      { name: 'customer_id', type: 'text' },
      { name: 'user_id', type: 'text' },
      { name: 'upn', type: 'text' },
      { name: 'display_name', type: 'text' },
      { name: 'deleted_on', type: 'date' },
    ],
    users.map((u) => ({
      _rec: null,
      _line: null,
      customer_id: customerId,
      user_id: u.userId,
      upn: u.upn,
      display_name: u.displayName,
      deleted_on: u.deletedOn,
    })),
  );
  if (stale) {
    // The report's customer's stored users, an uncorrelated subquery (Citus plans it on its own as
    // a query of one shard; it plans no distributed subquery correlated to a temporary table).
    await db.run(sql`DELETE FROM imp_ok WHERE user_id IN (SELECT u.user_id FROM users u
      WHERE u.partner_id = ${partnerId} AND u.customer_id = ${customerId})`);
  }
  const merged = await mergeOk(
    db,
    partnerId,
    'users',
    ['customer_id', 'user_id', 'upn', 'display_name', 'deleted_on'],
    [],
    SOURCE,
  );
  await db.exec(`DROP TABLE IF EXISTS ${OK_TABLE}`);
  return { ...merged, unchanged: users.length - merged.inserted - merged.updated };
}
