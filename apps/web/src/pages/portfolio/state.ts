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
import { useMemo } from 'react';
import type { BreakdownKey, CustomerTableState, PortfolioFilters, TrendRange } from '../../api/portfolio';
import { useSearchState } from '../../app/search-state';

export const PAGE_SIZE = 50;

function oneOf<T extends string>(values: readonly T[], v: string | null): T | undefined {
  return v !== null && (values as readonly string[]).includes(v) ? (v as T) : undefined;
}

function day(v: string | null): string | undefined {
  return v !== null && daySchema.safeParse(v).success ? v : undefined;
}

function text(v: string | null): string | undefined {
  const s = v?.trim();
  return s === undefined || s === '' ? undefined : s.slice(0, 200);
}

export type TrendChoice = `${(typeof TREND_DAYS)[number]}` | 'custom';

export function usePortfolioState() {
  const { params, set } = useSearchState();
  return useMemo(() => {
    const get = (k: string) => params.get(k);
    const filters: PortfolioFilters = {
      day: day(get('day')),
      view: oneOf(CHANNEL_VIEWS, get('view')) ?? 'all',
      service: oneOf(SERVICE_CODES, get('service')),
      group: text(get('group')),
      product: text(get('product')),
    };
    const trendChoice: TrendChoice =
      get('range') === 'custom' ? 'custom' : (oneOf(['28', '90', '180', '365'], get('range')) ?? '90');
    const trend: TrendRange =
      trendChoice === 'custom'
        ? { kind: 'custom', from: day(get('from')), to: day(get('to')) }
        : { kind: 'days', days: Number(trendChoice) as 28 | 90 | 180 | 365 };
    const breakdown: BreakdownKey = oneOf(BREAKDOWN_KEYS, get('by')) ?? 'product';
    const sort: CustomerSort = oneOf(CUSTOMER_SORTS, get('sort')) ?? 'name';
    const page = Number(get('page'));
    const table: CustomerTableState = {
      search: text(get('q')),
      band: oneOf(USAGE_BANDS, get('band')),
      sort,
      order: get('order') === 'desc' ? 'desc' : 'asc',
      page: Number.isInteger(page) && page >= 1 ? page : 1,
      pageSize: PAGE_SIZE,
    };
    return { filters, trendChoice, trend, breakdown, table, set };
  }, [params, set]);
}

/** `?view=…&day=…` for links to a customer: the same channel and day there. */
export function carriedQuery(f: PortfolioFilters): string {
  const q = new URLSearchParams();
  if (f.view !== 'all') q.set('view', f.view);
  if (f.day !== undefined) q.set('day', f.day);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
}
