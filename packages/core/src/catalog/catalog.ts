/**
 * The SKU catalog: the one shipped with the product (sku-catalog.json, verified against
 * Microsoft's "Product names and service plan identifiers for licensing" reference) merged with
 * the partner's own products. Pure functions over plain data.
 */
import { readFileSync } from 'node:fs';
import { type CatalogProduct, serviceCodeSchema, workloadCodeSchema } from '@license-insights/contracts';
import { z } from 'zod';

const shippedProductSchema = z
  .object({
    productId: z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    partNumber: z.string().min(1),
    name: z.string().min(1),
    reportNames: z.array(z.string().regex(/^[^a-z]+$/, 'upper-case')),
    service: serviceCodeSchema,
    workloads: z.array(workloadCodeSchema),
    openWorkloads: z.array(workloadCodeSchema),
    offerIds: z.array(z.string()).default([]),
    listPrice: z.number().nonnegative().optional(),
    currency: z.string().optional(),
  })
  .strict();

const shippedCatalogSchema = z.object({
  version: z.string(),
  source: z.string(),
  products: z.array(shippedProductSchema).min(1),
});

export interface ShippedCatalog {
  readonly version: string;
  readonly source: string;
  readonly products: readonly CatalogProduct[];
}

let shipped: ShippedCatalog | undefined;

/** The catalog shipped with this version (validated once, then cached). */
export function shippedCatalog(): ShippedCatalog {
  if (shipped !== undefined) return shipped;
  const raw: unknown = JSON.parse(readFileSync(new URL('./sku-catalog.json', import.meta.url), 'utf8'));
  const parsed = shippedCatalogSchema.parse(raw);
  const products = parsed.products.map(
    (p): CatalogProduct => ({
      productId: p.productId,
      partNumber: p.partNumber,
      name: p.name,
      service: p.service,
      workloads: p.workloads,
      openWorkloads: p.openWorkloads,
      reportNames: p.reportNames,
      offerIds: p.offerIds,
      listPrice: p.listPrice ?? null,
      currency: p.currency ?? null,
      origin: 'catalog',
    }),
  );
  shipped = Object.freeze({
    version: parsed.version,
    source: parsed.source,
    products: Object.freeze(products),
  });
  return shipped;
}

/**
 * The effective catalog of a partner: shipped products, replaced by the partner's products with the
 * same id, plus the partner's other products (custom and discovered). Sorted by product id.
 */
export function effectiveCatalog(
  shippedProducts: readonly CatalogProduct[],
  partnerProducts: readonly CatalogProduct[],
): CatalogProduct[] {
  const byId = new Map<string, CatalogProduct>();
  for (const p of shippedProducts) byId.set(p.productId, p);
  for (const p of partnerProducts) {
    // A discovered placeholder never hides a real catalog entry (the catalog may have learnt it since).
    if (p.origin === 'discovered' && byId.has(p.productId)) continue;
    byId.set(p.productId, p);
  }
  return [...byId.values()].sort((a, b) =>
    a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0,
  );
}

/** Lookup keys of a product: lower-cased id and part number (canonical files may use either). */
export function productIdKeys(p: CatalogProduct): string[] {
  const keys = [p.productId.toLowerCase()];
  if (p.partNumber) keys.push(p.partNumber.toLowerCase());
  return keys;
}

/** Names a product is known by (display name, part number, report names), lower-cased. */
export function productNameKeys(p: CatalogProduct): string[] {
  const keys = new Set([p.name.toLowerCase(), ...p.reportNames.map((n) => n.toLowerCase())]);
  if (p.partNumber) keys.add(p.partNumber.toLowerCase());
  return [...keys];
}

export interface ProductResolver {
  byIdOrPartNumber(text: string): CatalogProduct | undefined;
  byOfferId(offerId: string): CatalogProduct | undefined;
  byName(name: string): CatalogProduct | undefined;
  byReportName(name: string): CatalogProduct | undefined;
}

/** Lookups over a catalog; on a clash the first product by id wins (custom ids sort among them). */
export function productResolver(catalog: readonly CatalogProduct[]): ProductResolver {
  const ids = new Map<string, CatalogProduct>();
  const offers = new Map<string, CatalogProduct>();
  const names = new Map<string, CatalogProduct>();
  const reports = new Map<string, CatalogProduct>();
  const put = (m: Map<string, CatalogProduct>, k: string, p: CatalogProduct) => {
    if (!m.has(k)) m.set(k, p);
  };
  // Exact ids first, so a product id never loses to another product's part number.
  for (const p of catalog) put(ids, p.productId.toLowerCase(), p);
  for (const p of catalog) {
    if (p.partNumber) put(ids, p.partNumber.toLowerCase(), p);
    for (const o of p.offerIds) put(offers, o.toLowerCase(), p);
    for (const n of productNameKeys(p)) put(names, n, p);
    for (const r of p.reportNames) put(reports, r.toUpperCase(), p);
  }
  return {
    byIdOrPartNumber: (t) => ids.get(t.trim().toLowerCase()),
    byOfferId: (o) => offers.get(o.trim().toLowerCase()),
    byName: (n) => names.get(n.trim().toLowerCase()),
    byReportName: (n) => reports.get(n.trim().toUpperCase()),
  };
}
