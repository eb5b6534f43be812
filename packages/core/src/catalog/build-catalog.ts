/**
 * The catalog generator's pure half: Microsoft's table (read by service-plans-table.ts), the 90
 * hand-verified products (hand-verified.json) and the decided exceptions (overrides.json) in; the
 * shipped catalog (sku-catalog.json) and its reviewed decision table (workload-decisions.md) out.
 * Deterministic: the same inputs give the same bytes. `scripts/generate-catalog.ts` does the IO.
 *
 * - Every product of the table is in the catalog with skuId, part number, display name, service
 *   plans and the workloads of the workload rule (workload-rule.ts).
 * - overrides.json `handVerifiedWins`: where a hand-verified value differs from the rule's and the
 *   hand-verified one is kept (a better name, a workload decision), with the reason.
 *   overrides.json `ruleWins`: where the rule's value replaces the hand-verified one, with the
 *   reason. A test requires every difference from hand-verified.json to be one or the other.
 * - Report names (what Graph writes in "Assigned Products"): the hand-verified ones, then the
 *   upper-cased display name of the table and of the shipped name.
 */
import { readFileSync } from 'node:fs';
import {
  type CatalogProduct,
  serviceCodeSchema,
  WORKLOAD_CODES,
  WORKLOAD_NAMES,
  type WorkloadCode,
  workloadCodeSchema,
} from '@license-insights/contracts';
import { z } from 'zod';
import {
  byPrecedence,
  parseShippedCatalog,
  type ShippedCatalog,
  type ShippedCatalogFile,
  type ShippedProduct,
  type ShippedProductRecord,
} from './catalog';
import type { SourceProduct, SourceTable } from './service-plans-table';
import {
  decideWorkloads,
  FAMILY_NAMES,
  PRODUCT_FAMILIES,
  type ProductFamily,
  serviceOf,
} from './workload-rule';

export const CATALOG_SOURCE =
  'Microsoft Learn: Product names and service plan identifiers for licensing (the CSV download)';

const handVerifiedProductSchema = z
  .object({
    productId: z.string(),
    partNumber: z.string(),
    name: z.string(),
    reportNames: z.array(z.string()),
    service: serviceCodeSchema,
    workloads: z.array(workloadCodeSchema),
    openWorkloads: z.array(workloadCodeSchema),
    offerIds: z.array(z.string()).default([]),
    listPrice: z.number().optional(),
    currency: z.string().optional(),
  })
  .strict();
const handVerifiedSchema = z.object({
  about: z.string(),
  version: z.string(),
  source: z.string(),
  products: z.array(handVerifiedProductSchema),
});
export type HandVerifiedProduct = z.output<typeof handVerifiedProductSchema>;

/** Fields a decision may set. */
export const DECIDED_FIELDS = ['name', 'service', 'workloads', 'openWorkloads'] as const;
export type DecidedField = (typeof DECIDED_FIELDS)[number];

const overrideSchema = z
  .object({
    /** For the reader (checked against the table by a test). */
    partNumber: z.string().min(1),
    name: z.string().min(1).optional(),
    service: serviceCodeSchema.optional(),
    workloads: z.array(workloadCodeSchema).optional(),
    openWorkloads: z.array(workloadCodeSchema).optional(),
    reason: z.string().min(1),
  })
  .strict();
const correctionSchema = z
  .object({
    partNumber: z.string().min(1),
    fields: z.array(z.enum(DECIDED_FIELDS)).min(1),
    reason: z.string().min(1),
  })
  .strict();
const overridesSchema = z
  .object({
    about: z.string(),
    handVerifiedWins: z.record(z.string(), overrideSchema),
    ruleWins: z.record(z.string(), correctionSchema),
  })
  .strict();
export type Overrides = z.output<typeof overridesSchema>;
export type Override = z.output<typeof overrideSchema>;

const HAND_VERIFIED_FILE = new URL('./hand-verified.json', import.meta.url);
const OVERRIDES_FILE = new URL('./overrides.json', import.meta.url);
export const DECISIONS_FILE = new URL('./workload-decisions.md', import.meta.url);

export function readHandVerified(): readonly HandVerifiedProduct[] {
  return handVerifiedSchema.parse(JSON.parse(readFileSync(HAND_VERIFIED_FILE, 'utf8'))).products;
}

let overrides: Overrides | undefined;
export function readOverrides(): Overrides {
  overrides ??= overridesSchema.parse(JSON.parse(readFileSync(OVERRIDES_FILE, 'utf8')));
  return overrides;
}

/** A product's decided values: the rule's, with an override applied. */
export interface ProductDecision {
  readonly family: ProductFamily;
  readonly name: string;
  readonly service: CatalogProduct['service'];
  readonly workloads: readonly WorkloadCode[];
  readonly openWorkloads: readonly WorkloadCode[];
  /** The rule's own values, before any override. */
  readonly rule: ReturnType<typeof decideWorkloads>;
  readonly override: Override | null;
  readonly reason: string;
}

/** Decides a product from Microsoft's facts about it (display name, plans) and its override. */
export function decideProduct(
  facts: { readonly name: string; readonly servicePlans: SourceProduct['servicePlans'] },
  override: Override | undefined,
): ProductDecision {
  const rule = decideWorkloads(facts);
  const workloads = override?.workloads ?? rule.workloads;
  const decidesWorkloads =
    override?.workloads !== undefined ||
    override?.openWorkloads !== undefined ||
    override?.service !== undefined;
  return {
    family: rule.family,
    name: override?.name ?? facts.name,
    workloads,
    openWorkloads: override?.openWorkloads ?? workloads.filter((w) => w === 'YAM'),
    service: override?.service ?? serviceOf(rule.family, workloads),
    rule,
    override: override ?? null,
    reason:
      decidesWorkloads && override
        ? `hand-verified value kept (overrides.json): ${override.reason}`
        : rule.reason,
  };
}

export interface BuildInput {
  readonly table: SourceTable;
  readonly sourceDate: string;
  readonly handVerified: readonly HandVerifiedProduct[];
  readonly overrides: Overrides;
}

export interface BuildResult {
  readonly file: ShippedCatalogFile;
  /** Things the maintainer should know (hand-verified products missing from the table, …). */
  readonly notes: readonly string[];
}

const byName = (a: { name: string; productId: string }, b: { name: string; productId: string }) => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;
};

/** Microsoft's table, the hand-verified products and the overrides → the shipped catalog file. */
export function buildShippedCatalog(input: BuildInput): BuildResult {
  const notes: string[] = [];
  const verified = new Map(input.handVerified.map((p) => [p.productId, p]));
  const inTable = new Set(input.table.products.map((p) => p.productId));
  for (const id of Object.keys(input.overrides.handVerifiedWins)) {
    if (!inTable.has(id)) notes.push(`overrides.json handVerifiedWins ${id}: not in the table (ignored)`);
  }
  const products: ShippedProductRecord[] = input.table.products.map((s) => {
    const hv = verified.get(s.productId);
    const d = decideProduct(s, input.overrides.handVerifiedWins[s.productId]);
    const reportNames = [
      ...new Set([...(hv?.reportNames ?? []), s.name.toUpperCase(), d.name.toUpperCase()]),
    ];
    return {
      productId: s.productId,
      partNumber: s.partNumber,
      name: d.name,
      ...(d.name !== s.name ? { sourceName: s.name } : {}),
      service: d.service,
      workloads: [...d.workloads],
      openWorkloads: [...d.openWorkloads],
      reportNames,
      offerIds: hv?.offerIds ?? [],
      ...(hv?.listPrice !== undefined ? { listPrice: hv.listPrice } : {}),
      ...(hv?.currency !== undefined ? { currency: hv.currency } : {}),
      ...(hv !== undefined ? { verified: true as const } : {}),
      servicePlans: s.servicePlans.map((p): [string, string] => [p.name, p.id]),
    };
  });
  // A product verified by hand that a newer table no longer lists stays, as verified, so that
  // stored data naming it does not turn into unknown products.
  for (const hv of input.handVerified) {
    if (inTable.has(hv.productId)) continue;
    notes.push(`${hv.partNumber} (${hv.productId}) is not in the table: kept as verified by hand`);
    products.push({ ...hv, verified: true, servicePlans: [] });
  }
  products.sort(byName);
  return {
    file: {
      about:
        "Generated by `npm run catalog:generate <file> [date]` from Microsoft's table (source, sourceDate), hand-verified.json and overrides.json: do not edit by hand. Workloads follow workload-rule.ts; every decision is listed in workload-decisions.md.",
      source: CATALOG_SOURCE,
      sourceDate: input.sourceDate,
      version: input.sourceDate,
      products,
    },
    notes,
  };
}

/** The catalog file's text: one product per two lines (its fields, then its service plans). */
export function renderCatalogJson(file: ShippedCatalogFile): string {
  const head = JSON.stringify({ ...file, products: [] }, null, 2).replace(/\[\]\n\}$/, '');
  const lines = file.products.map((p) => {
    const { servicePlans, ...fields } = p;
    return `    ${JSON.stringify(fields).slice(0, -1)},\n      "servicePlans":${JSON.stringify(servicePlans)}}`;
  });
  const text = `${head}[\n${lines.join(',\n')}\n  ]\n}\n`;
  parseShippedCatalog(text); // what is written must be what shippedCatalog() accepts
  return text;
}

const md = (s: string) => s.replace(/\|/g, '\\|');
const list = (ws: readonly string[]) => (ws.length === 0 ? '—' : ws.join(', '));

/** Keys (report names, part numbers) that name more than one shipped product, with the default. */
export function sharedKeys(products: readonly ShippedProduct[]): {
  kind: 'report name' | 'part number';
  key: string;
  products: ShippedProduct[];
}[] {
  const out: { kind: 'report name' | 'part number'; key: string; products: ShippedProduct[] }[] = [];
  for (const [kind, keysOf] of [
    ['report name', (p: ShippedProduct) => p.reportNames],
    ['part number', (p: ShippedProduct) => [p.partNumber ?? '']],
  ] as const) {
    const m = new Map<string, ShippedProduct[]>();
    for (const p of products) {
      for (const k of keysOf(p)) {
        const key = kind === 'part number' ? k.toLowerCase() : k;
        m.set(key, [...(m.get(key) ?? []), p]);
      }
    }
    for (const [key, ps] of m) {
      if (ps.length > 1)
        out.push({
          kind,
          key: kind === 'part number' ? (ps[0]?.partNumber ?? key) : key,
          products: [...ps].sort(byPrecedence),
        });
    }
  }
  return out.sort((a, b) => (a.kind === b.kind ? (a.key < b.key ? -1 : 1) : a.kind < b.kind ? 1 : -1));
}

/**
 * The decision table: every product that carries a core plan or gets a workload, by family, with
 * the plans behind the decision; the overrides and corrections; the shared keys and their default.
 */
export function renderDecisionTable(
  catalog: ShippedCatalog,
  o: Overrides,
  handVerified: readonly HandVerifiedProduct[],
): string {
  const out: string[] = [];
  const byId = new Map(catalog.products.map((p) => [p.productId, p]));
  const decided = catalog.products.map((p) => ({
    p,
    d: decideProduct({ name: p.sourceName, servicePlans: p.servicePlans }, o.handVerifiedWins[p.productId]),
  }));
  const listed = decided.filter(
    ({ d }) => d.rule.corePlans.length > 0 || d.workloads.length > 0 || d.family !== 'other',
  );
  out.push(
    '# Workload decisions of the shipped SKU catalog',
    '',
    `Generated by \`npm run catalog:generate\` with the catalog (Microsoft's table of ${catalog.sourceDate}) — do not edit; review its changes.`,
    'The rule is `workload-rule.ts`, stated in docs/metrics.md ("Which workloads a product includes").',
    `Listed: the ${listed.length} products that carry a core plan or get a workload or are of a named family; the other ${catalog.products.length - listed.length} of the ${catalog.products.length} carry no core plan and get no workloads (\`insights catalog list\` shows them all).`,
    '',
    '## The hand-verified value wins (overrides.json `handVerifiedWins`)',
    '',
    '| product | part number | field | rule | shipped (hand-verified) | reason |',
    '|---|---|---|---|---|---|',
  );
  const hv = new Map(handVerified.map((p) => [p.productId, p]));
  for (const { p, d } of decided) {
    const ov = d.override;
    if (ov === null) continue;
    const rows: [string, string, string][] = [];
    if (ov.name !== undefined) rows.push(['name', p.sourceName, ov.name]);
    if (ov.workloads !== undefined) rows.push(['workloads', list(d.rule.workloads), list(ov.workloads)]);
    if (ov.openWorkloads !== undefined)
      rows.push(['openWorkloads', list(d.rule.openWorkloads), list(ov.openWorkloads)]);
    if (ov.service !== undefined) rows.push(['service', d.rule.service, ov.service]);
    for (const [field, rule, shipped] of rows)
      out.push(
        `| ${md(p.name)} | ${md(p.partNumber ?? '')} | ${field} | ${md(rule)} | ${md(shipped)} | ${md(ov.reason)} |`,
      );
  }
  out.push(
    '',
    '## The rule replaces the hand-verified value (overrides.json `ruleWins`)',
    '',
    '| product | part number | field | hand-verified | shipped (rule) | reason |',
    '|---|---|---|---|---|---|',
  );
  for (const [id, c] of Object.entries(o.ruleWins).sort(([a], [b]) =>
    byName(byId.get(a) ?? { name: a, productId: a }, byId.get(b) ?? { name: b, productId: b }),
  )) {
    const p = byId.get(id);
    const h = hv.get(id);
    if (p === undefined || h === undefined) continue;
    for (const f of c.fields) {
      const show = (v: string | readonly string[]) => (typeof v === 'string' ? v : list(v));
      out.push(
        `| ${md(p.name)} | ${md(p.partNumber ?? '')} | ${f} | ${md(show(h[f]))} | ${md(show(p[f]))} | ${md(c.reason)} |`,
      );
    }
  }
  out.push(
    '',
    '## Names and part numbers of more than one product',
    '',
    "An import takes the product the customer's subscriptions (or subscribedSkus) hold; else the first listed here: a hand-verified product before the others, then the lowest skuId.",
    '',
    '| key | products (default first) |',
    '|---|---|',
  );
  for (const s of sharedKeys(catalog.products)) {
    out.push(
      `| ${s.kind} \`${md(s.key)}\` | ${s.products.map((p) => `${md(p.name)} (\`${md(p.partNumber ?? '')}\`, ${p.productId}${p.verified ? ', hand-verified' : ''})`).join('; ')} |`,
    );
  }
  for (const family of PRODUCT_FAMILIES) {
    const rows = listed.filter(({ d }) => d.family === family).sort((a, b) => byName(a.p, b.p));
    if (rows.length === 0) continue;
    out.push(
      '',
      `## ${FAMILY_NAMES[family]} (${rows.length})`,
      '',
      '| product | part number | core plans | workloads | service | decision |',
      '|---|---|---|---|---|---|',
    );
    for (const { p, d } of rows) {
      const plans = d.rule.corePlans.map((c) => `${c.plan} → ${c.workload}`).join(', ') || '—';
      out.push(
        `| ${md(p.name)} | ${md(p.partNumber ?? '')} | ${md(plans)} | ${list(p.workloads)} | ${p.service} | ${md(d.reason)} |`,
      );
    }
  }
  out.push('', `Workloads: ${WORKLOAD_CODES.map((w) => `${w} ${WORKLOAD_NAMES[w]}`).join(', ')}.`, '');
  return out.join('\n');
}
