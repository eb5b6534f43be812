/**
 * What a unit of work can read and write on PostgreSQL: the same answers as the embedded store's
 * units (test/postgres-store.test.ts runs both side by side), in PostgreSQL's SQL.
 */
import { randomUUID } from 'node:crypto';
import type {
  AuditRecord,
  CanonicalEntity,
  CatalogProduct,
  CustomerRecord,
  Exclusion,
  ExclusionInput,
  ProductDayMetrics,
  RecommendationSettings,
  StoreStatus,
} from '@license-insights/contracts';
import type { CustomerCandidate } from '@license-insights/core/customers/resolve-customer';
import type { MeasuredSources } from '@license-insights/core/metrics/measured';
import { raw, type SqlFragment, sql } from '@license-insights/core/sql';
import {
  type ActiveUserCount,
  type AuditEntry,
  type AuditFilter,
  type ClaimedPart,
  type CustomerMetricData,
  DAILY_METRICS_CHUNK_ROWS,
  type DailyMetricsChunksOptions,
  type DailyMetricsWrite,
  type DataTrust,
  type InactiveScope,
  type InactiveUser,
  type MetricRunColumns,
  type MetricsPlan,
  type MetricsPublish,
  STORE_TABLES,
  type StagedMetricsWrite,
  type StagingUnit,
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
} from '@license-insights/core/store';
import type { PgClient } from './pg-client';
import {
  loadMetricData,
  queryDailyMetrics,
  queryDailyMetricsChunks,
  queryDailyMetricsRange,
  queryMetricRunColumns,
  querySumRuns,
} from './pg-metric-reads';
import {
  markAllMetricsDirty,
  publishStagedMetrics,
  queryIntegrity,
  stageDailyMetrics,
  writeDailyMetrics,
} from './pg-metric-writes';
import {
  queryActiveUserCounts,
  queryInactiveLicensedCounts,
  queryInactiveLicensedUsers,
  querySubscriptionsOn,
  querySupportCounts,
} from './pg-playbook-reads';
import {
  dumpCanonicalEntity,
  queryCustomerCandidates,
  queryDataTrust,
  queryMeasuredSources,
  queryMetricsPlan,
  queryPartnerIds,
  queryPartnerProducts,
  queryPartnerStatus,
} from './pg-status-reads';

/** An instant as the text the core reads (UTC, seconds). */
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS"Z"'`;
const NOW = sql`(now() AT TIME ZONE 'UTC')`;

export class PgReader implements StoreReader {
  constructor(
    protected readonly db: PgClient,
    readonly location: string,
  ) {}

  /**
   * The unit's snapshot (REPEATABLE READ: one for the whole unit): equal texts see the same
   * committed transactions, whichever app instance committed them.
   */
  async dataVersion(): Promise<string> {
    const { v } = await this.db.one<{ v: string }>(sql`SELECT pg_current_snapshot()::text AS v`);
    return `snapshot:${v}`;
  }

  /**
   * A table's rows through a cursor of the unit's transaction (one snapshot), each as its JSON
   * object text: dates as `YYYY-MM-DD`, instants as ISO text without a zone (UTC).
   */
  async *tableRows(
    table: StoreTable,
    batchRows = TABLE_ROWS_BATCH,
  ): AsyncGenerator<string[], void, undefined> {
    if (!STORE_TABLES.includes(table)) throw new Error(`not a store table: ${table}`);
    const cursor = `rows_${table}`;
    await this.db.exec(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT to_jsonb(r)::text AS j FROM ${table} r`,
    );
    try {
      for (;;) {
        const rows = await this.db.all<{ j: string }>(
          sql`FETCH ${raw(String(Math.max(1, Math.floor(batchRows))))} FROM ${raw(cursor)}`,
        );
        if (rows.length === 0) return;
        yield rows.map((r) => r.j);
      }
    } finally {
      await this.db.exec(`CLOSE ${cursor}`).catch(() => undefined);
    }
  }

  async tableCounts(): Promise<Record<StoreTable, number>> {
    const counts = {} as Record<StoreTable, number>;
    for (const table of STORE_TABLES) {
      const { n } = await this.db.one<{ n: number }>(sql`SELECT count(*) AS n FROM ${raw(table)}`);
      counts[table] = n;
    }
    return counts;
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

  loadMetricData(
    partnerId: string,
    customerIds: readonly string[] | null,
    factsFrom: string,
    y?: Yield,
  ): Promise<CustomerMetricData[]> {
    return loadMetricData(this.db, partnerId, customerIds, factsFrom, y);
  }

  verifyIntegrity(): Promise<{ check: string; violations: number }[]> {
    return queryIntegrity(this.db);
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
    return { store: this.location, engine: 'postgres', schemaVersion: await this.schemaVersion(), partners };
  }

  dumpCanonical(partnerId: string, entity: CanonicalEntity): Promise<Record<string, string>[]> {
    return dumpCanonicalEntity(this.db, partnerId, entity);
  }

  partnerProducts(partnerId: string): Promise<CatalogProduct[]> {
    return queryPartnerProducts(this.db, partnerId);
  }

  metricsPlan(partnerId: string): Promise<MetricsPlan> {
    return queryMetricsPlan(this.db, partnerId);
  }

  customerCandidates(partnerId: string, userDomain: string | null): Promise<CustomerCandidate[]> {
    return queryCustomerCandidates(this.db, partnerId, userDomain);
  }

  measuredSources(partnerId: string, customerIds?: readonly string[]): Promise<Map<string, MeasuredSources>> {
    return queryMeasuredSources(this.db, partnerId, customerIds);
  }

  dataTrust(partnerId: string, customerIds?: readonly string[]): Promise<DataTrust[]> {
    return queryDataTrust(this.db, partnerId, customerIds);
  }

  async customerIds(partnerId: string): Promise<string[]> {
    const rows = await this.db.all<{ customer_id: string }>(
      sql`SELECT customer_id FROM customers WHERE partner_id = ${partnerId} ORDER BY customer_id COLLATE "C"`,
    );
    return rows.map((r) => r.customer_id);
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
      sql`SELECT customer_id, name, domain, country, segment, groups FROM customers
          WHERE partner_id = ${partnerId} ORDER BY customer_id COLLATE "C"`,
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

  async recommendationSettings(partnerId: string): Promise<StoredSettings | null> {
    const rows = await this.db.all<{ settings: unknown; updated_at: string; updated_by: string }>(
      sql`SELECT settings, to_char(updated_at, ${raw(ISO)}) AS updated_at, updated_by
          FROM recommendation_settings WHERE partner_id = ${partnerId}`,
    );
    const r = rows[0];
    return r === undefined
      ? null
      : { settings: r.settings, updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  async exclusions(partnerId: string): Promise<Exclusion[]> {
    const rows = await this.db.all<{
      customer_id: string;
      product_id: string;
      reason: string;
      created_by: string;
      created_at: string;
    }>(sql`SELECT customer_id, product_id, reason, created_by, to_char(created_at, ${raw(ISO)}) AS created_at
           FROM recommendation_exclusions WHERE partner_id = ${partnerId}
           ORDER BY customer_id COLLATE "C", product_id COLLATE "C"`);
    return rows.map((r) => ({
      customerId: r.customer_id,
      productId: r.product_id,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  async auditLog(
    partnerId: string,
    actions: readonly string[] | null,
    limit: number,
    customerIds?: readonly string[],
    filter?: AuditFilter,
  ): Promise<AuditRecord[]> {
    const ofActions = actions === null ? sql`true` : sql`action = ANY(${[...actions]}::text[])`;
    // A record is about a customer when its details name one (exclusions); others are the partner's.
    const ofCustomers =
      customerIds === undefined
        ? sql`true`
        : sql`(details->>'customerId' IS NULL OR details->>'customerId' = ANY(${[...customerIds]}::text[]))`;
    const rows = await this.db.all<{
      audit_id: number;
      occurred_at: string;
      actor: string;
      action: string;
      outcome: string;
      details: Record<string, unknown>;
    }>(sql`SELECT audit_id, to_char(occurred_at, ${raw(ISO)}) AS occurred_at, actor, action, outcome, details
           FROM audit_log
           WHERE partner_id = ${partnerId} AND ${ofActions} AND ${ofCustomers} AND ${auditFilterSql(filter)}
           ORDER BY audit_id DESC LIMIT ${limit}`);
    return rows.map((r) => ({
      auditId: r.audit_id,
      occurredAt: r.occurred_at,
      actor: r.actor,
      action: r.action,
      outcome: r.outcome,
      details: r.details,
    }));
  }
}

/** The conditions of an {@link AuditFilter} (actor part, time range). */
function auditFilterSql(f: AuditFilter | undefined): SqlFragment {
  const actor =
    f?.actor === undefined || f.actor === ''
      ? sql`true`
      : sql`strpos(lower(actor), ${f.actor.toLowerCase()}) > 0`;
  const from = f?.from === undefined ? sql`true` : sql`occurred_at >= ${utcTimestamp(f.from)}::timestamp`;
  const to = f?.to === undefined ? sql`true` : sql`occurred_at < ${utcTimestamp(f.to)}::timestamp`;
  return sql`${actor} AND ${from} AND ${to}`;
}

/** An ISO instant as the timestamp (UTC, no zone) the audit table keeps. */
function utcTimestamp(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace(/Z$/, '');
}

export class PgWriter extends PgReader implements StoreWriter {
  /** A write unit reads its own uncommitted writes (and a new snapshot per statement): its own version. */
  private readonly version = `unit:${randomUUID()}`;
  override async dataVersion(): Promise<string> {
    return this.version;
  }

  writeDailyMetrics(partnerId: string, write: DailyMetricsWrite, y?: Yield): Promise<void> {
    return writeDailyMetrics(this.db, partnerId, write, y);
  }

  publishStagedMetrics(partnerId: string, jobId: string, publish: MetricsPublish, y?: Yield): Promise<void> {
    return publishStagedMetrics(this.db, partnerId, jobId, publish, y);
  }

  markAllMetricsDirty(partnerId: string, fromDay: string): Promise<void> {
    return markAllMetricsDirty(this.db, partnerId, fromDay);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.db.run(sql`INSERT INTO audit_log (partner_id, occurred_at, actor, action, outcome, details)
      VALUES (${entry.partnerId}, ${NOW}, ${entry.actor}, ${entry.action}, ${entry.outcome}, ${JSON.stringify(entry.details)}::jsonb)`);
  }

  async saveRecommendationSettings(
    partnerId: string,
    settings: RecommendationSettings | null,
    actor: string,
    change: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    await this.db.run(sql`DELETE FROM recommendation_settings WHERE partner_id = ${partnerId}`);
    if (settings !== null) {
      await this.db.run(sql`INSERT INTO recommendation_settings (partner_id, settings, updated_at, updated_by)
        VALUES (${partnerId}, ${JSON.stringify(settings)}::jsonb, ${NOW}, ${actor})`);
    }
    await this.audit({ partnerId, actor, action: 'settings.change', outcome: 'ok', details: change });
  }

  async addExclusion(partnerId: string, e: ExclusionInput, actor: string): Promise<string | null> {
    const before = await this.db.all<{ reason: string }>(
      sql`SELECT reason FROM recommendation_exclusions
          WHERE partner_id = ${partnerId} AND customer_id = ${e.customerId} AND product_id = ${e.productId}`,
    );
    const previous = before[0]?.reason ?? null;
    await this.db.run(sql`INSERT INTO recommendation_exclusions (partner_id, customer_id, product_id, reason, created_at, created_by)
        VALUES (${partnerId}, ${e.customerId}, ${e.productId}, ${e.reason}, ${NOW}, ${actor})
        ON CONFLICT (partner_id, customer_id, product_id)
        DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at, created_by = excluded.created_by`);
    await this.audit({
      partnerId,
      actor,
      action: 'exclusion.add',
      outcome: 'ok',
      details: {
        customerId: e.customerId,
        productId: e.productId,
        reason: e.reason,
        previousReason: previous,
      },
    });
    return previous;
  }

  async removeExclusion(
    partnerId: string,
    customerId: string,
    productId: string,
    actor: string,
  ): Promise<boolean> {
    const removed = await this.db.all<{ reason: string }>(
      sql`DELETE FROM recommendation_exclusions
          WHERE partner_id = ${partnerId} AND customer_id = ${customerId} AND product_id = ${productId}
          RETURNING reason`,
    );
    const r = removed[0];
    if (r === undefined) return false;
    await this.audit({
      partnerId,
      actor,
      action: 'exclusion.remove',
      outcome: 'ok',
      details: { customerId, productId, reason: r.reason },
    });
    return true;
  }
}

/**
 * The unit of one claimed part of a split compute (PostgresStore.stageComputePart): reads on the
 * part's one snapshot, stages under its job and part.
 */
export class PgStagingUnit extends PgReader implements StagingUnit {
  constructor(
    db: PgClient,
    location: string,
    private readonly part: ClaimedPart,
  ) {
    super(db, location);
  }

  async stageDailyMetrics(write: StagedMetricsWrite, y?: Yield): Promise<void> {
    await stageDailyMetrics(this.db, this.part.partnerId, this.part.jobId, this.part.part, write, y);
  }
}
