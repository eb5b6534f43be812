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

export function usePortfolioState() {
  const { params, set } = useSearchState();
  const get = (k: string) => params.get(k);
  // Each part is a new object only when its own parameters change, so the parts of the page that
  // a change leaves alone (the tiles and charts when the table is sorted) don't draw again.
  const [day, view, service, group, product] = ['day', 'view', 'service', 'group', 'product'].map(get);
  const filters = useMemo<PortfolioFilters>(
    () => ({
      day: dayOf(day ?? null),
      view: oneOf(CHANNEL_VIEWS, view ?? null) ?? 'all',
      service: oneOf(SERVICE_CODES, service ?? null),
      group: text(group ?? null),
      product: text(product ?? null),
    }),
    [day, view, service, group, product],
  );
  const [range, from, to] = ['range', 'from', 'to'].map(get);
  const trendChoice: TrendChoice =
    range === 'custom' ? 'custom' : (oneOf(['28', '90', '180', '365'], range ?? null) ?? '90');
  const trend = useMemo<TrendRange>(
    () =>
      trendChoice === 'custom'
        ? { kind: 'custom', from: dayOf(from ?? null), to: dayOf(to ?? null) }
        : { kind: 'days', days: Number(trendChoice) as 28 | 90 | 180 | 365 },
    [trendChoice, from, to],
  );
  const breakdown: BreakdownKey = oneOf(BREAKDOWN_KEYS, get('by')) ?? 'product';
  const [q, band, sort, order, page] = ['q', 'band', 'sort', 'order', 'page'].map(get);
  const table = useMemo<CustomerTableState>(() => {
    const n = Number(page);
    return {
      search: text(q ?? null),
      band: oneOf(USAGE_BANDS, band ?? null),
      sort: oneOf(CUSTOMER_SORTS, sort ?? null) ?? ('name' satisfies CustomerSort),
      order: order === 'desc' ? 'desc' : 'asc',
      page: Number.isInteger(n) && n >= 1 ? n : 1,
      pageSize: PAGE_SIZE,
    };
  }, [q, band, sort, order, page]);
  // One function for the page's life (react-router's setter changes with the URL).
  const latest = useRef(set);
  latest.current = set;
  const stableSet = useCallback<typeof set>((changes, options) => latest.current(changes, options), []);
  return { filters, trendChoice, trend, breakdown, table, set: stableSet };
}

/** `?view=…&day=…` for links to a customer: the same channel and day there. */
export function carriedQuery(f: PortfolioFilters): string {
  const q = new URLSearchParams();
  if (f.view !== 'all') q.set('view', f.view);
  if (f.day !== undefined) q.set('day', f.day);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
