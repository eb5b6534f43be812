/**
 * The portfolio views of the API (summary, trend, breakdowns, the customer table, groups, export
 * links) as TanStack queries. Answers are parsed by the contracts' schemas; the page only formats.
 */
import {
  type ChannelView,
  type CustomerSort,
  customerGroupsResponseSchema,
  customerTableSchema,
  type ExportFormat,
  type PortfolioBreakdownRequest,
  portfolioBreakdownSchema,
  portfolioSummarySchema,
  portfolioTrendSchema,
  type ServiceCode,
  statusResponseSchema,
  type UsageBand,
} from '@license-insights/contracts';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { apiGet, withQuery } from './http';

export type BreakdownKey = PortfolioBreakdownRequest['by'];

/** The filters of the page that every portfolio view takes (absent: not filtered). */
export interface PortfolioFilters {
  readonly day: string | undefined;
  readonly view: ChannelView;
  readonly service: ServiceCode | undefined;
  readonly group: string | undefined;
  readonly product: string | undefined;
}

/** The query string of the filters: the default view (all) and absent filters are left out. */
function filterQuery(f: PortfolioFilters) {
  return {
    day: f.day,
    view: f.view === 'all' ? undefined : f.view,
    service: f.service,
    group: f.group,
    product: f.product,
  };
}

export const portfolioSummaryQuery = (f: PortfolioFilters) => {
  const query = filterQuery(f);
  return queryOptions({
    queryKey: ['portfolio', 'summary', query],
    queryFn: ({ signal }) => apiGet('/api/v1/portfolio/summary', portfolioSummarySchema, query, signal),
  });
};

export function usePortfolioSummary(f: PortfolioFilters) {
  return useQuery({ ...portfolioSummaryQuery(f), placeholderData: keepPreviousData });
}

/** A trend range: days back from the as-of day, or from/to (to: the as-of day when absent). */
export type TrendRange =
  | { readonly kind: 'days'; readonly days: 28 | 90 | 180 | 365 }
  | { readonly kind: 'custom'; readonly from: string | undefined; readonly to: string | undefined };

export function usePortfolioTrend(f: PortfolioFilters, range: TrendRange, enabled = true) {
  const base = filterQuery(f);
  // `to` and `day` both name the last day: a custom range with a `to` replaces the as-of day.
  const query =
    range.kind === 'days'
      ? { ...base, days: range.days }
      : range.to === undefined
        ? { ...base, from: range.from }
        : { ...base, day: undefined, from: range.from, to: range.to };
  return useQuery({
    queryKey: ['portfolio', 'trend', query],
    queryFn: ({ signal }) => apiGet('/api/v1/portfolio/trend', portfolioTrendSchema, query, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function usePortfolioBreakdown(f: PortfolioFilters, by: BreakdownKey, enabled = true) {
  const query = { ...filterQuery(f), by };
  return useQuery({
    queryKey: ['portfolio', 'breakdown', query],
    queryFn: ({ signal }) => apiGet('/api/v1/portfolio/breakdown', portfolioBreakdownSchema, query, signal),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export interface CustomerTableState {
  readonly search: string | undefined;
  readonly band: UsageBand | undefined;
  readonly sort: CustomerSort;
  readonly order: 'asc' | 'desc';
  readonly page: number;
  readonly pageSize: number;
}

export const customerTableQuery = (f: PortfolioFilters, t: CustomerTableState) => {
  const query = {
    ...filterQuery(f),
    search: t.search,
    band: t.band,
    sort: t.sort === 'name' ? undefined : t.sort,
    order: t.order === 'asc' ? undefined : t.order,
    page: t.page === 1 ? undefined : t.page,
    pageSize: t.pageSize,
  };
  return queryOptions({
    queryKey: ['customers', 'table', query],
    queryFn: ({ signal }) => apiGet('/api/v1/customers', customerTableSchema, query, signal),
  });
};

export function useCustomerTable(f: PortfolioFilters, t: CustomerTableState) {
  // The previous page stays on screen while the next one loads: paging and sorting don't flash.
  return useQuery({ ...customerTableQuery(f, t), placeholderData: keepPreviousData });
}

export function useCustomerGroups() {
  return useQuery({
    queryKey: ['groups'],
    queryFn: ({ signal }) => apiGet('/api/v1/groups', customerGroupsResponseSchema, {}, signal),
    staleTime: 5 * 60_000,
  });
}

/** What is stored: here, the first and last day with metrics (the date picker's range). */
export function useStatus(enabled: boolean) {
  return useQuery({
    queryKey: ['status'],
    queryFn: ({ signal }) => apiGet('/api/v1/status', statusResponseSchema, {}, signal),
    staleTime: 5 * 60_000,
    enabled,
  });
}

/** The portfolio export of a day and view (a download link; the server names the file). */
export function exportUrl(format: ExportFormat, day: string | undefined, view: ChannelView): string {
  return withQuery('/api/v1/exports/metrics', { format, day, view: view === 'all' ? undefined : view });
}
