import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/http';

/** One cache for the whole app: answers stay fresh for a minute; 4xx answers are not retried. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 60_000,
      refetchOnWindowFocus: false,
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
    },
  },
});
