/**
 * Who is signed in: GET /api/v1/me through the query cache. `useMe()` gives the principal (or null
 * when signed out); `can(right)` says whether the roles hold a right — the navigation shows only
 * what SPEC §5 allows (the API refuses the rest anyway).
 */
import { type Principal, principalSchema, type Right } from '@license-insights/contracts';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { ApiError, apiGet } from '../api/http';

export const ME_KEY = ['me'] as const;

export const meQuery = queryOptions({
  queryKey: ME_KEY,
  queryFn: async (): Promise<Principal | null> => {
    try {
      return await apiGet('/api/v1/me', principalSchema);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }
  },
  staleTime: 60_000,
});

export function useMe() {
  return useQuery(meQuery);
}

export function can(principal: Principal | null | undefined, right: Right): boolean {
  return principal?.rights.includes(right) ?? false;
}
