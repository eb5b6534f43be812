/**
 * What a user can do about an error or a problem, as data: the core says *what* would help (compute
 * the metrics, name a partner, create the customer…) and each adapter words it for its users — the
 * CLI names its commands and options, the API its routes and fields. Core messages talk about the
 * data only; advice that names a command, an option or a route lives here.
 */
import { z } from 'zod';
import { ruleIdSchema } from './recommendations';

export const errorHintSchema = z.discriminatedUnion('kind', [
  /** The daily metrics are missing or behind the data: compute them. */
  z.object({ kind: z.literal('compute_metrics') }),
  /** The store holds no data yet: import some, or load the demo. */
  z.object({ kind: z.literal('import_data') }),
  /** The store holds several partners and none was named: name one. */
  z.object({ kind: z.literal('choose_partner') }),
  /**
   * The store holds only the demo partner, whose data a demo import replaces: files of one's own
   * need their own partner (or name the demo partner to add them to it).
   */
  z.object({ kind: z.literal('name_import_partner'), demoPartnerId: z.string() }),
  /** The customer named on import is unknown: create it with this name (an example when null). */
  z.object({ kind: z.literal('create_customer'), name: z.string().nullable() }),
  /** The customer to create exists already: name it as stored (by this id, or by the one meant). */
  z.object({ kind: z.literal('use_customer'), customerId: z.string().nullable() }),
  /** A customer was named for exports, but none of the files is one: leave that request field out. */
  z.object({ kind: z.literal('omit_customer'), field: z.enum(['customer', 'createCustomer']) }),
  /** A Graph or Partner Center export does not say its customer: name it on import. */
  z.object({ kind: z.literal('name_customer') }),
  /** A Graph report's period was assumed: name it on import. */
  z.object({ kind: z.literal('name_report_period') }),
  /** What a JSON file holds cannot be told: name its format on import. */
  z.object({ kind: z.literal('name_format') }),
  /** No product has that exact id, part number or name: search the catalog for these words. */
  z.object({ kind: z.literal('search_catalog'), words: z.string() }),
  /** The stored settings are unreadable: reset them (one rule, or all when null). */
  z.object({ kind: z.literal('reset_settings'), rule: ruleIdSchema.nullable() }),
  /** A stored threshold is out of range: set a new value (the default shown) or reset the rule. */
  /** A sign-in link expired, was used, or was voided: a user management admin issues a new one. */
  z.object({ kind: z.literal('new_sign_in_link') }),
  z.object({
    kind: z.literal('fix_setting'),
    rule: ruleIdSchema,
    field: z.string(),
    defaultValue: z.union([z.number(), z.boolean()]).nullable(),
  }),
]);
export type ErrorHint = z.infer<typeof errorHintSchema>;
export type ErrorHintKind = ErrorHint['kind'];
