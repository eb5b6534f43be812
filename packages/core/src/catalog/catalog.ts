/**
 * The SKU catalog: the one shipped with the product (sku-catalog.json, generated from Microsoft's
 * "Product names and service plan identifiers for licensing" by `npm run catalog:generate`, see
 * build-catalog.ts) merged with the partner's own products, and the lookups imports use. Pure
 * functions over plain data, except the one cached read of the shipped file.
 *
 * When a key (part number, name, report name) names several products, the product the customer's
 * subscriptions hold wins (the caller passes them as `held`); else the default: a partner's own
 * product before a shipped one, a hand-verified shipped product before the others (a discovered
 * placeholder last), then the lowest product id (as text).
 */
import { readFileSync } from 'node:fs';
import {
  type CatalogProduct,
  type ServicePlan,
  serviceCodeSchema,
  workloadCodeSchema,
} from '@license-insights/contracts';
import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function isPlanList(v: unknown): boolean {
  return (
    Array.isArray(v) &&
    v.every(
      (x) =>
        Array.isArray(x) &&
        x.length === 2 &&
        typeof x[0] === 'string' &&
        x[0] !== '' &&
        typeof x[1] === 'string',
    )
  );
}

const shippedProductSchema = z
  .object({
    productId: z.string().regex(GUID, 'a lower-case skuId GUID'),
    partNumber: z.string().min(1),
    name: z.string().min(1),
    /** Microsoft's display name, where the shipped name differs (overrides.json). */
    sourceName: z.string().min(1).optional(),
    service: serviceCodeSchema,
    workloads: z.array(workloadCodeSchema),
    openWorkloads: z.array(workloadCodeSchema),
    reportNames: z.array(z.string().regex(/^[^a-z]+$/, 'upper-case')).min(1),
    offerIds: z.array(z.string()).default([]),
    listPrice: z.number().nonnegative().optional(),
    currency: z.string().optional(),
    /** One of the products verified by hand (hand-verified.json). */
    verified: z.literal(true).optional(),
    /**
     * [plan name, plan id] as Microsoft's table lists them. Checked by one function rather than a
     * zod tuple per plan: 5,000 tuples cost 15 ms at every start; catalog.test.ts checks the ids.
     */
    servicePlans: z.custom<[string, string][]>(isPlanList, 'a list of [plan name, plan id] pairs'),
  })
  .strict();

export const shippedCatalogSchema = z
  .object({
    about: z.string(),
    source: z.string().min(1),
    /** Date of the copy of Microsoft's table the catalog was made from. */
    sourceDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    version: z.string().min(1),
    products: z.array(shippedProductSchema).min(1),
  })
  .strict();
export type ShippedCatalogFile = z.input<typeof shippedCatalogSchema>;
export type ShippedProductRecord = z.input<typeof shippedProductSchema>;

/** A shipped product: a catalog product with Microsoft's facts about it. */
export interface ShippedProduct extends CatalogProduct {
  readonly origin: 'catalog';
  readonly servicePlans: readonly ServicePlan[];
  readonly verified: boolean;
  /** The display name in Microsoft's table (differs from `name` where overrides.json says so). */
  readonly sourceName: string;
}

export interface ShippedCatalog {
  readonly version: string;
  readonly source: string;
  readonly sourceDate: string;
  readonly products: readonly ShippedProduct[];
}

/** The shipped catalog file, as text (the catalog generator writes it). */
export const SHIPPED_CATALOG_FILE = new URL('./sku-catalog.json', import.meta.url);

let shipped: ShippedCatalog | undefined;

/** The shipped product of a record of the catalog file. */
export function shippedProductOf(p: z.output<typeof shippedProductSchema>): ShippedProduct {
  return {
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
    servicePlans: p.servicePlans.map(([name, id]) => ({ name, id })),
    verified: p.verified === true,
    sourceName: p.sourceName ?? p.name,
  };
}

/** Parses a catalog file's text (the shipped one, or one the generator is about to write). */
export function parseShippedCatalog(text: string): ShippedCatalog {
  const parsed = shippedCatalogSchema.parse(JSON.parse(text));
  return {
    version: parsed.version,
    source: parsed.source,
    sourceDate: parsed.sourceDate,
    products: parsed.products.map(shippedProductOf),
  };
}

/** The catalog shipped with this version (validated once, then cached). */
export function shippedCatalog(): ShippedCatalog {
  if (shipped !== undefined) return shipped;
  const c = parseShippedCatalog(readFileSync(SHIPPED_CATALOG_FILE, 'utf8'));
  shipped = Object.freeze({ ...c, products: Object.freeze(c.products.map((p) => Object.freeze(p))) });
  return shipped;
}

/**
 * The effective catalog of a partner: shipped products, replaced by the partner's products with the
 * same id, plus the partner's other products (custom and discovered). A partner product that
 * replaces a shipped one keeps the shipped report names beside its own (Graph still writes them).
 * Sorted by product id.
 */
export function effectiveCatalog(
  shippedProducts: readonly CatalogProduct[],
  partnerProducts: readonly CatalogProduct[],
): CatalogProduct[] {
  const byId = new Map<string, CatalogProduct>();
  for (const p of shippedProducts) byId.set(p.productId, p);
  for (const p of partnerProducts) {
    const shippedOne = byId.get(p.productId);
    // A discovered placeholder never hides a real catalog entry (the catalog may have learnt it since).
    if (p.origin === 'discovered' && shippedOne !== undefined) continue;
    const reportNames =
      shippedOne === undefined ? p.reportNames : [...new Set([...p.reportNames, ...shippedOne.reportNames])];
    byId.set(p.productId, { ...p, reportNames });
  }
  return [...byId.values()].sort(byProductId);
}

const byProductId = (a: CatalogProduct, b: CatalogProduct) =>
  a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;

/**
 * Default precedence among products one key names: the partner's own, hand-verified shipped, other
 * shipped, and last a discovered placeholder (an unknown SKU kept by id; the catalog may know it now).
 */
function rankOf(p: CatalogProduct): number {
  if (p.origin === 'custom') return 0;
  if (p.origin === 'discovered') return 3;
  return 'verified' in p && p.verified === true ? 1 : 2;
}

/** Orders products one key names: the default first (see the module header). */
export function byPrecedence(a: CatalogProduct, b: CatalogProduct): number {
  return rankOf(a) - rankOf(b) || byProductId(a, b);
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

/** A key and every product it names, the default first. */
export interface KeyCandidates {
  readonly key: string;
  readonly products: readonly CatalogProduct[];
}

export interface ProductResolver {
  /** A product id, else a part number (lower-cased keys); `held`: the customer's subscribed products. */
  byIdOrPartNumber(text: string, held?: ReadonlySet<string>): CatalogProduct | undefined;
  byOfferId(offerId: string): CatalogProduct | undefined;
  /** Display name, report name or part number, ignoring case. */
  byName(name: string, held?: ReadonlySet<string>): CatalogProduct | undefined;
  /** A name as Graph reports write it in "Assigned Products". */
  byReportName(name: string, held?: ReadonlySet<string>): CatalogProduct | undefined;
  /** Every product a key may mean (id or part number, else name), the default first. */
  candidates(text: string): readonly CatalogProduct[];
  /** Every id and part number key with the products it names, the default first (for SQL lookups). */
  readonly idKeys: readonly KeyCandidates[];
  /** Report names (upper-case) with every product they name. */
  readonly reportKeys: readonly KeyCandidates[];
}

/** Lookups over a catalog (see the module header for which product a shared key means). */
export function productResolver(catalog: readonly CatalogProduct[]): ProductResolver {
  const sorted = [...catalog].sort(byPrecedence);
  const ids = new Map<string, CatalogProduct[]>();
  const offers = new Map<string, CatalogProduct[]>();
  const names = new Map<string, CatalogProduct[]>();
  const reports = new Map<string, CatalogProduct[]>();
  const put = (m: Map<string, CatalogProduct[]>, k: string, p: CatalogProduct) => {
    const list = m.get(k);
    if (list === undefined) m.set(k, [p]);
    else if (!list.includes(p)) list.push(p);
  };
  // An exact product id names that product only: it never loses to another product's part number.
  const exact = new Set(catalog.map((p) => p.productId.toLowerCase()));
  for (const p of sorted) put(ids, p.productId.toLowerCase(), p);
  for (const p of sorted) {
    if (p.partNumber && !exact.has(p.partNumber.toLowerCase())) put(ids, p.partNumber.toLowerCase(), p);
    for (const o of p.offerIds) put(offers, o.toLowerCase(), p);
    for (const n of productNameKeys(p)) put(names, n, p);
    for (const r of p.reportNames) put(reports, r.toUpperCase(), p);
  }
  const pick = (list: readonly CatalogProduct[] | undefined, held?: ReadonlySet<string>) =>
    list === undefined ? undefined : (list.find((p) => held?.has(p.productId)) ?? list[0]);
  const keysOf = (m: Map<string, CatalogProduct[]>) =>
    [...m.entries()].map(([key, products]) => ({ key, products }));
  return {
    byIdOrPartNumber: (t, held) => pick(ids.get(t.trim().toLowerCase()), held),
    byOfferId: (o) => pick(offers.get(o.trim().toLowerCase())),
    byName: (n, held) => pick(names.get(n.trim().toLowerCase()), held),
    byReportName: (n, held) => pick(reports.get(n.trim().toUpperCase()), held),
    candidates: (t) => ids.get(t.trim().toLowerCase()) ?? names.get(t.trim().toLowerCase()) ?? [],
    idKeys: keysOf(ids),
    reportKeys: keysOf(reports),
  };
}
