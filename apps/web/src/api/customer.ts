/**
 * One customer's reads for the customer and subscriptions pages, through the query cache: each
 * answer parsed by the contracts' schema. Keys start with ['customer', id] so a customer's answers
 * can be dropped together.
 */
import {
  type ChannelView,
  customerAnalyticsResponseSchema,
  customerRecordSchema,
  customerSubscriptionsResponseSchema,
  customerTrendResponseSchema,
  dataTrustReportSchema,
  type ExportFormat,
  type InactiveDays,
  inactiveUsersResponseSchema,
  isCalendarDate,
  type Locale,
  recommendationsResponseSchema,
  supportMetricsResponseSchema,
} from '@license-insights/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiGet, withQuery } from './http';

const base = (customerId: string) => `/api/v1/customers/${encodeURIComponent(customerId)}`;

/** The as-of day (absent: the last day with metrics) and the channel view of a customer's reads. */
export interface CustomerView {
  readonly day: string | null;
  readonly view: ChannelView;
}

/** The `view` and `day` of a customer page's query string (anything else: the defaults). */
export function customerViewOf(params: URLSearchParams): CustomerView {
  const day = params.get('day');
  return {
    view: params.get('view') === 'own' ? 'own' : 'all',
    day: day !== null && isCalendarDate(day) ? day : null,
  };
}

export const customerRecordQuery = (customerId: string) =>
  queryOptions({
    queryKey: ['customer', customerId, 'record'],
    queryFn: ({ signal }) => apiGet(base(customerId), customerRecordSchema, {}, signal),
  });

export function useCustomerRecord(customerId: string) {
  return useQuery(customerRecordQuery(customerId));
}

export const customerAnalyticsQuery = (customerId: string, v: CustomerView) =>
  queryOptions({
    queryKey: ['customer', customerId, 'analytics', v.day, v.view],
    queryFn: ({ signal }) =>
      apiGet(
        `${base(customerId)}/analytics`,
        customerAnalyticsResponseSchema,
        // Inactive users: the page shows them from /inactive-users (admin agents only).
        { day: v.day, view: v.view, inactive: 'skip' },
        signal,
      ),
  });

export function useCustomerAnalytics(customerId: string, v: CustomerView) {
  return useQuery({
    ...customerAnalyticsQuery(customerId, v),
    // Another day or view of the same customer keeps the page drawn while it loads (never another customer's).
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === customerId ? prev : undefined),
  });
}

/** The inactive users counted per product (28/60/90 days): the analytics answer with its counts. */
export function useCustomerInactiveCounts(customerId: string, v: CustomerView) {
  return useQuery({
    queryKey: ['customer', customerId, 'inactive-counts', v.day, v.view],
    queryFn: ({ signal }) =>
      apiGet(
        `${base(customerId)}/analytics`,
        customerAnalyticsResponseSchema,
        { day: v.day, view: v.view, inactive: 'count' },
        signal,
      ),
    select: (a) => a.inactive,
  });
}

/** Trend ranges offered (days ending on the as-of day). */
export const TREND_RANGES = [28, 90, 180, 365] as const;
export type TrendRange = (typeof TREND_RANGES)[number];

export function useCustomerTrend(customerId: string, v: CustomerView, days: TrendRange) {
  return useQuery({
    queryKey: ['customer', customerId, 'trend', v.day, v.view, days],
    queryFn: ({ signal }) =>
      apiGet(
        `${base(customerId)}/trend`,
        customerTrendResponseSchema,
        { to: v.day, view: v.view, days },
        signal,
      ),
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === customerId ? prev : undefined),
  });
}

export function useInactiveUsers(
  customerId: string,
  day: string | null,
  days: InactiveDays,
  enabled: boolean,
) {
  return useQuery({
    queryKey: ['customer', customerId, 'inactive-users', day, days],
    queryFn: ({ signal }) =>
      apiGet(`${base(customerId)}/inactive-users`, inactiveUsersResponseSchema, { day, days }, signal),
    enabled,
    placeholderData: (prev, prevQuery) => (prevQuery?.queryKey[1] === customerId ? prev : undefined),
  });
}

export function useCustomerRecommendations(customerId: string, v: CustomerView, lang: Locale) {
  return useQuery({
    queryKey: ['customer', customerId, 'recommendations', v.day, v.view, lang],
    queryFn: ({ signal }) =>
      apiGet(
        `${base(customerId)}/recommendations`,
        recommendationsResponseSchema,
        { day: v.day, view: v.view, lang },
        signal,
      ),
  });
}

export function useCustomerDataTrust(customerId: string) {
  return useQuery({
    queryKey: ['customer', customerId, 'data-trust'],
    queryFn: ({ signal }) => apiGet('/api/v1/data-trust', dataTrustReportSchema, { customerId }, signal),
  });
}

const supportResponseSchema = z.object({ rows: supportMetricsResponseSchema });

export function useCustomerSupport(customerId: string, day: string | null) {
  return useQuery({
    queryKey: ['customer', customerId, 'support', day],
    queryFn: ({ signal }) => apiGet('/api/v1/support', supportResponseSchema, { customerId, day }, signal),
  });
}

export function useCustomerSubscriptions(customerId: string, day: string | null) {
  return useQuery({
    queryKey: ['customer', customerId, 'subscriptions', day],
    queryFn: ({ signal }) =>
      apiGet(`${base(customerId)}/subscriptions`, customerSubscriptionsResponseSchema, { day }, signal),
  });
}

/** The export's address (an attachment: the browser downloads it and stays on the page). */
export function customerExportUrl(customerId: string, format: ExportFormat, v: CustomerView): string {
  return withQuery(`${base(customerId)}/export`, { format, day: v.day, view: v.view });
}
