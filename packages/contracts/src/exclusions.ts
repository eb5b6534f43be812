/**
 * Exclusions: a customer × product (or `*`, every product) whose recommendation cards are
 * silenced, with a reason; the products stay in every report. Requests and results of list, add
 * and remove.
 */
import { z } from 'zod';

/** `*` as the product of an exclusion silences every card of the customer. */
export const ALL_PRODUCTS = '*';

/** An exclusion as stored: the customer by its id. */
export const exclusionSchema = z
  .object({
    customerId: z.string().min(1).max(200),
    productId: z.string().min(1).max(200),
    reason: z.string().trim().min(1, 'give a reason').max(500),
  })
  .strict();
export type ExclusionInput = z.infer<typeof exclusionSchema>;

export const exclusionRecordSchema = exclusionSchema.extend({
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Exclusion = z.infer<typeof exclusionRecordSchema>;

export const listExclusionsRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Only exclusions of these customers (a staff account's scope, by id); all when absent. */
  customerIds: z.array(z.string()).readonly().optional(),
});
export type ListExclusionsRequest = z.infer<typeof listExclusionsRequestSchema>;
export const listExclusionsResponseSchema = z.array(exclusionRecordSchema).readonly();
export type ListExclusionsResponse = z.infer<typeof listExclusionsResponseSchema>;

/**
 * An exclusion as the API lists it, with the names a person reads beside the ids: null for `*`
 * (every product), or for a customer or product the data no longer holds.
 */
export const namedExclusionSchema = exclusionRecordSchema.extend({
  customerName: z.string().nullable(),
  productName: z.string().nullable(),
});
export type NamedExclusion = z.infer<typeof namedExclusionSchema>;
export const namedExclusionsResponseSchema = z.array(namedExclusionSchema).readonly();

export const addExclusionRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Who adds it, for the audit log. */
  actor: z.string().min(1),
  /** The customer: its id, domain or name (stored under its id). */
  customer: z.string().trim().min(1, 'must name a customer: its id, domain or name'),
  /** A product id as in the reports, or `*` for every product. */
  product: z.string().trim().min(1, 'must name a product id as in the reports, or * for every product'),
  reason: z.string().trim().min(1, 'must say why, for the team to read later'),
});
export type AddExclusionRequest = z.infer<typeof addExclusionRequestSchema>;

export const addExclusionResponseSchema = z.object({
  exclusion: exclusionRecordSchema,
  /** The reason of the exclusion this one replaced (null: it is new). */
  previousReason: z.string().nullable(),
});
export type AddExclusionResponse = z.infer<typeof addExclusionResponseSchema>;

export const removeExclusionRequestSchema = addExclusionRequestSchema.omit({ reason: true });
export type RemoveExclusionRequest = z.infer<typeof removeExclusionRequestSchema>;

/** The exclusion removed, the customer by its id. */
export const removeExclusionResponseSchema = z.object({
  customerId: z.string(),
  productId: z.string(),
});
export type RemoveExclusionResponse = z.infer<typeof removeExclusionResponseSchema>;
