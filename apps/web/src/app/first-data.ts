/**
 * The first page's data, asked for as soon as the app starts — beside the check of who is signed
 * in and the page's own chunk, not after them: a cold load waits for the slowest of the three, not
 * their sum. The queries are the ones the page asks for (the same keys), so it finds them answered
 * or under way. Signed out, they answer 401 and the app goes to sign-in as it would anyway.
 */
import type { QueryClient } from '@tanstack/react-query';
import { customerAnalyticsQuery, customerRecordQuery, customerViewOf } from '../api/customer';
import { customerTableQuery, portfolioSummaryQuery } from '../api/portfolio';
import { portfolioStateOf } from '../pages/portfolio/state';

export function prefetchFirstData(client: QueryClient, url: URL): void {
  if (url.pathname === '/insights' || url.pathname === '/insights/') {
    const state = portfolioStateOf(url.searchParams);
    void client.prefetchQuery(portfolioSummaryQuery(state.filters));
    void client.prefetchQuery(customerTableQuery(state.filters, state.table));
    return;
  }
  const id = /^\/customers\/([^/]+)\/?$/.exec(url.pathname)?.[1];
  if (id === undefined) return;
  const customerId = decodeURIComponent(id);
  void client.prefetchQuery(customerRecordQuery(customerId));
  void client.prefetchQuery(customerAnalyticsQuery(customerId, customerViewOf(url.searchParams)));
}
