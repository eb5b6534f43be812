/**
 * The partner's playbook settings as use-cases serve them: show (the effective thresholds and who
 * last changed them), set one threshold, reset a rule or all, and the history of changes.
 */
import { z } from 'zod';
import {
  RULE_IDS,
  type RuleId,
  recommendationSettingsSchema,
  ruleIdSchema,
  storedRecommendationSettingsSchema,
} from './recommendations';

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

/** Several thresholds changed together: all or none (each change audited with its before and after). */
export const changeSettingsRequestSchema = z.object({
  partnerId: z.string().min(1),
  actor: z.string().min(1),
  changes: z
    .array(z.object({ path: z.string().min(1), value: z.union([z.string(), settingValueSchema]) }))
    .min(1, 'must change at least one setting')
    .readonly(),
});
export type ChangeSettingsRequest = z.infer<typeof changeSettingsRequestSchema>;

export const changeSettingsResponseSchema = z.object({
  /** Each change as made, in the order given. */
  changes: z
    .array(z.object({ path: z.string(), before: settingValueSchema, after: settingValueSchema }))
    .readonly(),
});
export type ChangeSettingsResponse = z.infer<typeof changeSettingsResponseSchema>;

const stored = storedRecommendationSettingsSchema.shape;

/**
 * A change of some thresholds as an object shaped like the settings (`{"LOW_ADOPTION":
 * {"usageBelow": 45}}`): each field's type is checked here, its range by the use-case (which names
 * the range and changes nothing when a value is outside it).
 */
export const settingsPatchSchema = z
  .object({
    LOW_ADOPTION: stored.LOW_ADOPTION.partial().optional(),
    HIGH_HOWTO_SUPPORT: stored.HIGH_HOWTO_SUPPORT.partial().optional(),
    UPSELL: stored.UPSELL.partial().optional(),
    DECLINING_USAGE: stored.DECLINING_USAGE.partial().optional(),
    RECLAIM_AT_RENEWAL: stored.RECLAIM_AT_RENEWAL.partial().optional(),
  })
  .strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/**
 * The changes a settings patch asks for (`RULE.field` = value), rules in the playbook's order and
 * fields in the settings' order (as parsed by `settingsPatchSchema`).
 */
export function settingsPatchChanges(
  patch: SettingsPatch,
): { readonly path: string; readonly value: boolean | number }[] {
  return RULE_IDS.flatMap((rule: RuleId) =>
    Object.entries((patch[rule] ?? {}) as Record<string, boolean | number | undefined>).flatMap(
      ([field, value]) => (value === undefined ? [] : [{ path: `${rule}.${field}`, value }]),
    ),
  );
}

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
  /**
   * Leave out changes of exclusions of customers not listed (a staff account's scope, by id);
   * every change when absent.
   */
  customerIds: z.array(z.string()).readonly().optional(),
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
