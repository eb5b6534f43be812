/** The partner's own product rows (custom and discovered) as catalog products. */
import type { CatalogProduct, ServiceCode, WorkloadCode } from '@license-insights/contracts';
import { sql } from '../sql';
import type { DuckDbClient } from './duckdb-client';

interface ProductRow extends Record<string, unknown> {
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
}

export async function queryPartnerProducts(db: DuckDbClient, partnerId: string): Promise<CatalogProduct[]> {
  const rows = await db.all<ProductRow>(
    sql`SELECT product_id, name, service, workloads, part_number, report_names, open_workloads, offer_ids,
               list_price, currency, origin
        FROM products WHERE partner_id = ${partnerId} ORDER BY product_id`,
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
