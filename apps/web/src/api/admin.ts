/**
 * The admin pages' calls: partner staff (manage_staff), the caller's API tokens, the audit log
 * (read_audit), and the customer look-ups the staff form's scope picker needs. Answers are parsed
 * by the contracts' schemas; writes go through `apiSend` (CSRF) and refresh the lists they change.
 */
import {
  type AddStaffAccountRequest,
  apiTokenListSchema,
  auditLogResponseSchema,
  type CreateApiTokenRequest,
  createdApiTokenSchema,
  customerGroupsResponseSchema,
  customerRecordSchema,
  customerTableSchema,
  signInLinkSchema,
  staffAccountListSchema,
  staffAccountSchema,
  type UpdateStaffAccountRequest,
} from '@license-insights/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { ApiError, apiGet, apiSend } from './http';

const STAFF_KEY = ['admin', 'staff'] as const;
const TOKENS_KEY = ['admin', 'tokens'] as const;
const AUDIT_KEY = ['admin', 'audit'] as const;

export function useStaff() {
  return useQuery({
    queryKey: STAFF_KEY,
    queryFn: ({ signal }) => apiGet('/api/v1/staff', staffAccountListSchema, {}, signal),
  });
}

export function useGroups() {
  return useQuery({
    queryKey: ['admin', 'groups'],
    queryFn: ({ signal }) => apiGet('/api/v1/groups', customerGroupsResponseSchema, {}, signal),
    staleTime: 5 * 60_000,
  });
}

/** Customers whose name, id or domain holds `search` (the first 20, by name), for the scope picker. */
export function useCustomerSearch(search: string, enabled: boolean) {
  return useQuery({
    queryKey: ['admin', 'customer-search', search],
    queryFn: ({ signal }) =>
      apiGet('/api/v1/customers', customerTableSchema, { search, pageSize: 20, sort: 'name' }, signal),
    enabled,
    placeholderData: keepPreviousData,
    staleTime: 5 * 60_000,
  });
}

/** One customer's record (its name for a scope that lists it by id). */
export function useCustomer(customerId: string) {
  return useQuery({
    queryKey: ['admin', 'customer', customerId],
    queryFn: ({ signal }) =>
      apiGet(`/api/v1/customers/${encodeURIComponent(customerId)}`, customerRecordSchema, {}, signal),
    staleTime: 10 * 60_000,
  });
}

export function useAddStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: AddStaffAccountRequest) => apiSend('POST', '/api/v1/staff', staffAccountSchema, req),
    onSuccess: () => qc.invalidateQueries({ queryKey: STAFF_KEY }),
  });
}

export function useUpdateStaff() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ accountId, change }: { accountId: string; change: UpdateStaffAccountRequest }) =>
      apiSend('PATCH', `/api/v1/staff/${encodeURIComponent(accountId)}`, staffAccountSchema, change),
    onSuccess: () => qc.invalidateQueries({ queryKey: STAFF_KEY }),
  });
}

export function useSignInLink() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (accountId: string) =>
      apiSend('POST', `/api/v1/staff/${encodeURIComponent(accountId)}/sign-in-link`, signInLinkSchema),
    // The audit log gains a record.
    onSuccess: () => qc.invalidateQueries({ queryKey: AUDIT_KEY }),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: TOKENS_KEY,
    queryFn: ({ signal }) => apiGet('/api/v1/tokens', apiTokenListSchema, {}, signal),
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (req: CreateApiTokenRequest) => apiSend('POST', '/api/v1/tokens', createdApiTokenSchema, req),
    onSuccess: () => qc.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (tokenId: string) =>
      apiSend('DELETE', `/api/v1/tokens/${encodeURIComponent(tokenId)}`, z.unknown()),
    onSuccess: () => qc.invalidateQueries({ queryKey: TOKENS_KEY }),
  });
}

export type AuditFilters = {
  readonly action: string | null;
  readonly actor: string | null;
  readonly from: string | null;
  readonly to: string | null;
};

/**
 * A page of the audit log: `pageSize` records after skipping `offset`. One record more is asked
 * for, so the page knows whether a next one exists (the log has no total).
 */
export function useAuditLog(filters: AuditFilters, offset: number, pageSize: number) {
  return useQuery({
    queryKey: [...AUDIT_KEY, filters, offset, pageSize],
    queryFn: async ({ signal }) => {
      const rows = await apiGet(
        '/api/v1/audit',
        auditLogResponseSchema,
        { ...filters, offset, limit: pageSize + 1 },
        signal,
      );
      return { rows: rows.slice(0, pageSize), hasMore: rows.length > pageSize };
    },
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}

/**
 * The API's validation problems by field (`email`, `roles`, `scope.groups`…), the first message of
 * each: a form shows them at its fields. Empty for any other failure.
 */
export function fieldProblems(error: unknown): Readonly<Record<string, string>> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const p of error.body.problems ?? []) {
    if (p.field !== undefined && out[p.field] === undefined) out[p.field] = p.message;
  }
  return out;
}
