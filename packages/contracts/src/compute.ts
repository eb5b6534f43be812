/** Bringing a partner's daily metrics up to date: the compute request and its report. */
import { z } from 'zod';
import { daySchema } from './codes';

export const computeRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Recompute every customer and day (default: only what imports changed). */
  full: z.boolean().optional(),
  /** Customers per batch (memory bound). */
  batchSize: z.number().int().positive().optional(),
});
export type ComputeRequest = z.infer<typeof computeRequestSchema>;

export const COMPUTE_MODES = ['full', 'incremental', 'up_to_date', 'no_activity'] as const;

export const computeReportSchema = z.object({
  mode: z.enum(COMPUTE_MODES),
  customers: z.number(),
  firstDay: daySchema.nullable(),
  lastDay: daySchema.nullable(),
  /** First day recomputed. */
  fromDay: daySchema.nullable(),
  rows: z.number(),
  seconds: z.number(),
  /** Where the time went: reading the data, the engine, writing the metrics (seconds). */
  phases: z.object({ load: z.number(), engine: z.number(), write: z.number() }),
});
export type ComputeReport = z.infer<typeof computeReportSchema>;
