/**
 * The partner's audit log as one list (SPEC §5: every import, export, settings change and account
 * change is audited). Two stores keep records — the data store (imports, computes, settings,
 * exclusions) and the account store (sign-ins, accounts, tokens, exports), apart so that a sign-in
 * never waits behind an import — and the log merges them newest first, each record saying where
 * it is kept.
 */
import { z } from 'zod';
import { auditRecordSchema } from './settings';

/** Where a record is kept: the data store or the account store. */
export const AUDIT_SOURCES = ['data', 'accounts'] as const;
export const auditSourceSchema = z.enum(AUDIT_SOURCES);
export type AuditSource = z.infer<typeof auditSourceSchema>;

/** Most records one request returns. */
export const MAX_AUDIT_RECORDS = 1000;

/** Most records a request may skip (paging deeper than this: narrow by time instead). */
export const MAX_AUDIT_OFFSET = 100_000;

export const auditLogRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Newest first, at most this many (default 100). */
  limit: z.number().int().min(1).max(MAX_AUDIT_RECORDS).optional(),
  /** Only records of these actions (`import`, `settings.change`, `exclusion.add`, `token.create`…). */
  actions: z.array(z.string().min(1)).readonly().optional(),
  /** Only records whose actor holds this text (case-insensitive). */
  actor: z.string().min(1).max(254).optional(),
  /** Only records from this instant on (ISO, inclusive). */
  from: z.string().optional(),
  /** Only records before this instant (ISO, exclusive). */
  to: z.string().optional(),
  /** Skip this many of the newest records that pass (paging; default 0). */
  offset: z.number().int().min(0).max(MAX_AUDIT_OFFSET).optional(),
  /**
   * Leave out records about customers not listed (a staff account's scope, by id): a record whose
   * details name a customer; records about the partner as a whole stay. Every record when absent.
   */
  customerIds: z.array(z.string()).readonly().optional(),
});
export type AuditLogRequest = z.infer<typeof auditLogRequestSchema>;

export const auditLogEntrySchema = auditRecordSchema.extend({ source: auditSourceSchema });
export type AuditLogEntry = z.infer<typeof auditLogEntrySchema>;

/** Newest first; records of the same second keep each store's own order. */
export const auditLogResponseSchema = z.array(auditLogEntrySchema).readonly();
export type AuditLogResponse = z.infer<typeof auditLogResponseSchema>;
