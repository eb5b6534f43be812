/**
 * Schemas every route shares: the error body (as the OpenAPI document lists it for each route) and
 * the common failure responses.
 */
import { errorResponseSchema } from '@license-insights/contracts';
import { z } from 'zod';

/** The contracts' error body plus the hint worded for API users. */
export const apiErrorSchema = errorResponseSchema.extend({
  hintText: z.string().optional().describe('What would help, in the API’s words'),
});

/** Failure responses of a route that needs a caller (and may name a customer). */
export const FAILURES = {
  400: apiErrorSchema.describe('Invalid request: each field named with what was expected'),
  401: apiErrorSchema.describe('No valid credential'),
  403: apiErrorSchema.describe('The caller’s roles lack the right (SPEC §5)'),
  404: apiErrorSchema.describe(
    'No such resource for this caller (another partner’s, or outside the account’s scope)',
  ),
} as const;

/** A path parameter naming one of the partner's customers. */
export const customerParamsSchema = z.object({
  customerId: z.string().min(1).max(200).describe('The customer’s id (customerTenantId)'),
});
