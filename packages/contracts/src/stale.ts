/**
 * The stale-metrics signal: imports mark the customers whose data they change, and may add days
 * past the last computed one; until the metrics are computed again, every report and the
 * recommendations carry what is out of date, so no adapter shows old numbers silently.
 */
import { z } from 'zod';
import { daySchema } from './codes';

export const staleMetricsSchema = z.object({
  /** Customers (ids, sorted) whose data changed, on or before the day reported, since the metrics were computed. */
  customers: z.array(z.string()).readonly(),
  /** First changed day among them (null: no customer's metrics of the day are out of date). */
  fromDay: daySchema.nullable(),
  /** Days the data now covers past the last computed day (null: none). */
  uncomputed: z.object({ firstDay: daySchema, lastDay: daySchema }).nullable(),
});
export type StaleMetrics = z.infer<typeof staleMetricsSchema>;
