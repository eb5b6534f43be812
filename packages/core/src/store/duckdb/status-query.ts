/** What is stored for each partner: counts, date coverage per source, data-trust warnings, imports. */
import type {
  DataSource,
  ImportLogEntry,
  PartnerStatus,
  SourceCoverage,
  StatusWarning,
} from '@license-insights/contracts';
import { type SqlFragment, sql } from '../sql';
import { ofCustomers } from './customer-filter';
import type { DuckDbClient } from './duckdb-client';

export async function queryPartnerIds(db: DuckDbClient): Promise<string[]> {
  const rows = await db.all<{ partner_id: string }>(sql`SELECT partner_id FROM partners ORDER BY partner_id`);
  return rows.map((r) => r.partner_id);
}

/**
 * One partner's status; with `customerIds`, over those customers only (a staff account's scope):
 * counts, coverage, warnings, unknown products met at them and their out-of-date metrics. The
 * partner's own products and its recent imports are the partner's as a whole.
 */
export async function queryPartnerStatus(
  db: DuckDbClient,
  partnerId: string,
  customerIds?: readonly string[],
): Promise<Omit<PartnerStatus, 'products'> & { products: { custom: number; unknown: number } }> {
  const p = partnerId;
  const ids = customerIds === undefined ? null : [...customerIds];
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
           ids === null
             ? sql`true`
             : sql`EXISTS (SELECT 1 FROM subscription_snapshots s WHERE s.partner_id = pr.partner_id AND s.product_id = pr.product_id AND ${scoped(sql`s.customer_id`)})
              OR EXISTS (SELECT 1 FROM license_assignments a WHERE a.partner_id = pr.partner_id AND a.product_id = pr.product_id AND ${scoped(sql`a.customer_id`)})`
         })) AS unknown,
      (SELECT count(DISTINCT (customer_id, subscription_id)) FROM subscription_snapshots WHERE partner_id = ${p} AND ${inScope}) AS subscriptions,
      (SELECT count(*) FROM license_assignments WHERE partner_id = ${p} AND ${inScope}) AS assignments,
      (SELECT sum(bit_count(days)) FROM activity WHERE partner_id = ${p} AND ${inScope}) AS facts,
      (SELECT count(*) FROM support_requests WHERE partner_id = ${p} AND ${inScope}) AS support`);
  const coverageRows = await db.all<{
    source: DataSource;
    entity: SourceCoverage['entity'];
    customers: number;
    first_date: string;
    last_date: string;
  }>(sql`SELECT source, entity, count(*) AS customers, min(first_date)::VARCHAR AS first_date, max(last_date)::VARCHAR AS last_date
      FROM source_coverage WHERE partner_id = ${p} AND ${inScope} GROUP BY ALL ORDER BY source, entity`);
  const warnings: StatusWarning[] = [];
  const flags = await db.all<{ customer_id: string; flag: string; detail: string }>(
    sql`SELECT customer_id, flag, detail FROM customer_flags WHERE partner_id = ${p} AND ${inScope} ORDER BY customer_id, flag`,
  );
  for (const f of flags) {
    warnings.push({
      code: f.flag,
      customerId: f.customer_id,
      message: `${f.detail}: per-user drill-down shows hashes; turn off "Display concealed user, group, and site names in all reports" (Microsoft 365 admin center → Settings → Org settings → Reports)`,
    });
  }
  const unknown = await db.all<{ product_id: string; name: string; customers: number }>(
    sql`SELECT p.product_id, p.name,
          (SELECT count(DISTINCT customer_id) FROM (
             SELECT customer_id FROM subscription_snapshots s WHERE s.partner_id = p.partner_id AND s.product_id = p.product_id AND ${scoped(sql`s.customer_id`)}
             UNION ALL SELECT customer_id FROM license_assignments a WHERE a.partner_id = p.partner_id AND a.product_id = p.product_id AND ${scoped(sql`a.customer_id`)})) AS customers
        FROM products p WHERE p.partner_id = ${p} AND p.origin = 'discovered' ORDER BY p.product_id`,
  );
  for (const u of unknown) {
    if (ids !== null && u.customers === 0) continue; // met at no customer in scope
    warnings.push({
      code: 'unknown_product',
      message: `unknown product ${JSON.stringify(u.product_id)} (${u.name}) at ${u.customers} customer(s): kept by id, name unknown; add it to a products file to name it`,
    });
  }
  const noActivity = await db.all<{ customer_id: string }>(
    sql`SELECT customer_id FROM customers c WHERE partner_id = ${p} AND ${inScope}
        AND NOT EXISTS (SELECT 1 FROM source_coverage s WHERE s.partner_id = c.partner_id AND s.customer_id = c.customer_id AND s.entity = 'activity')
        ORDER BY customer_id`,
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
        ORDER BY customer_id`,
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
        ORDER BY customer_id, product_id`,
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
    details: string;
  }>(
    sql`SELECT audit_id, occurred_at AS at, actor, outcome, details::VARCHAR AS details FROM audit_log
        WHERE partner_id = ${p} AND action = 'import' ORDER BY audit_id DESC LIMIT 5`,
  );
  const recentImports: ImportLogEntry[] = imports.map((r) => {
    const d = JSON.parse(r.details) as Partial<{
      importId: string;
      mode: ImportLogEntry['mode'];
      files: string[];
      rowsRead: number;
      rowsRejected: number;
    }>;
    return {
      importId: d.importId ?? String(r.audit_id),
      startedAt: r.at,
      actor: r.actor,
      mode: d.mode ?? 'all_or_nothing',
      files: d.files ?? [],
      rowsRead: d.rowsRead ?? 0,
      rowsRejected: d.rowsRejected ?? 0,
      outcome: r.outcome as ImportLogEntry['outcome'],
    };
  });
  const state = await db.all<{ first_day: string; last_day: string; dirty: number }>(
    sql`SELECT first_day::VARCHAR AS first_day, last_day::VARCHAR AS last_day,
               (SELECT count(*) FROM metrics_dirty d WHERE d.partner_id = m.partner_id AND ${scoped(sql`d.customer_id`)}) AS dirty
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
