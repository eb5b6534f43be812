/**
 * The portfolio page's state in the URL (so a view can be bookmarked or shared): the filters every
 * view takes (day, view, service, group, product), the trend's range, the breakdown shown and the
 * customer table's search, band, sort and page. A value the contracts refuse is ignored (a mangled
 * link shows the default view instead of an error).
 */
import {
  BREAKDOWN_KEYS,
  CHANNEL_VIEWS,
  CUSTOMER_SORTS,
  type CustomerSort,
  daySchema,
  SERVICE_CODES,
  type TREND_DAYS,
  USAGE_BANDS,
} from '@license-insights/contracts';
import { useCallback, useMemo, useRef } from 'react';
import type { BreakdownKey, CustomerTableState, PortfolioFilters, TrendRange } from '../../api/portfolio';
import { useSearchState } from '../../app/search-state';

export const PAGE_SIZE = 50;

function oneOf<T extends string>(values: readonly T[], v: string | null): T | undefined {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
}

function dayOf(v: string | null): string | undefined {
  return v !== null && daySchema.safeParse(v).success ? v : undefined;
}

function text(v: string | null): string | undefined {
  const s = v?.trim();
  return s === undefined || s === '' ? undefined : s.slice(0, 200);
}

export type TrendChoice = `${(typeof TREND_DAYS)[number]}` | 'custom';

/** The page's state as its URL's query string says (anything unknown: the defaults). */
export function portfolioStateOf(params: URLSearchParams): {
  filters: PortfolioFilters;
  trendChoice: TrendChoice;
  trend: TrendRange;
  breakdown: BreakdownKey;
  table: CustomerTableState;
} {
  const get = (k: string) => params.get(k);
  const n = Number(get('page'));
  const range = get('range');
  const trendChoice: TrendChoice =
    range === 'custom' ? 'custom' : (oneOf(['28', '90', '180', '365'], range) ?? '90');
  return {
    filters: {
      day: dayOf(get('day')),
      view: oneOf(CHANNEL_VIEWS, get('view')) ?? 'all',
      service: oneOf(SERVICE_CODES, get('service')),
      group: text(get('group')),
      product: text(get('product')),
    },
    trendChoice,
    trend:
      trendChoice === 'custom'
        ? { kind: 'custom', from: dayOf(get('from')), to: dayOf(get('to')) }
        : { kind: 'days', days: Number(trendChoice) as 28 | 90 | 180 | 365 },
    breakdown: oneOf(BREAKDOWN_KEYS, get('by')) ?? 'product',
    table: {
      search: text(get('q')),
      band: oneOf(USAGE_BANDS, get('band')),
      sort: oneOf(CUSTOMER_SORTS, get('sort')) ?? ('name' satisfies CustomerSort),
      order: get('order') === 'desc' ? 'desc' : 'asc',
      page: Number.isInteger(n) && n >= 1 ? n : 1,
      pageSize: PAGE_SIZE,
    },
  };
}

export function usePortfolioState() {
  const { params, set } = useSearchState();
  const state = portfolioStateOf(params);
  // Each part is a new object only when its own parameters change, so the parts of the page that
  // a change leaves alone (the tiles and charts when the table is sorted) don't draw again.
  const f = state.filters;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the parts' own values decide
  const filters = useMemo(() => f, [f.day, f.view, f.service, f.group, f.product]);
  const tr = state.trend;
  const trendKey = tr.kind === 'days' ? String(tr.days) : `${tr.from}..${tr.to}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the range's own values decide
  const trend = useMemo(() => tr, [trendKey]);
  const tb = state.table;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the table's own values decide
  const table = useMemo(() => tb, [tb.search, tb.band, tb.sort, tb.order, tb.page]);
  // One function for the page's life (react-router's setter changes with the URL).
  const latest = useRef(set);
  latest.current = set;
  const stableSet = useCallback<typeof set>((changes, options) => latest.current(changes, options), []);
  return {
    filters,
    trendChoice: state.trendChoice,
    trend,
    breakdown: state.breakdown,
    table,
    set: stableSet,
  };
}

/** `?view=…&day=…` for links to a customer: the same channel and day there. */
export function carriedQuery(f: PortfolioFilters): string {
  const q = new URLSearchParams();
  if (f.view !== 'all') q.set('view', f.view);
  if (f.day !== undefined) q.set('day', f.day);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
