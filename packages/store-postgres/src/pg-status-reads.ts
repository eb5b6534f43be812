/**
 * What the partner's data is and can tell, read on PostgreSQL: the metrics plan, the partner's own
 * products, the customer resolver's candidates, the measured sources (SPEC §2.3), the data-trust
 * panel and the canonical dump. Answers equal the embedded store's (store/duckdb/*), ids sorted
 * bytewise.
 */
import {
  type CanonicalEntity,
  type CatalogProduct,
  type DataSource,
  type DataTrust,
  type ImportLogEntry,
  type PartnerStatus,
  type ServiceCode,
  type SourceCoverage,
  type StatusWarning,
  WORKLOAD_CODES,
  type WorkloadCode,
} from '@license-insights/contracts';
import type { CustomerCandidate } from '@license-insights/core/customers/resolve-customer';
import { dayOf } from '@license-insights/core/dates';
import type { MeasuredSources } from '@license-insights/core/metrics/measured';
import { raw, type SqlFragment, sql } from '@license-insights/core/sql';
import type { MetricsPlan } from '@license-insights/core/store';
import type { PgClient } from './pg-client';

const C = sql`COLLATE "C"`;

/** Customers (all, or the listed ones) as a condition on `column`. */
function ofCustomers(
  customerIds: readonly string[] | undefined,
  column: SqlFragment = sql`customer_id`,
): SqlFragment {
  if (customerIds === undefined) return sql`true`;
  if (customerIds.length === 1) return sql`${column} = ${customerIds[0] as string}`;
  return sql`${column} = ANY(${[...customerIds]}::text[])`;
}

export async function queryMetricsPlan(db: PgClient, partnerId: string): Promise<MetricsPlan> {
  const dirty = await db.all<{ customer_id: string; from_day: string }>(
    sql`SELECT customer_id, from_day FROM metrics_dirty WHERE partner_id = ${partnerId} ORDER BY customer_id ${C}`,
  );
  const state = await db.all<{ first_day: string; last_day: string }>(
    sql`SELECT first_day, last_day FROM metrics_state WHERE partner_id = ${partnerId}`,
  );
  const range = await db.one<{ first: string | null; last: string | null }>(
    sql`SELECT min(first_date) FILTER (WHERE entity = 'activity') AS first,
               greatest(max(last_date) FILTER (WHERE entity = 'activity'),
                        max(last_date) FILTER (WHERE entity IN ('subscriptions', 'license_assignments'))) AS last
        FROM source_coverage WHERE partner_id = ${partnerId}`,
  );
  return {
    dirty: dirty.map((d) => ({ customerId: d.customer_id, fromDay: d.from_day })),
    computed: state[0] === undefined ? null : { firstDay: state[0].first_day, lastDay: state[0].last_day },
    activity:
      range.first === null || range.last === null ? null : { firstDay: range.first, lastDay: range.last },
  };
}

export async function queryPartnerProducts(db: PgClient, partnerId: string): Promise<CatalogProduct[]> {
  const rows = await db.all<{
    product_id: string;
    name: string;
    service: ServiceCode;
    workloads: WorkloadCode[];
    part_number: string | null;
    report_names: string[];
    open_workloads: WorkloadCode[];
    offer_ids: string[];
    list_price: number | null;
    currency: string | null;
    origin: 'custom' | 'discovered';
  }>(
    sql`SELECT product_id, name, service, workloads, part_number, report_names, open_workloads, offer_ids,
               list_price, currency, origin
        FROM products WHERE partner_id = ${partnerId} ORDER BY product_id ${C}`,
  );
  return rows.map((r) => ({
    productId: r.product_id,
    partNumber: r.part_number,
    name: r.name,
    service: r.service,
    workloads: r.workloads,
    openWorkloads: r.open_workloads,
    reportNames: r.report_names,
    offerIds: r.offer_ids,
    listPrice: r.list_price,
    currency: r.currency,
    origin: r.origin,
  }));
}

/** The partner's customers for the customer resolver; users' sign-in domain looked up for `userDomain` only. */
export async function queryCustomerCandidates(
  db: PgClient,
  partnerId: string,
  userDomain: string | null,
): Promise<CustomerCandidate[]> {
  const rows = await db.all<{ customer_id: string; name: string; domain: string | null }>(
    sql`SELECT customer_id, name, domain FROM customers WHERE partner_id = ${partnerId} ORDER BY customer_id ${C}`,
  );
  const withUsers = new Set<string>();
  const d = userDomain?.trim().toLowerCase() ?? null;
  if (d !== null) {
    const suffix = `@${d}`;
    const found = await db.all<{ customer_id: string }>(
      sql`SELECT DISTINCT customer_id FROM users
          WHERE partner_id = ${partnerId} AND right(lower(upn), ${suffix.length}) = ${suffix}`,
    );
    for (const f of found) withUsers.add(f.customer_id);
  }
  return rows.map((r) => ({
    customerId: r.customer_id,
    name: r.name,
    domain: r.domain,
    userDomains: d !== null && withUsers.has(r.customer_id) ? [d] : [],
  }));
}

/** The activity sources of customers (all of the partner's, or the listed ones). */
export async function queryMeasuredSources(
  db: PgClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<Map<string, MeasuredSources>> {
  const rows = await db.all<{
    customer_id: string;
    workload: string;
    source: string;
    from_day: string;
    period_days: number | null;
  }>(
    sql`SELECT customer_id, workload, source, from_day, period_days FROM measured_sources
        WHERE partner_id = ${partnerId} AND ${ofCustomers(customerIds)}
        ORDER BY customer_id ${C}, source ${C}, from_day, workload ${C}`,
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

/** Per-customer data-trust signals: each table read once, grouped per customer. */
export async function queryDataTrust(
  db: PgClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<DataTrust[]> {
  const only = (alias: 's' | 'f' | 'a' | 'c') => ofCustomers(customerIds, sql`${raw(alias)}.customer_id`);
  const rows = await db.all<{
    customer_id: string;
    sources: { source: string; entity: string; last_date: string }[] | null;
    flags: { flag: string; detail: string }[] | null;
    unknown: string[] | null;
    has_activity: boolean;
    has_subscriptions: boolean;
    has_assignments: boolean;
  }>(sql`WITH
      src AS (SELECT s.customer_id,
                     jsonb_agg(jsonb_build_object('source', s.source, 'entity', s.entity, 'last_date', s.last_date::text)
                               ORDER BY s.source ${C}, s.entity ${C}) AS sources,
                     bool_or(s.entity = 'activity') AS has_activity
              FROM source_coverage s WHERE s.partner_id = ${partnerId} AND ${only('s')} GROUP BY s.customer_id),
      fl AS (SELECT f.customer_id, jsonb_agg(jsonb_build_object('flag', f.flag, 'detail', f.detail) ORDER BY f.flag ${C}) AS flags
             FROM customer_flags f WHERE f.partner_id = ${partnerId} AND ${only('f')} GROUP BY f.customer_id),
      sub AS (SELECT DISTINCT s.customer_id, s.product_id FROM subscription_snapshots s
              WHERE s.partner_id = ${partnerId} AND ${only('s')}),
      asg AS (SELECT DISTINCT a.customer_id, a.product_id FROM license_assignments a
              WHERE a.partner_id = ${partnerId} AND ${only('a')}),
      unk AS (SELECT h.customer_id, array_agg(DISTINCT h.product_id ${C} ORDER BY h.product_id ${C}) AS unknown
              FROM (SELECT * FROM sub UNION ALL SELECT * FROM asg) h
              JOIN products p ON p.partner_id = ${partnerId} AND p.product_id = h.product_id AND p.origin = 'discovered'
              GROUP BY h.customer_id)
    SELECT c.customer_id, src.sources, fl.flags, unk.unknown,
           coalesce(src.has_activity, false) AS has_activity,
           c.customer_id IN (SELECT customer_id FROM sub) AS has_subscriptions,
           c.customer_id IN (SELECT customer_id FROM asg) AS has_assignments
    FROM customers c
      LEFT JOIN src ON src.customer_id = c.customer_id
      LEFT JOIN fl ON fl.customer_id = c.customer_id
      LEFT JOIN unk ON unk.customer_id = c.customer_id
    WHERE c.partner_id = ${partnerId} AND ${only('c')} ORDER BY c.customer_id ${C}`);
  return rows.map((r) => ({
    customerId: r.customer_id,
    sources: (r.sources ?? []).map((s) => ({ source: s.source, entity: s.entity, lastDate: s.last_date })),
    flags: r.flags ?? [],
    unknownProducts: r.unknown ?? [],
    missing: [
      ...(r.has_activity ? [] : (['activity'] as const)),
      ...(r.has_subscriptions ? [] : (['subscriptions'] as const)),
      ...(r.has_assignments ? [] : (['license_assignments'] as const)),
    ],
  }));
}

/** Everything stored for an entity in canonical form (text values, `;`-joined lists, empty for null), sorted by natural key. */
const DUMPS: Readonly<Record<CanonicalEntity, (p: string) => SqlFragment>> = {
  products: (
    p,
  ) => sql`SELECT product_id, name, service, array_to_string(workloads, ';') AS workloads, part_number,
      array_to_string(report_names, ';') AS report_names, array_to_string(open_workloads, ';') AS open_workloads,
      array_to_string(offer_ids, ';') AS offer_ids, list_price::text AS list_price, currency
    FROM products WHERE partner_id = ${p} AND origin = 'custom' ORDER BY product_id ${C}`,
  customers: (
    p,
  ) => sql`SELECT customer_id, name, domain, country, segment, array_to_string(groups, ';') AS groups
    FROM customers WHERE partner_id = ${p} ORDER BY customer_id ${C}`,
  users: (p) => sql`SELECT customer_id, user_id, upn, display_name, deleted_on::text AS deleted_on
    FROM users WHERE partner_id = ${p} ORDER BY customer_id ${C}, user_id ${C}`,
  license_assignments: (p) => sql`SELECT customer_id, user_id, product_id, assigned_on::text AS assigned_on,
      unassigned_on::text AS unassigned_on
    FROM license_assignments WHERE partner_id = ${p}
    ORDER BY customer_id ${C}, user_id ${C}, product_id ${C}, assigned_on`,
  subscriptions: (
    p,
  ) => sql`SELECT as_of::text AS as_of, subscription_id, customer_id, product_id, quantity::text AS quantity,
      status, is_trial::text AS is_trial, channel, suspension_reason, billing_cycle, term_end::text AS term_end,
      auto_renew::text AS auto_renew
    FROM subscription_snapshots WHERE partner_id = ${p} ORDER BY customer_id ${C}, subscription_id ${C}, as_of`,
  activity: (p) => sql`SELECT a.customer_id, u.user_id, a.workload, (a.month + b.bit)::text AS date
    FROM activity a JOIN users u ON u.partner_id = a.partner_id AND u.customer_id = a.customer_id AND u.user_key = a.user_key
    CROSS JOIN generate_series(0, 30) AS b(bit)
    WHERE a.partner_id = ${p} AND (a.days >> b.bit) & 1 = 1
    ORDER BY a.customer_id ${C}, u.user_id ${C}, a.workload ${C}, date`,
  support_requests: (
    p,
  ) => sql`SELECT customer_id, request_id, opened_on::text AS opened_on, category, product_id, workload
    FROM support_requests WHERE partner_id = ${p} ORDER BY customer_id ${C}, request_id ${C}`,
};

export async function dumpCanonicalEntity(
  db: PgClient,
  partnerId: string,
  entity: CanonicalEntity,
): Promise<Record<string, string>[]> {
  const rows = await db.all<Record<string, unknown>>(DUMPS[entity](partnerId));
  return rows.map((r) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(r)) out[k] = v === null || v === undefined ? '' : String(v);
    return out;
  });
}

/** The partner ids, sorted. */
export async function queryPartnerIds(db: PgClient): Promise<string[]> {
  const rows = await db.all<{ partner_id: string }>(
    sql`SELECT partner_id FROM partners ORDER BY partner_id ${C}`,
  );
  return rows.map((r) => r.partner_id);
}

/** An instant as the core reads it from every store: ISO, UTC, the stored fraction of a second. */
const instant = (text: string) => `${text.replace(' ', 'T')}Z`;

/**
 * One partner's status; with `customerIds`, over those customers only (a staff account's scope):
 * counts, coverage, warnings, unknown products met at them and their out-of-date metrics. The
 * partner's own products and its recent imports are the partner's as a whole.
 *
 * Citus: products and metrics_state are reference tables; a subquery of a distributed table
 * correlated to their rows is beyond Citus, so the products met at customers are one uncorrelated
 * set (IN, or a grouped CTE joined to the products) and the out-of-date count an uncorrelated
 * count, each planned by Citus on its own (the same answers on PostgreSQL, in one pass each).
 */
export async function queryPartnerStatus(
  db: PgClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<Omit<PartnerStatus, 'products'> & { products: { custom: number; unknown: number } }> {
  const p = partnerId;
  const ids = customerIds === undefined ? undefined : [...customerIds];
  const scoped = (column: SqlFragment) => ofCustomers(ids, column);
  const inScope = scoped(sql`customer_id`);
  const counts = await db.one<{
    customers: number;
    users: number;
    custom: number;
    unknown: number;
    subscriptions: number;
    assignments: number;
    facts: number | null;
    support: number;
  }>(sql`SELECT
      (SELECT count(*) FROM customers WHERE partner_id = ${p} AND ${inScope}) AS customers,
      (SELECT count(*) FROM users WHERE partner_id = ${p} AND ${inScope}) AS users,
      (SELECT count(*) FROM products WHERE partner_id = ${p} AND origin = 'custom') AS custom,
      (SELECT count(*) FROM products pr WHERE partner_id = ${p} AND origin = 'discovered'
         AND (${
           ids === undefined
             ? sql`true`
             : sql`product_id IN (SELECT product_id FROM subscription_snapshots s WHERE s.partner_id = ${p} AND ${scoped(sql`s.customer_id`)}
                   UNION SELECT product_id FROM license_assignments a WHERE a.partner_id = ${p} AND ${scoped(sql`a.customer_id`)})`
         })) AS unknown,
      (SELECT count(*) FROM (SELECT DISTINCT customer_id, subscription_id FROM subscription_snapshots WHERE partner_id = ${p} AND ${inScope}) x) AS subscriptions,
      (SELECT count(*) FROM license_assignments WHERE partner_id = ${p} AND ${inScope}) AS assignments,
      (SELECT sum(bit_count(days::bit(32)))::bigint FROM activity WHERE partner_id = ${p} AND ${inScope}) AS facts,
      (SELECT count(*) FROM support_requests WHERE partner_id = ${p} AND ${inScope}) AS support`);
  const coverageRows = await db.all<{
    source: DataSource;
    entity: SourceCoverage['entity'];
    customers: number;
    first_date: string;
    last_date: string;
  }>(sql`SELECT source, entity, count(*) AS customers, min(first_date) AS first_date, max(last_date) AS last_date
      FROM source_coverage WHERE partner_id = ${p} AND ${inScope} GROUP BY source, entity ORDER BY source ${C}, entity ${C}`);
  const warnings: StatusWarning[] = [];
  const flags = await db.all<{ customer_id: string; flag: string; detail: string }>(
    sql`SELECT customer_id, flag, detail FROM customer_flags WHERE partner_id = ${p} AND ${inScope} ORDER BY customer_id ${C}, flag ${C}`,
  );
  for (const f of flags) {
    warnings.push({
      code: f.flag,
      customerId: f.customer_id,
      message: `${f.detail}: per-user drill-down shows hashes; turn off "Display concealed user, group, and site names in all reports" (Microsoft 365 admin center → Settings → Org settings → Reports)`,
    });
  }
  const unknown = await db.all<{ product_id: string; name: string; customers: number }>(
    sql`WITH held AS (
          SELECT customer_id, product_id FROM subscription_snapshots s WHERE s.partner_id = ${p} AND ${scoped(sql`s.customer_id`)}
          UNION SELECT customer_id, product_id FROM license_assignments a WHERE a.partner_id = ${p} AND ${scoped(sql`a.customer_id`)}),
        met AS (SELECT product_id, count(*) AS customers FROM held GROUP BY product_id)
        SELECT p.product_id, p.name, coalesce(met.customers, 0) AS customers
        FROM products p LEFT JOIN met ON met.product_id = p.product_id
        WHERE p.partner_id = ${p} AND p.origin = 'discovered' ORDER BY p.product_id ${C}`,
  );
  for (const u of unknown) {
    if (ids !== undefined && u.customers === 0) continue; // met at no customer in scope
    warnings.push({
      code: 'unknown_product',
      message: `unknown product ${JSON.stringify(u.product_id)} (${u.name}) at ${u.customers} customer(s): kept by id, name unknown; add it to a products file to name it`,
    });
  }
  const noActivity = await db.all<{ customer_id: string }>(
    sql`SELECT customer_id FROM customers c WHERE partner_id = ${p} AND ${inScope}
        AND NOT EXISTS (SELECT 1 FROM source_coverage s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id AND s.entity = 'activity')
        ORDER BY customer_id ${C}`,
  );
  for (const c of noActivity) {
    warnings.push({
      code: 'missing_activity',
      customerId: c.customer_id,
      message: 'no activity data: usage cannot be computed',
    });
  }
  const noSubs = await db.all<{ customer_id: string }>(
    sql`SELECT customer_id FROM customers c WHERE partner_id = ${p} AND ${inScope}
        AND NOT EXISTS (SELECT 1 FROM subscription_snapshots s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id)
        ORDER BY customer_id ${C}`,
  );
  for (const c of noSubs) {
    warnings.push({
      code: 'missing_subscriptions',
      customerId: c.customer_id,
      message: 'no subscriptions: licenses sold are unknown',
    });
  }
  const doubled = await db.all<{ customer_id: string; product_id: string }>(
    sql`SELECT customer_id, product_id FROM subscription_snapshots WHERE partner_id = ${p} AND ${inScope}
        GROUP BY customer_id, product_id
        HAVING count(DISTINCT source) FILTER (WHERE source IN ('partner_center', 'graph_subscribed_skus')) = 2
        ORDER BY customer_id ${C}, product_id ${C}`,
  );
  for (const d of doubled) {
    warnings.push({
      code: 'double_counted_subscriptions',
      customerId: d.customer_id,
      message: `product ${d.product_id} has both Partner Center subscriptions and Graph subscribedSkus units: licenses may be counted twice; import one of the two for this product`,
    });
  }
  const imports = await db.all<{
    audit_id: number;
    at: string;
    actor: string;
    outcome: string;
    details: Partial<{
      importId: string;
      mode: ImportLogEntry['mode'];
      files: string[];
      rowsRead: number;
      rowsRejected: number;
    }>;
  }>(
    sql`SELECT audit_id, occurred_at AS at, actor, outcome, details FROM audit_log
        WHERE partner_id = ${p} AND action = 'import' ORDER BY audit_id DESC LIMIT 5`,
  );
  const recentImports: ImportLogEntry[] = imports.map((r) => ({
    importId: r.details.importId ?? String(r.audit_id),
    startedAt: instant(r.at),
    actor: r.actor,
    mode: r.details.mode ?? 'all_or_nothing',
    files: r.details.files ?? [],
    rowsRead: r.details.rowsRead ?? 0,
    rowsRejected: r.details.rowsRejected ?? 0,
    outcome: r.outcome as ImportLogEntry['outcome'],
  }));
  const state = await db.all<{ first_day: string; last_day: string; dirty: number }>(
    sql`SELECT first_day, last_day,
               (SELECT count(*) FROM metrics_dirty d WHERE d.partner_id = ${p} AND ${scoped(sql`d.customer_id`)}) AS dirty
        FROM metrics_state m WHERE partner_id = ${p}`,
  );
  const m = state[0];
  return {
    partnerId,
    metrics: m === undefined ? null : { firstDay: m.first_day, lastDay: m.last_day, outOfDate: m.dirty },
    customers: counts.customers,
    users: counts.users,
    products: { custom: counts.custom, unknown: counts.unknown },
    subscriptions: counts.subscriptions,
    licenseAssignments: counts.assignments,
    activityFacts: counts.facts ?? 0,
    supportRequests: counts.support,
    coverage: coverageRows.map((r) => ({
      source: r.source,
      entity: r.entity,
      customers: r.customers,
      firstDate: r.first_date,
      lastDate: r.last_date,
    })),
    warnings,
    recentImports,
  };
}
