/**
 * The effective catalog as the import's SQL sees it: `cat_keys` (product ids and part numbers,
 * lower-cased) and `cat_reports` (Graph report names, upper-case), one row per key and product it
 * may mean, `ord` 0 for the default (catalog.ts orders them). A key that names several products
 * (part number MCOPSTN5, display name "Visio Plan 2") resolves per customer: the product the
 * customer's subscriptions hold, else the default.
 */
import type { CatalogProduct } from '@license-insights/contracts';
import { type KeyCandidates, productResolver } from '../../catalog/catalog';
import { type SqlFragment, sql } from '../sql';
import type { DuckDbClient } from './duckdb-client';

export const CATALOG_DDL = [
  'CREATE OR REPLACE TEMP TABLE cat_keys (key VARCHAR, product_id VARCHAR, ord INTEGER)',
  'CREATE OR REPLACE TEMP TABLE cat_reports (name VARCHAR, product_id VARCHAR, workloads VARCHAR[], ord INTEGER)',
] as const;

/** Rows (key, product id, workloads) in key order, each key's products default first. */
function rows(keys: readonly KeyCandidates[]): { k: string[]; id: string[]; w: string[] } {
  const out = { k: [] as string[], id: [] as string[], w: [] as string[] };
  for (const { key, products } of keys) {
    for (const p of products) {
      out.k.push(key);
      out.id.push(p.productId);
      out.w.push(p.workloads.join(';'));
    }
  }
  return out;
}

/** Loads the effective catalog's keys (replacing what was loaded before). */
export async function loadCatalogKeys(db: DuckDbClient, catalog: readonly CatalogProduct[]): Promise<void> {
  // Discovered placeholders are not real catalog entries: input naming them stays "unknown".
  const resolver = productResolver(catalog.filter((p) => p.origin !== 'discovered'));
  await db.exec('DELETE FROM cat_keys');
  await db.exec('DELETE FROM cat_reports');
  const ids = rows(resolver.idKeys);
  if (ids.k.length > 0) {
    await db.run(sql`INSERT INTO cat_keys
      SELECT key, product_id, (row_number() OVER (PARTITION BY key ORDER BY i) - 1)::INTEGER FROM (
        SELECT unnest(${ids.k}) AS key, unnest(${ids.id}) AS product_id, generate_subscripts(${ids.k}, 1) AS i)`);
  }
  const reports = rows(resolver.reportKeys);
  if (reports.k.length > 0) {
    await db.run(sql`INSERT INTO cat_reports
      SELECT name, product_id, list_filter(string_split(w, ';'), x -> x <> ''),
             (row_number() OVER (PARTITION BY name ORDER BY i) - 1)::INTEGER FROM (
        SELECT unnest(${reports.k}) AS name, unnest(${reports.id}) AS product_id, unnest(${reports.w}) AS w,
               generate_subscripts(${reports.k}, 1) AS i)`);
  }
}

/**
 * `cat_held (key, customer_id, product_id)`: for each id or part number that names several
 * products, per customer whose subscriptions (any state, any source: canonical, subscribedSkus,
 * Partner Center) hold one of them, that one (the default first if they hold several).
 */
export async function buildHeldKeys(db: DuckDbClient, partnerId: string): Promise<void> {
  await db.run(sql`CREATE OR REPLACE TEMP TABLE cat_held AS
    SELECT a.key, s.customer_id, arg_min(a.product_id, a.ord) AS product_id
    FROM (SELECT * FROM cat_keys WHERE key IN (SELECT key FROM cat_keys WHERE ord > 0)) a
    JOIN (SELECT DISTINCT customer_id, product_id FROM subscription_snapshots WHERE partner_id = ${partnerId}) s
      ON s.product_id = a.product_id
    GROUP BY a.key, s.customer_id`);
}

/**
 * The report names of `names` (a query with a `name` column) resolved for one customer:
 * (name, product_id, workloads), the product the customer's subscriptions hold first, else the
 * default. Names no product has are absent.
 */
export function reportNamesOf(partnerId: string, customerId: string, names: SqlFragment): SqlFragment {
  return sql`SELECT r.name, arg_min(r.product_id, (h.product_id IS NULL, r.ord)) AS product_id,
      arg_min(r.workloads, (h.product_id IS NULL, r.ord)) AS workloads
    FROM cat_reports r
    LEFT JOIN (SELECT DISTINCT product_id FROM subscription_snapshots
               WHERE partner_id = ${partnerId} AND customer_id = ${customerId}) h ON h.product_id = r.product_id
    WHERE r.name IN (${names})
    GROUP BY r.name`;
}
