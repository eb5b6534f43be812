/** The audit log: one writer for every audited change (imports, settings, exclusions) and its reader. */
import { ident, type SqlFragment, sql } from '../sql';
import type { AuditEntry, AuditFilter, AuditRecord } from '../store';
import type { DuckDbClient } from './duckdb-client';

/** Appends an entry; inside the caller's transaction when one is open, so a change and its record commit together. */
export async function insertAudit(db: DuckDbClient, entry: AuditEntry): Promise<void> {
  await db.run(sql`INSERT INTO audit_log (partner_id, occurred_at, actor, action, outcome, details)
    VALUES (${entry.partnerId}, now()::TIMESTAMP, ${entry.actor}, ${entry.action}, ${entry.outcome}, ${JSON.stringify(entry.details)})`);
}

export async function queryAuditLog(
  db: DuckDbClient,
  partnerId: string,
  actions: readonly string[] | null,
  limit: number,
  customerIds?: readonly string[],
  filter?: AuditFilter,
): Promise<AuditRecord[]> {
  const ofActions = actions === null ? sql`true` : sql`list_contains(${[...actions]}, action)`;
  // A record is about a customer when its details name one (exclusions); others are the partner's.
  const ofCustomers =
    customerIds === undefined
      ? sql`true`
      : sql`(json_extract_string(details, '$.customerId') IS NULL
             OR list_contains(${[...customerIds]}, json_extract_string(details, '$.customerId')))`;
  return readAuditRecords(db, 'audit_log', partnerId, sql`${ofActions} AND ${ofCustomers}`, limit, filter);
}

/** An ISO instant as the TIMESTAMP (UTC, no zone) the audit tables keep. */
function utcTimestamp(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').replace(/Z$/, '');
}

/** The conditions of an {@link AuditFilter} (actor part, time range) as SQL. */
function auditFilterSql(f: AuditFilter | undefined): SqlFragment {
  const actor =
    f?.actor === undefined || f.actor === ''
      ? sql`true`
      : sql`contains(lower(actor), ${f.actor.toLowerCase()})`;
  const from = f?.from === undefined ? sql`true` : sql`occurred_at >= ${utcTimestamp(f.from)}::TIMESTAMP`;
  const to = f?.to === undefined ? sql`true` : sql`occurred_at < ${utcTimestamp(f.to)}::TIMESTAMP`;
  return sql`${actor} AND ${from} AND ${to}`;
}

/**
 * The newest records of an audit table (the data store's `audit_log`, the account store's
 * `account_audit`: the same columns) of a partner that pass `where` and `filter`, newest first.
 */
export async function readAuditRecords(
  db: DuckDbClient,
  table: 'audit_log' | 'account_audit',
  partnerId: string,
  where: SqlFragment,
  limit: number,
  filter?: AuditFilter,
): Promise<AuditRecord[]> {
  const rows = await db.all<{
    audit_id: number;
    occurred_at: string;
    actor: string;
    action: string;
    outcome: string;
    details: string;
  }>(sql`SELECT audit_id::INTEGER AS audit_id, strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') AS occurred_at,
                actor, action, outcome, details::VARCHAR AS details
         FROM ${ident(table)} WHERE partner_id = ${partnerId} AND ${where} AND ${auditFilterSql(filter)}
         ORDER BY audit_id DESC LIMIT ${limit}`);
  return rows.map((r) => ({
    auditId: r.audit_id,
    occurredAt: r.occurred_at,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    details: JSON.parse(r.details) as Record<string, unknown>,
  }));
}
