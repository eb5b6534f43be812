/**
 * The closed vocabularies of SPEC §2 and §3: workloads, services, subscription states, channels.
 * Pure and IO-free so it runs client-side and server-side from one source.
 */
import { z } from 'zod';

/** Workload codes (SPEC §2). OneDrive activity is counted as `SPO`, never separately. */
export const WORKLOAD_CODES = ['EXO', 'SPO', 'TEAMS', 'YAM', 'SFB', 'OFFICE', 'D365'] as const;
export const workloadCodeSchema = z.enum(WORKLOAD_CODES);
export type WorkloadCode = z.infer<typeof workloadCodeSchema>;

export const WORKLOAD_NAMES: Readonly<Record<WorkloadCode, string>> = {
  EXO: 'Exchange',
  SPO: 'SharePoint and OneDrive',
  TEAMS: 'Teams',
  YAM: 'Yammer / Viva Engage',
  SFB: 'Skype for Business',
  OFFICE: 'Microsoft 365 Apps',
  D365: 'Dynamics 365',
};

export const SERVICE_CODES = ['O365', 'D365', 'OTHER'] as const;
export const serviceCodeSchema = z.enum(SERVICE_CODES);
export type ServiceCode = z.infer<typeof serviceCodeSchema>;

export const SERVICE_NAMES: Readonly<Record<ServiceCode, string>> = {
  O365: 'Office 365 / Microsoft 365',
  D365: 'Dynamics 365',
  OTHER: 'Other',
};

/** Subscription states (SPEC §2). `expired` is the grace period; `deleted` is cancelled/deprovisioned. */
export const SUBSCRIPTION_STATUSES = [
  'active',
  'pending',
  'suspended',
  'expired',
  'disabled',
  'deleted',
] as const;
export const subscriptionStatusSchema = z.enum(SUBSCRIPTION_STATUSES);
export type SubscriptionStatus = z.infer<typeof subscriptionStatusSchema>;

export const SUSPENSION_REASONS = [
  'fraud',
  'nonpayment',
  'upgraded',
  'customer_cancellation',
  'other',
] as const;
export const suspensionReasonSchema = z.enum(SUSPENSION_REASONS);
export type SuspensionReason = z.infer<typeof suspensionReasonSchema>;

export const CHANNELS = ['own', 'other_partner', 'direct'] as const;
export const channelSchema = z.enum(CHANNELS);
export type Channel = z.infer<typeof channelSchema>;

export const BILLING_CYCLES = ['monthly', 'annual', 'triennial', 'none', 'one_time'] as const;
export const billingCycleSchema = z.enum(BILLING_CYCLES);
export type BillingCycle = z.infer<typeof billingCycleSchema>;

export const SUPPORT_CATEGORIES = ['how_to', 'problem', 'other'] as const;
export const supportCategorySchema = z.enum(SUPPORT_CATEGORIES);
export type SupportCategory = z.infer<typeof supportCategorySchema>;

/** Where a stored fact came from; data-trust signals are reported per source. */
export const DATA_SOURCES = [
  'canonical',
  'graph_active_users',
  'graph_subscribed_skus',
  'partner_center',
] as const;
export const dataSourceSchema = z.enum(DATA_SOURCES);
export type DataSource = z.infer<typeof dataSourceSchema>;

/** Calendar date `YYYY-MM-DD` (no time zone), the only date shape that crosses module boundaries. */
export const isoDateSchema = z.iso.date();
export type IsoDate = string;

/** Whether a text is a real calendar date `YYYY-MM-DD` of the years 1900–2999 (2026-02-30 is not). */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** A day of a request or a response: a calendar date `YYYY-MM-DD`, years 1900–2999. */
export const daySchema = z.string().refine(isCalendarDate, { error: 'must be a date YYYY-MM-DD' });
