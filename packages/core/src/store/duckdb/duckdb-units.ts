/**
 * What a unit of work can do on one DuckDB connection: `DuckDbReader` the reads (on a reader
 * connection, inside one snapshot transaction), `DuckDbWriter` the reads and writes of the writer's
 * transaction. The store (duckdb-store.ts) opens and ends the transactions; nothing here sends
 * BEGIN or COMMIT.
 */
import { randomUUID } from 'node:crypto';
import type {
  CanonicalEntity,
  CatalogProduct,
  Exclusion,
  ExclusionInput,
  ProductDayMetrics,
  RecommendationSettings,
  StoreStatus,
} from '@license-insights/contracts';
import type { CustomerCandidate } from '../../customers/resolve-customer';
import { AppError } from '../../errors';
import type { MeasuredSources } from '../../metrics/measured';
import { SUM_FIELDS } from '../../metrics/sums';
import { ident, join, type SqlFragment, sql } from '../sql';
import {
  type ActiveUserCount,
  type AuditEntry,
  type AuditFilter,
  type AuditRecord,
  type CustomerMetricData,
  type CustomerRecord,
  DAILY_METRICS_CHUNK_ROWS,
  type DailyMetricsChunksOptions,
  type DailyMetricsWrite,
  type DataTrust,
  type InactiveScope,
  type InactiveUser,
  type MetricRunColumns,
  type MetricsPlan,
  STORE_TABLES,
  type StoredSettings,
  type StoreReader,
  type StoreTable,
  type StoreWriter,
  type SubscriptionState,
  type SumRunColumns,
  type SumWorkloads,
  type SupportCount,
  TABLE_ROWS_BATCH,
  type Yield,
} from '../store';
import { insertAudit, queryAuditLog } from './audit-log';
import { queryCustomerCandidates } from './customer-candidates';
import { queryDataTrust } from './customer-health';
import { queryMetricRunColumns, querySumRuns } from './customer-sums';
import {
  loadMetricData,
  queryDailyMetrics,
  queryDailyMetricsChunks,
  queryDailyMetricsRange,
  queryMetricsPlan,
  writeDailyMetrics,
} from './daily-metrics';
import type { DuckDbClient } from './duckdb-client';
import { dumpCanonicalEntity } from './dump-canonical';
import { queryInactiveLicensedCounts, queryInactiveLicensedUsers } from './inactive-users';
import { queryMeasuredSources } from './measured-sources';
import { markDirty } from './merge-canonical';
import {
  deleteExclusion,
  queryActiveUserCounts,
  queryExclusions,
  queryRecommendationSettings,
  querySubscriptionsOn,
  querySupportCounts,
  saveRecommendationSettings,
  upsertExclusion,
} from './playbook-queries';
import { queryPartnerProducts } from './products-query';
import { queryPartnerIds, queryPartnerStatus } from './status-query';

export class DuckDbReader implements StoreReader {
  constructor(
    protected readonly db: DuckDbClient,
    private readonly location: string,
    /** The store's commits when the unit began (no commit lands while a read is open). */
    private readonly version: string = `unit:${randomUUID()}`,
  ) {}

  async dataVersion(): Promise<string> {
    return this.version;
  }

  async schemaVersion(): Promise<number> {
    const { v } = await this.db.one<{ v: number | null }>(
      sql`SELECT max(version) AS v FROM schema_migrations`,
    );
    return v ?? 0;
  }

  partnerIds(): Promise<string[]> {
    return queryPartnerIds(this.db);
  }

  async status(partnerId?: string, customerIds?: readonly string[]): Promise<StoreStatus> {
    const ids = partnerId === undefined ? await queryPartnerIds(this.db) : [partnerId];
    const partners = [];
    for (const id of ids) {
      const s = await queryPartnerStatus(this.db, id, partnerId === undefined ? undefined : customerIds);
      partners.push({
        ...s,
        products: { catalog: 0, custom: s.products.custom, unknown: s.products.unknown },
      });
    }
    return { store: this.location, engine: 'duckdb', schemaVersion: await this.schemaVersion(), partners };
  }

  dumpCanonical(partnerId: string, entity: CanonicalEntity): Promise<Record<string, string>[]> {
    return dumpCanonicalEntity(this.db, partnerId, entity);
  }

  partnerProducts(partnerId: string): Promise<CatalogProduct[]> {
    return queryPartnerProducts(this.db, partnerId);
  }

  async customerIds(partnerId: string): Promise<string[]> {
    const rows = await this.db.all<{ customer_id: string }>(
      sql`SELECT customer_id FROM customers WHERE partner_id = ${partnerId} ORDER BY customer_id`,
    );
    return rows.map((r) => r.customer_id);
  }

  inactiveLicensedUsers(
    partnerId: string,
    day: string,
    scopes: readonly InactiveScope[],
    minDays: number,
  ): Promise<InactiveUser[]> {
    return queryInactiveLicensedUsers(this.db, partnerId, day, scopes, minDays);
  }

  inactiveLicensedCounts(
    partnerId: string,
    day: string,
    scopes: readonly InactiveScope[],
    minDays: number,
  ): Promise<{ customerId: string; productId: string; users: number }[]> {
    return queryInactiveLicensedCounts(this.db, partnerId, day, scopes, minDays);
  }

  measuredSources(partnerId: string, customerIds?: readonly string[]): Promise<Map<string, MeasuredSources>> {
    return queryMeasuredSources(this.db, partnerId, customerIds);
  }

  dataTrust(partnerId: string, customerIds?: readonly string[]): Promise<DataTrust[]> {
    return queryDataTrust(this.db, partnerId, customerIds);
  }

  async customers(partnerId: string): Promise<CustomerRecord[]> {
    const rows = await this.db.all<{
      customer_id: string;
      name: string;
      domain: string | null;
      country: string | null;
      segment: string | null;
      groups: string[];
    }>(
      sql`SELECT customer_id, name, domain, country, segment, groups FROM customers WHERE partner_id = ${partnerId} ORDER BY customer_id`,
    );
    return rows.map((r) => ({
      customerId: r.customer_id,
      name: r.name,
      domain: r.domain,
      country: r.country,
      segment: r.segment,
      groups: r.groups,
    }));
  }

  customerCandidates(partnerId: string, userDomain: string | null): Promise<CustomerCandidate[]> {
    return queryCustomerCandidates(this.db, partnerId, userDomain);
  }

  dailyMetrics(
    partnerId: string,
    day: string,
    customerIds?: readonly string[],
  ): Promise<ProductDayMetrics[]> {
    return queryDailyMetrics(this.db, partnerId, day, customerIds);
  }

  dailyMetricsRange(
    partnerId: string,
    from: string,
    to: string,
    customerIds: readonly string[],
  ): Promise<ProductDayMetrics[]> {
    return queryDailyMetricsRange(this.db, partnerId, from, to, customerIds);
  }

  sumRuns(partnerId: string, from: string, to: string, workloads: SumWorkloads): Promise<SumRunColumns> {
    return querySumRuns(this.db, partnerId, from, to, workloads);
  }

  metricRunColumns(
    partnerId: string,
    from: string,
    to: string,
    workloads: SumWorkloads,
    productId: string | null,
  ): Promise<MetricRunColumns> {
    return queryMetricRunColumns(this.db, partnerId, from, to, workloads, productId);
  }

  dailyMetricsChunks(
    partnerId: string,
    day: string,
    options: DailyMetricsChunksOptions = {},
  ): AsyncIterable<ProductDayMetrics[]> {
    return queryDailyMetricsChunks(
      this.db,
      partnerId,
      day,
      options.customerIds,
      options.chunkRows ?? DAILY_METRICS_CHUNK_ROWS,
    );
  }

  metricsPlan(partnerId: string): Promise<MetricsPlan> {
    return queryMetricsPlan(this.db, partnerId);
  }

  loadMetricData(
    partnerId: string,
    customerIds: readonly string[] | null,
    factsFrom: string,
    y?: Yield,
  ): Promise<CustomerMetricData[]> {
    return loadMetricData(this.db, partnerId, customerIds, factsFrom, y);
  }

  supportCounts(
    partnerId: string,
    from: string,
    to: string,
    customerIds?: readonly string[],
  ): Promise<SupportCount[]> {
    return querySupportCounts(this.db, partnerId, from, to, customerIds);
  }

  activeUserCounts(
    partnerId: string,
    from: string,
    to: string,
    customerIds?: readonly string[],
  ): Promise<ActiveUserCount[]> {
    return queryActiveUserCounts(this.db, partnerId, from, to, customerIds);
  }

  subscriptionsOn(
    partnerId: string,
    day: string,
    customerIds?: readonly string[],
  ): Promise<SubscriptionState[]> {
    return querySubscriptionsOn(this.db, partnerId, day, customerIds);
  }

  recommendationSettings(partnerId: string): Promise<StoredSettings | null> {
    return queryRecommendationSettings(this.db, partnerId);
  }

  exclusions(partnerId: string): Promise<Exclusion[]> {
    return queryExclusions(this.db, partnerId);
  }

  auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    customerIds?: readonly string[],
    filter?: AuditFilter,
  ): Promise<AuditRecord[]> {
    return queryAuditLog(this.db, partnerId, actions, limit, customerIds, filter);
  }

  /** Rows in row-id order, each batch a keyset page of its own (the unit's one snapshot). */
  async *tableRows(
    table: StoreTable,
    batchRows = TABLE_ROWS_BATCH,
  ): AsyncGenerator<string[], void, undefined> {
    if (!STORE_TABLES.includes(table)) throw new Error(`not a store table: ${table}`);
    let after = -1n;
    for (;;) {
      const rows = await this.db.all<{ r: string; j: string }>(
        sql`SELECT rowid::VARCHAR AS r, to_json(__row)::VARCHAR AS j FROM ${ident(table)} __row
            WHERE rowid > ${after} ORDER BY rowid LIMIT ${Math.max(1, Math.floor(batchRows))}`,
      );
      const last = rows[rows.length - 1];
      if (last === undefined) return;
      yield rows.map((r) => r.j);
      after = BigInt(last.r);
    }
  }

  async tableCounts(): Promise<Record<StoreTable, number>> {
    const counts = {} as Record<StoreTable, number>;
    for (const table of STORE_TABLES) {
      const { n } = await this.db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${ident(table)}`);
      counts[table] = Number(n);
    }
    return counts;
  }

  async verifyIntegrity(): Promise<{ check: string; violations: number }[]> {
    const checks: [string, SqlFragment][] = [
      [
        'activity natural key (partner, user, workload, month) is unique',
        sql`SELECT count(*) AS n FROM (SELECT partner_id, user_key, workload, month FROM activity GROUP BY ALL HAVING count(*) > 1)`,
      ],
      [
        'activity belongs to a stored user of the same partner and customer',
        sql`SELECT count(*) AS n FROM activity a WHERE NOT EXISTS (
              SELECT 1 FROM users u WHERE u.user_key = a.user_key AND u.partner_id = a.partner_id AND u.customer_id = a.customer_id)`,
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
             AND a.workload = b.workload AND b.first_day = a.last_day + 1
             AND a.sold = b.sold AND a.sold_own = b.sold_own AND a.assigned = b.assigned AND a.active = b.active
             AND a.rotation = b.rotation AND a.unlicensed = b.unlicensed AND a.trial_capacity = b.trial_capacity
             AND a.noncounted_capacity = b.noncounted_capacity AND a.usage_state = b.usage_state`,
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
             AND ${join(
               SUM_FIELDS.map((f) => sql`a.${ident(f)} = b.${ident(f)}`),
               ' AND ',
             )}`,
      ],
      ['customer sums equal the sums of the metrics rows', sumsMismatch()],
      [
        'users natural key (partner, customer, user id) is unique',
        sql`SELECT count(*) AS n FROM (SELECT partner_id, customer_id, user_id FROM users GROUP BY ALL HAVING count(*) > 1)`,
      ],
      [
        'license assignments natural key (partner, customer, user, product, assigned on) is unique',
        sql`SELECT count(*) AS n FROM (SELECT partner_id, customer_id, user_id, product_id, assigned_on
              FROM license_assignments GROUP BY ALL HAVING count(*) > 1)`,
      ],
      [
        'subscription snapshots natural key (partner, customer, subscription, as of) is unique',
        sql`SELECT count(*) AS n FROM (SELECT partner_id, customer_id, subscription_id, as_of
              FROM subscription_snapshots GROUP BY ALL HAVING count(*) > 1)`,
      ],
      [
        'user keys are unique',
        sql`SELECT count(*) AS n FROM (SELECT user_key FROM users GROUP BY ALL HAVING count(*) > 1)`,
      ],
    ];
    const out: { check: string; violations: number }[] = [];
    for (const [check, q] of checks) {
      const { n } = await this.db.one<{ n: number }>(q);
      if (n > 0) out.push({ check, violations: n });
    }
    return out;
  }
}

export class DuckDbWriter extends DuckDbReader implements StoreWriter {
  async audit(entry: AuditEntry): Promise<void> {
    await insertAudit(this.db, entry);
  }

  writeDailyMetrics(partnerId: string, write: DailyMetricsWrite, y?: Yield): Promise<void> {
    return writeDailyMetrics(this.db, partnerId, write, y);
  }

  /** Nothing is ever staged here (see DuckDbStore.stageComputePart). */
  async publishStagedMetrics(): Promise<void> {
    throw splitRefused();
  }

  async markAllMetricsDirty(partnerId: string, fromDay: string): Promise<void> {
    await markDirty(
      this.db,
      partnerId,
      sql`SELECT customer_id, ${fromDay}::DATE AS d FROM customers WHERE partner_id = ${partnerId}`,
    );
  }

  saveRecommendationSettings(
    partnerId: string,
    settings: RecommendationSettings | null,
    actor: string,
    change: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    return saveRecommendationSettings(this.db, partnerId, settings, actor, change);
  }

  addExclusion(partnerId: string, exclusion: ExclusionInput, actor: string): Promise<string | null> {
    return upsertExclusion(this.db, partnerId, exclusion, actor);
  }

  removeExclusion(partnerId: string, customerId: string, productId: string, actor: string): Promise<boolean> {
    return deleteExclusion(this.db, partnerId, customerId, productId, actor);
  }
}

/**
 * Days and cells where the stored sums differ from the metrics rows they sum (SPEC §2 roll-ups,
 * §2.3 known usage, §2.1 reasons decomposed per row — written here in SQL, apart from the code
 * that builds them). Runs are constant between their first days, so each customer is compared on
 * the days a run of either table starts or follows an end. Services come from the catalog, which
 * the database does not hold: the cells are compared summed over services.
 */
function sumsMismatch(): SqlFragment {
  const values = SUM_FIELDS.filter((f) => f !== 'metric_rows');
  return sql`WITH pts AS (
      SELECT partner_id, customer_id, first_day AS d FROM metric_runs
      UNION SELECT partner_id, customer_id, last_day + 1 FROM metric_runs
      UNION SELECT partner_id, customer_id, first_day FROM customer_sums
      UNION SELECT partner_id, customer_id, last_day + 1 FROM customer_sums),
    r AS (
      SELECT p.partner_id, p.customer_id, p.d, m.product_id, m.workload, m.sold, m.sold_own, m.assigned,
             m.usage_state <> 0 AS known, m.usage_state = 2 AS partial,
             CASE WHEN m.usage_state <> 0 AND m.active > m.sold THEN m.active - m.sold ELSE 0 END AS ux,
             least(ux, greatest(m.rotation, 0)) AS u1,
             least(ux - u1, greatest(m.unlicensed, 0)) AS u2,
             least(ux - u1 - u2, greatest(m.trial_capacity, 0)) AS u3,
             least(ux - u1 - u2 - u3, greatest(m.noncounted_capacity, 0)) AS u4,
             greatest(m.assigned - m.sold, 0) AS dx,
             least(dx, greatest(m.trial_capacity, 0)) AS d1,
             least(dx - d1, greatest(m.noncounted_capacity, 0)) AS d2,
             CASE WHEN m.usage_state <> 0 THEN m.active ELSE 0 END AS act
      FROM pts p JOIN metric_runs m ON m.partner_id = p.partner_id AND m.customer_id = p.customer_id
       AND m.first_day <= p.d AND m.last_day >= p.d),
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
      GROUP BY ALL),
    stored AS (
      SELECT p.partner_id, p.customer_id, p.d, s.own, s.workload,
             ${join(SUM_FIELDS.map((f) => sql`sum(s.${ident(f)}) AS ${ident(f)}`))}
      FROM pts p JOIN customer_sums s ON s.partner_id = p.partner_id AND s.customer_id = p.customer_id
       AND s.first_day <= p.d AND s.last_day >= p.d
      GROUP BY ALL)
    SELECT count(*) AS n FROM expected e FULL OUTER JOIN stored s
      ON e.partner_id = s.partner_id AND e.customer_id = s.customer_id AND e.d = s.d AND e.own = s.own
     AND e.workload = s.workload
    WHERE e.metric_rows IS DISTINCT FROM s.metric_rows OR ${join(
      values.map((f) => sql`e.${ident(f)} IS DISTINCT FROM s.${ident(f)}`),
      ' OR ',
    )}`;
}

/**
 * The embedded store has one writer process and one writer connection: a compute split into
 * parts would only queue its parts behind its own write unit. It computes in one worker.
 */
export function splitRefused(): AppError {
  return new AppError(
    'usage.invalid_argument',
    'the embedded store computes metrics in one worker: a compute split into parts needs the PostgreSQL store',
  );
}
