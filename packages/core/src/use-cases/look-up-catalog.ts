/**
 * Use-cases: the SKU catalog as a partner sees it — the shipped catalog with the partner's own
 * products over it (`effectiveCatalog`) — listed and searched (`listCatalog`), or one product
 * looked up by skuId, part number or name (`showCatalogProduct`), with why it has its workloads.
 * Without a store, or with no partner (`partnerId` null), the shipped catalog alone.
 */
import type {
  CatalogEntry,
  CatalogProduct,
  ListCatalogRequest,
  ListCatalogResponse,
  ShowCatalogProductRequest,
  ShowCatalogProductResponse,
} from '@license-insights/contracts';
import { decideProduct, readOverrides } from '../catalog/build-catalog';
import {
  byPrecedence,
  effectiveCatalog,
  productNameKeys,
  type ShippedProduct,
  shippedCatalog,
} from '../catalog/catalog';
import { hinted } from '../errors';
import type { StoreReader } from '../store/store';

/** Where the partner's products come from; null: no store (the shipped catalog alone). */
export type CatalogStore = Pick<StoreReader, 'partnerProducts'> | null;

async function entries(store: CatalogStore, partnerId: string | null): Promise<CatalogEntry[]> {
  const shipped = shippedCatalog();
  const byId = new Map<string, ShippedProduct>(shipped.products.map((p) => [p.productId, p]));
  const partner = store !== null && partnerId !== null ? await store.partnerProducts(partnerId) : [];
  const overrides = readOverrides();
  return effectiveCatalog(shipped.products, partner).map((p): CatalogEntry => {
    const s = byId.get(p.productId);
    const base = {
      ...plain(p),
      servicePlans: s ? [...s.servicePlans] : [],
      sourceName: s && s.sourceName !== p.name ? s.sourceName : null,
    };
    if (p.origin === 'catalog' && s !== undefined) {
      const d = decideProduct(
        { name: s.sourceName, servicePlans: s.servicePlans },
        overrides.handVerifiedWins[s.productId],
      );
      const corrected = overrides.ruleWins[s.productId];
      const plans = d.rule.corePlans.map((c) => `${c.plan} → ${c.workload}`).join(', ');
      const reason = plans === '' ? d.reason : `${d.reason} (core plans: ${plans})`;
      return {
        ...base,
        verified: s.verified,
        workloadReason:
          corrected !== undefined
            ? `${reason}; replaces the hand-verified ${corrected.fields.join(' and ')}: ${corrected.reason}`
            : reason,
        replacesShipped: false,
      };
    }
    return {
      ...base,
      verified: false,
      workloadReason:
        p.origin === 'discovered'
          ? 'an unknown SKU met in imported data ("name unknown"): no workloads until a products file names it'
          : "the partner's products file",
      replacesShipped: s !== undefined,
    };
  });
}

/** The contract's fields only (a shipped product carries more). */
function plain(p: CatalogProduct): CatalogProduct {
  return {
    productId: p.productId,
    partNumber: p.partNumber,
    name: p.name,
    service: p.service,
    workloads: [...p.workloads],
    openWorkloads: [...p.openWorkloads],
    reportNames: [...p.reportNames],
    offerIds: [...p.offerIds],
    listPrice: p.listPrice,
    currency: p.currency,
    origin: p.origin,
  };
}

const byName = (a: CatalogEntry, b: CatalogEntry) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.productId < b.productId ? -1 : 1;
};

/**
 * Whether every word of the search occurs in the product's names or part number, or (8 characters
 * or more) starts its id: a short word inside a GUID matches at random ("e3" is in many).
 */
function matches(e: CatalogEntry, words: readonly string[]): boolean {
  const text = [e.name, e.sourceName ?? '', e.partNumber ?? '', ...e.reportNames].join('\n').toLowerCase();
  const id = e.productId.toLowerCase();
  return words.every((w) => text.includes(w) || (w.length >= 8 && id.startsWith(w)));
}

/** Length of the common beginning of two texts, ignoring case (to rank near names). */
function commonStart(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  return i;
}

const wordsOf = (s: string) =>
  s
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');

/** The catalog, sorted by name; with `search`, the products whose names, part number or id hold every word. */
export async function listCatalog(
  store: CatalogStore,
  req: ListCatalogRequest,
): Promise<ListCatalogResponse> {
  const all = await entries(store, req.partnerId);
  const words = req.search === null ? [] : wordsOf(req.search);
  const shipped = shippedCatalog();
  return {
    catalogVersion: shipped.version,
    sourceDate: shipped.sourceDate,
    source: shipped.source,
    partnerId: req.partnerId,
    search: req.search,
    products: all.filter((e) => matches(e, words)).sort(byName),
  };
}

/**
 * The product(s) a query names: an exact skuId or product id; else a part number; else a name
 * (display name, Microsoft's name, a report name), ignoring case. Several products (a part number
 * or name they share) come default first. An unknown query is an error that suggests near names.
 */
export async function showCatalogProduct(
  store: CatalogStore,
  req: ShowCatalogProductRequest,
): Promise<ShowCatalogProductResponse> {
  const all = await entries(store, req.partnerId);
  const query = req.query;
  const q = query.toLowerCase();
  const found = (
    [
      ['product id', (e: CatalogEntry) => e.productId.toLowerCase() === q],
      ['part number', (e: CatalogEntry) => (e.partNumber ?? '').toLowerCase() === q],
      [
        'name',
        (e: CatalogEntry) => productNameKeys(e).includes(q) || (e.sourceName ?? '').toLowerCase() === q,
      ],
    ] as const
  )
    .map(([by, test]) => ({ by, products: all.filter(test) }))
    .find((m) => m.products.length > 0);
  if (found === undefined) {
    const words = wordsOf(query);
    const near = all
      .filter((e) => words.some((w) => matches(e, [w])))
      .map((e) => ({
        e,
        hits: words.filter((w) => matches(e, [w])).length,
        start: commonStart(e.name, query),
      }))
      .sort((a, b) => b.hits - a.hits || b.start - a.start || byName(a.e, b.e))
      .slice(0, 5)
      .map(({ e }) => `${e.name} (${e.partNumber ?? e.productId})`);
    throw hinted(
      'not_found',
      `no product ${JSON.stringify(query)} in the catalog (by skuId, part number or exact name)${near.length > 0 ? `; near: ${near.join(', ')}` : ''}`,
      // Search for the words some product has ("Microsoft 365 E9": "Microsoft 365").
      {
        kind: 'search_catalog',
        words: words.filter((w) => all.some((e) => matches(e, [w]))).join(' ') || query,
      },
    );
  }
  return {
    query,
    matchedBy: found.by,
    partnerId: req.partnerId,
    products: [...found.products].sort(byPrecedence),
  };
}
