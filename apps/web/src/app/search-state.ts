/**
 * Page state that lives in the URL (filters, channel, day, sort, page), so a view can be shared or
 * bookmarked: `useSearchState()` reads the query string and `set({...})` changes some parameters
 * (null or '' removes one), keeping the others.
 */
import { useCallback } from 'react';
import { useSearchParams } from 'react-router';

export function useSearchState(): {
  get: (name: string) => string | null;
  set: (changes: Readonly<Record<string, string | number | null>>, options?: { replace?: boolean }) => void;
  params: URLSearchParams;
} {
  const [params, setParams] = useSearchParams();
  const get = useCallback((name: string) => params.get(name), [params]);
  const set = useCallback(
    (changes: Readonly<Record<string, string | number | null>>, options: { replace?: boolean } = {}) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === null || v === '') next.delete(k);
            else next.set(k, String(v));
          }
          return next;
        },
        { replace: options.replace ?? false },
      );
    },
    [setParams],
  );
  return { get, set, params };
}
