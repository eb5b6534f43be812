/**
 * Data trust across the customers a caller sees (SPEC §4 "Data trust"): how old each customer's
 * data is, which customers' Graph reports conceal user names, unknown SKUs met in their data, and
 * which kinds of data are missing. Request and response; browser-safe.
 */
import { z } from 'zod';
import { daySchema } from './codes';
import { dataTrustSchema } from './reports';

export const dataTrustRequestSchema = z.object({
  partnerId: z.string().min(1),
  /** Only these customers (a staff account's scope, by id); every customer when absent. */
  customerIds: z.array(z.string()).readonly().optional(),
  /**
   * Only this customer (an id among those seen) in the lists; `newestDay` and its `daysBehind`
   * stay those of every customer seen, so its data's age reads against the rest of the portfolio.
   */
  customerId: z.string().min(1).optional(),
});
export type DataTrustRequest = z.infer<typeof dataTrustRequestSchema>;

/** The kinds of data a customer may lack (then its usage, licenses sold or deployment is unknown). */
export const MISSING_DATA_KINDS = ['activity', 'subscriptions', 'license_assignments'] as const;

export const customerDataTrustSchema = dataTrustSchema.extend({
  name: z.string(),
  /** The newest day any source speaks of for this customer (null: no data). */
  lastDataDay: daySchema.nullable(),
  /** The newest day of usage (activity) data (null: none). */
  lastActivityDay: daySchema.nullable(),
  /** Days the customer's newest data lags the newest data of all customers shown (null: no data). */
  daysBehind: z.number().nullable(),
});
export type CustomerDataTrust = z.infer<typeof customerDataTrustSchema>;

export const dataTrustReportSchema = z.object({
  /** The newest day of data among the customers shown (null: none has data). */
  newestDay: daySchema.nullable(),
  /** Every customer shown, by id. */
  customers: z.array(customerDataTrustSchema).readonly(),
  /** Customers whose Graph reports conceal user names (the per-user drill-down shows hashes). */
  concealedNames: z
    .array(z.object({ customerId: z.string(), name: z.string(), detail: z.string() }))
    .readonly(),
  /** SKUs no catalog knows, met in these customers' subscriptions or assignments (kept by id). */
  unknownProducts: z
    .array(z.object({ productId: z.string(), name: z.string(), customers: z.array(z.string()).readonly() }))
    .readonly(),
  /** Customers lacking each kind of data. */
  missing: z.object({
    activity: z.number(),
    subscriptions: z.number(),
    license_assignments: z.number(),
  }),
});
export type DataTrustReport = z.infer<typeof dataTrustReportSchema>;
