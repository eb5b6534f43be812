/**
 * The partner's playbook settings as use-cases serve them: show (the effective thresholds and who
 * last changed them), set one threshold, reset a rule or all, and the history of changes.
 */
import { z } from 'zod';
import { recommendationSettingsSchema, ruleIdSchema } from './recommendations';

export const showSettingsRequestSchema = z.object({ partnerId: z.string().min(1) });
export type ShowSettingsRequest = z.infer<typeof showSettingsRequestSchema>;

export const effectiveSettingsSchema = z.object({
  settings: recommendationSettingsSchema,
  /** Who last changed them and when; null while the defaults apply. */
  changed: z.object({ at: z.string(), by: z.string() }).nullable(),
});
export type EffectiveSettings = z.infer<typeof effectiveSettingsSchema>;

const settingValueSchema = z.union([z.boolean(), z.number()]);

export const setSettingRequestSchema = z.object({
  partnerId: z.string().min(1),
  actor: z.string().min(1),
  /** `RULE.field`, e.g. `LOW_ADOPTION.usageBelow`. */
  path: z.string().min(1),
  /** The new value, or its text as typed (`45`, `true`): checked against the setting's type and range. */
  value: z.union([z.string(), settingValueSchema]),
});
export type SetSettingRequest = z.infer<typeof setSettingRequestSchema>;

export const setSettingResponseSchema = z.object({ before: settingValueSchema, after: settingValueSchema });
export type SetSettingResponse = z.infer<typeof setSettingResponseSchema>;

export const resetSettingsRequestSchema = z.object({
  partnerId: z.string().min(1),
  actor: z.string().min(1),
  /** One rule; all rules when absent. */
  rule: ruleIdSchema.optional(),
});
export type ResetSettingsRequest = z.infer<typeof resetSettingsRequestSchema>;

/** The rules put back to their defaults. */
export const resetSettingsResponseSchema = z.object({ rules: z.array(ruleIdSchema).readonly() });
export type ResetSettingsResponse = z.infer<typeof resetSettingsResponseSchema>;

export const settingsLogRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Newest first, at most this many (default 100). */
  limit: z.number().int().positive().optional(),
});
export type SettingsLogRequest = z.infer<typeof settingsLogRequestSchema>;

/** A record of the audit log: who did what, when, with the details (before and after values…). */
export const auditRecordSchema = z.object({
  auditId: z.number(),
  occurredAt: z.string(),
  actor: z.string(),
  action: z.string(),
  outcome: z.string(),
  details: z.record(z.string(), z.unknown()).readonly(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const settingsLogResponseSchema = z.array(auditRecordSchema).readonly();
export type SettingsLogResponse = z.infer<typeof settingsLogResponseSchema>;
