/**
 * Use-case: the partner's audit log as one list (SPEC §5). The data store keeps the records of
 * imports, computes, settings and exclusions; the account store those of sign-ins, accounts,
 * tokens and exports (a store of its own so a sign-in never waits behind an import). Both are read
 * newest first and merged, each record saying where it is kept.
 */
import type { AuditLogEntry, AuditLogRequest, AuditRecord } from '@license-insights/contracts';
import type { AccountStore } from '../accounts/account-store';
import type { AuditFilter, Store } from '../store/store';

/** Records returned when the request names no limit. */
export const DEFAULT_AUDIT_RECORDS = 100;

/**
 * The newest records of both stores that pass the request's filters, newest first, after skipping
 * `offset` of them (each store is read `offset + limit` deep, so the merge is exact). Times have
 * whole seconds: within one second a store's own order holds, and data records come before
 * account records.
 */
export async function getAuditLog(
  store: Store,
  accounts: AccountStore,
  req: AuditLogRequest,
): Promise<AuditLogEntry[]> {
  const limit = req.limit ?? DEFAULT_AUDIT_RECORDS;
  const offset = req.offset ?? 0;
  const actions = req.actions === undefined ? null : [...req.actions];
  const filter: AuditFilter = { actor: req.actor, from: req.from, to: req.to };
  const [data, account] = await Promise.all([
    store.auditLog(req.partnerId, actions, offset + limit, req.customerIds, filter),
    accounts.auditLog(req.partnerId, actions, offset + limit, filter),
  ]);
  const out: AuditLogEntry[] = [];
  let i = 0;
  let j = 0;
  const tag = (r: AuditRecord, source: AuditLogEntry['source']): AuditLogEntry => ({ ...r, source });
  while (out.length < offset + limit) {
    const a = data[i];
    const b = account[j];
    if (a === undefined && b === undefined) break;
    if (b === undefined || (a !== undefined && a.occurredAt >= b.occurredAt)) {
      if (a !== undefined) out.push(tag(a, 'data'));
      i++;
    } else {
      out.push(tag(b, 'accounts'));
      j++;
    }
  }
  return out.slice(offset);
}
