/** `insights catalog`: look a product up in the SKU catalog (shipped, with the partner's products over it). */
import {
  type CatalogEntry,
  type ListCatalogResponse,
  listCatalogRequestSchema,
  type ShowCatalogProductResponse,
  showCatalogProductRequestSchema,
} from '@license-insights/contracts';
import {
  AppError,
  type Insights,
  listCatalog,
  showCatalogProduct,
  storeExists,
} from '@license-insights/core';
import { type Command, type CommandContext, insightsFor } from '../command';
import { EXIT } from '../exit-codes';
import { countOf, paint, renderTable, type Terminal } from '../output';
import { requestFrom, stringOf } from '../request';
import { jsonOutput } from './report/shared';

export const catalogCommand: Command = {
  name: 'catalog',
  summary: 'look a product up in the SKU catalog: list and search, or show one',
  usage:
    'insights catalog list [--search TEXT] [--format table|json]\n       insights catalog show <skuId|part number|name> [--format table|json]',
  description: `The catalog every import resolves products with: Microsoft's products (skuId, part number,
display name, the names Graph reports write, service plans, the workloads the catalog gives them
and why), with your partner's own products over them (a products file: extensions, overrides,
and SKUs met in imports but unknown). Without a store in --data it shows the shipped catalog.
list --search keeps the products whose names, part number or skuId contain every word. show
takes a skuId, a part number or a name in any letter case; a part number or name several
products share shows each, the one imports take by default first.`,
  options: {
    search: { type: 'string', value: 'text', description: 'list: only products matching every word' },
    format: {
      type: 'string',
      value: 'table|json',
      description: 'output (default: table on a terminal, json when piped)',
    },
  },
  examples: [
    'insights catalog list --search "power automate"',
    'insights catalog show FLOW_FREE',
    'insights catalog show "Visio Plan 2"',
    'insights catalog show 05e9a617-0261-4cee-bb44-138d3ef5d965 --format json',
  ],
  async run(ctx, values, positionals) {
    const [action, ...args] = positionals;
    const json = jsonOutput(ctx, values.format);
    if (action !== 'list' && action !== 'show') {
      throw new AppError(
        'usage.invalid_argument',
        action === undefined
          ? 'say what to do: insights catalog list [--search TEXT], or insights catalog show <skuId|part number|name>'
          : `unknown action ${JSON.stringify(action)}: list or show (see insights catalog --help)`,
      );
    }
    if (action === 'list' && args.length > 0)
      throw new AppError(
        'usage.invalid_argument',
        `unexpected ${args.join(' ')}: to search, insights catalog list --search ${JSON.stringify(args.join(' '))}`,
      );
    if (action === 'show' && values.search !== undefined)
      throw new AppError(
        'usage.invalid_argument',
        '--search goes with list: insights catalog list --search TEXT',
      );
    const { insights, partnerId } = await openScope(ctx);
    try {
      if (action === 'list') {
        const req = requestFrom(
          listCatalogRequestSchema,
          { partnerId, search: values.search === undefined ? null : stringOf(values.search) },
          { search: '--search' },
        );
        const listing = await (insights === null ? listCatalog(null, req) : insights.listCatalog(req));
        if (json) ctx.term.out(`${JSON.stringify(listing, null, 2)}\n`);
        else ctx.term.out(renderListing(listing, ctx.term));
      } else {
        // A name with spaces may come quoted or not: `show Visio Plan 2` means "Visio Plan 2".
        const req = requestFrom(
          showCatalogProductRequestSchema,
          { partnerId, query: args.join(' ') },
          { query: 'the product' },
        );
        const lookup = await (insights === null
          ? showCatalogProduct(null, req)
          : insights.showCatalogProduct(req));
        if (json) ctx.term.out(`${JSON.stringify(lookup, null, 2)}\n`);
        else ctx.term.out(renderLookup(lookup, ctx.term));
      }
    } finally {
      await insights?.close();
    }
    if (partnerId === null)
      ctx.term.err(
        `note: no store in ${ctx.config().dataDir}: the shipped catalog only (your products appear once imported)\n`,
      );
    return EXIT.ok;
  },
};

/**
 * The store (or the server that holds it) and the partner when there is a store with data; else the
 * shipped catalog alone (null).
 */
async function openScope(
  ctx: CommandContext,
): Promise<{ insights: Insights | null; partnerId: string | null }> {
  const config = ctx.config();
  if (!(await storeExists(config))) return { insights: null, partnerId: null };
  const insights = await insightsFor(ctx, { create: false });
  try {
    const partners = await insights.partnerIds();
    if (partners.length === 0 && config.partnerId === undefined) return { insights, partnerId: null };
    const named = config.partnerId === undefined ? {} : { partnerId: config.partnerId };
    return { insights, partnerId: (await insights.resolvePartner({ ...named, purpose: 'read' })).partnerId };
  } catch (e) {
    await insights.close();
    throw e;
  }
}

function origin(e: CatalogEntry): string {
  if (e.origin === 'discovered') return 'unknown SKU';
  if (e.origin === 'custom') return e.replacesShipped ? 'yours (over shipped)' : 'yours';
  return e.verified ? 'shipped, hand-verified' : 'shipped';
}

/** A cell of at most 50 characters (a few Microsoft names run to 100; show gives them whole). */
const cut = (text: string) => ([...text].length > 50 ? `${[...text].slice(0, 49).join('')}…` : text);

const workloadsOf = (e: CatalogEntry) =>
  e.workloads.length === 0
    ? '—'
    : e.workloads.map((w) => (e.openWorkloads.includes(w) ? `${w}*` : w)).join(' ');

function renderListing(l: ListCatalogResponse, term: Terminal): string {
  const out: string[] = [];
  if (l.products.length > 0) {
    out.push(
      renderTable(
        [
          { title: 'product' },
          { title: 'part number' },
          { title: 'service' },
          { title: 'workloads' },
          { title: 'origin' },
          { title: 'skuId / product id' },
        ],
        l.products.map((e) => [
          cut(e.name),
          cut(e.partNumber ?? ''),
          e.service,
          workloadsOf(e),
          origin(e),
          e.productId,
        ]),
        term,
      ),
    );
  }
  const of = `the SKU catalog of ${l.sourceDate}${l.partnerId === null ? '' : ` with the products of partner ${l.partnerId}`}`;
  out.push(
    l.search === null
      ? `${countOf(l.products.length, 'product')} in ${of}; * open workload (Yammer). insights catalog show <product> tells more.\n`
      : l.products.length === 0
        ? `no product matches ${JSON.stringify(l.search)} in ${of}: try fewer or shorter words\n`
        : `${countOf(l.products.length, 'product')} ${l.products.length === 1 ? 'matches' : 'match'} ${JSON.stringify(l.search)} in ${of}; * open workload (Yammer)\n`,
  );
  return out.join(l.products.length > 0 ? '\n' : '');
}

/** Items joined by `separator` into lines of at most `width` characters, each after `indent`. */
function wrap(items: readonly string[], indent: string, width = 100, separator = ', '): string {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line !== '' && line.length + item.length + separator.length > width) {
      lines.push(`${line}${separator.trimEnd()}`);
      line = item;
    } else line = line === '' ? item : `${line}${separator}${item}`;
  }
  if (line !== '') lines.push(line);
  return lines.join(`\n${indent}`);
}

function renderLookup(l: ShowCatalogProductResponse, term: Terminal): string {
  const out: string[] = [];
  if (l.products.length > 1)
    out.push(
      `The ${l.matchedBy} ${JSON.stringify(l.query)} names ${l.products.length} products. An import takes the one the customer's subscriptions (or subscribedSkus) hold, else the first:\n\n`,
    );
  for (const [i, e] of l.products.entries()) {
    if (i > 0) out.push('\n');
    const field = (name: string, value: string) => `  ${paint(term, 'dim', name.padEnd(16))}  ${value}\n`;
    out.push(
      `${paint(term, 'bold', e.name)}${e.partNumber ? ` (${e.partNumber})` : ''}${l.products.length > 1 && i === 0 ? paint(term, 'green', '  ← default') : ''}\n`,
    );
    out.push(field('product id', e.productId));
    if (e.sourceName !== null) out.push(field("Microsoft's name", e.sourceName));
    out.push(field('origin', origin(e)));
    out.push(field('service', e.service));
    out.push(
      field(
        'workloads',
        e.workloads.length === 0
          ? '— (usage not measured)'
          : `${e.workloads.join(', ')}${e.openWorkloads.length > 0 ? ` (open: ${e.openWorkloads.join(', ')})` : ''}`,
      ),
    );
    out.push(field('why', wrap(e.workloadReason.split(' '), ' '.repeat(20), 100, ' ')));
    out.push(field('Graph names', wrap(e.reportNames, ' '.repeat(20))));
    if (e.offerIds.length > 0) out.push(field('offer ids', e.offerIds.join(', ')));
    if (e.listPrice !== null) out.push(field('list price', `${e.listPrice} ${e.currency ?? ''}`.trim()));
    out.push(
      field(
        `service plans`,
        e.servicePlans.length === 0
          ? '—'
          : `(${e.servicePlans.length}) ${wrap(
              e.servicePlans.map((p) => p.name),
              ' '.repeat(20),
            )}`,
      ),
    );
  }
  return out.join('');
}
