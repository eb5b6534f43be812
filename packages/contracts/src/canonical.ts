/**
 * The canonical dataset (SPEC §3.1): one table per entity, with the type and allowed values of
 * every column. This table is the single source of truth for parsing, validation, the rejects
 * file and docs/data-formats.md; the store generates its validation SQL from it.
 */
import {
  BILLING_CYCLES,
  CHANNELS,
  SERVICE_CODES,
  SUBSCRIPTION_STATUSES,
  SUPPORT_CATEGORIES,
  SUSPENSION_REASONS,
  WORKLOAD_CODES,
} from './codes';

export const CANONICAL_ENTITIES = [
  'products',
  'customers',
  'users',
  'license_assignments',
  'subscriptions',
  'activity',
  'support_requests',
] as const;
export type CanonicalEntity = (typeof CANONICAL_ENTITIES)[number];

export type ColumnType =
  /** Identifier: non-empty, at most 256 characters, no surrounding spaces, no control characters. */
  | { readonly kind: 'id' }
  /** Free text, at most 1 000 characters. */
  | { readonly kind: 'text' }
  /** Calendar date `YYYY-MM-DD` with a real day (2026-02-30 is refused), years 1900–2999. */
  | { readonly kind: 'date' }
  /** `true` or `false` (any letter case). */
  | { readonly kind: 'bool' }
  /** Whole number in decimal digits, at least `min`. */
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  /** Decimal number with `.` as separator, at least 0. */
  | { readonly kind: 'decimal' }
  /** One of `values` (any letter case on input; stored as written here). */
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  /** `;`-separated list (a JSON array in NDJSON); items trimmed, empty items dropped; may be empty. */
  | {
      readonly kind: 'list';
      readonly item:
        | { readonly kind: 'text' }
        | { readonly kind: 'enum'; readonly values: readonly string[] };
    };

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly required: boolean;
  readonly description: string;
}

export interface EntitySpec {
  readonly entity: CanonicalEntity | 'graph_active_users';
  readonly columns: readonly ColumnSpec[];
  /** Natural key: at most one row per key in a file; a later import with the same key replaces it. */
  readonly key: readonly string[];
  readonly description: string;
}

const id = { kind: 'id' } as const;
const text = { kind: 'text' } as const;
const date = { kind: 'date' } as const;
const bool = { kind: 'bool' } as const;
const enumOf = (values: readonly string[]) => ({ kind: 'enum', values }) as const;
const workloadList = { kind: 'list', item: enumOf(WORKLOAD_CODES) } as const;
const textList = { kind: 'list', item: text } as const;

function col(name: string, type: ColumnType, required: boolean, description: string): ColumnSpec {
  return { name, type, required, description };
}

export const ENTITY_SPECS: Readonly<Record<CanonicalEntity, EntitySpec>> = {
  products: {
    entity: 'products',
    description:
      'Extends or overrides the shipped SKU catalog (a row with a catalog product_id replaces that product; its Graph report names stay).',
    key: ['product_id'],
    columns: [
      col('product_id', id, true, 'Microsoft skuId GUID for Microsoft SKUs, or any id of your own.'),
      col('name', text, true, 'Display name, e.g. "Office 365 E3".'),
      col('service', enumOf(SERVICE_CODES), true, 'Service the product belongs to.'),
      col('workloads', workloadList, true, 'Workloads the product includes (may be empty).'),
      col('part_number', text, false, 'Microsoft part number (skuPartNumber), e.g. ENTERPRISEPACK.'),
      col('report_names', textList, false, "Upper-case names used in Graph reports' Assigned Products."),
      col(
        'open_workloads',
        workloadList,
        false,
        'Workloads usable without this license (Yammer): a subset of workloads.',
      ),
      col('offer_ids', textList, false, 'Partner Center offer ids that sell this product.'),
      col('list_price', { kind: 'decimal' }, false, 'Price of one license per month.'),
      col('currency', text, false, 'ISO 4217 currency of list_price, e.g. USD.'),
    ],
  },
  customers: {
    entity: 'customers',
    description: "The partner's customer organisations (tenants).",
    key: ['customer_id'],
    columns: [
      col('customer_id', id, true, 'Your id for the customer; Microsoft tenant id (GUID) recommended.'),
      col('name', text, true, 'Customer organisation name.'),
      col('domain', text, false, 'Primary domain, e.g. contoso.com.'),
      col('country', text, false, 'Country code, e.g. PL.'),
      col('segment', text, false, 'Your segment label, e.g. SMB, Enterprise, Education.'),
      col('groups', textList, false, 'Groups or tags, e.g. "west;priority".'),
    ],
  },
  users: {
    entity: 'users',
    description: 'People in a customer organisation.',
    key: ['customer_id', 'user_id'],
    columns: [
      col('customer_id', id, true, 'A customer_id of customers.'),
      col('user_id', id, true, 'User id, unique within the customer (object id or UPN).'),
      col('upn', text, false, 'User principal name.'),
      col('display_name', text, false, 'Display name.'),
      col('deleted_on', date, false, 'Day the user was deleted; deleted from that day on.'),
    ],
  },
  license_assignments: {
    entity: 'license_assignments',
    description: 'Who holds which license when: held on day d when assigned_on ≤ d < unassigned_on.',
    key: ['customer_id', 'user_id', 'product_id', 'assigned_on'],
    columns: [
      col('customer_id', id, true, 'A customer_id of customers.'),
      col('user_id', id, true, 'A user_id of users for that customer.'),
      col('product_id', id, true, 'Product id (skuId), or a part number of the catalog.'),
      col('assigned_on', date, true, 'First day the license is held.'),
      col('unassigned_on', date, false, 'First day it is no longer held; empty while held.'),
    ],
  },
  subscriptions: {
    entity: 'subscriptions',
    description: "Dated snapshots: a row is the subscription's state from as_of until its next row.",
    key: ['customer_id', 'subscription_id', 'as_of'],
    columns: [
      col('as_of', date, true, 'First day this state holds.'),
      col('subscription_id', id, true, 'Subscription id.'),
      col('customer_id', id, true, 'A customer_id of customers.'),
      col('product_id', id, true, 'Product id (skuId), or a part number of the catalog.'),
      col('quantity', { kind: 'int', min: 0, max: 10_000_000 }, true, 'Number of licenses.'),
      col(
        'status',
        enumOf(SUBSCRIPTION_STATUSES),
        true,
        'State; only active, non-trial subscriptions are entitlements.',
      ),
      col('is_trial', bool, true, 'Trial subscription.'),
      col('channel', enumOf(CHANNELS), true, 'Who sold it: own (you), other_partner, direct (Microsoft).'),
      col('suspension_reason', enumOf(SUSPENSION_REASONS), false, 'Why it is suspended.'),
      col('billing_cycle', enumOf(BILLING_CYCLES), false, 'Billing cycle.'),
      col('term_end', date, false, 'Commitment end (renewal) date.'),
      col('auto_renew', bool, false, 'Renews automatically at term_end.'),
    ],
  },
  activity: {
    entity: 'activity',
    description: 'One row per user, workload and day the user was active (duplicates are merged).',
    key: ['customer_id', 'user_id', 'workload', 'date'],
    columns: [
      col('customer_id', id, true, 'A customer_id of customers.'),
      col('user_id', id, true, 'A user_id of users for that customer.'),
      col('workload', enumOf(WORKLOAD_CODES), true, 'Workload code; OneDrive activity is SPO.'),
      col('date', date, true, 'Day of the activity.'),
    ],
  },
  support_requests: {
    entity: 'support_requests',
    description: 'Support requests the partner handled for the customer.',
    key: ['customer_id', 'request_id'],
    columns: [
      col('customer_id', id, true, 'A customer_id of customers.'),
      col('request_id', id, true, 'Ticket id, unique within the customer.'),
      col('opened_on', date, true, 'Day the request was opened.'),
      col('category', enumOf(SUPPORT_CATEGORIES), true, 'how_to, problem or other.'),
      col('product_id', id, false, 'Product the request is about.'),
      col('workload', enumOf(WORKLOAD_CODES), false, 'Workload the request is about.'),
    ],
  },
};

/**
 * What a column expects, in words, for error messages and docs. `decimalComma`: the value is from
 * a `;`-separated CSV file, where decimals are written with a comma.
 */
export function describeColumnType(
  type: ColumnType,
  options: { readonly decimalComma?: boolean } = {},
): string {
  switch (type.kind) {
    case 'id':
      return 'a non-empty id without surrounding spaces (at most 256 characters)';
    case 'text':
      return 'text (at most 1000 characters)';
    case 'date':
      return 'a calendar date YYYY-MM-DD';
    case 'bool':
      return 'true or false';
    case 'int':
      return `a whole number from ${type.min} to ${type.max}, digits only`;
    case 'decimal':
      return options.decimalComma === true
        ? 'a decimal number ≥ 0 with , as decimal separator in a ;-separated file, e.g. 12,50'
        : 'a decimal number ≥ 0 with . as separator, e.g. 12.50';
    case 'enum':
      return `one of ${type.values.join(', ')}`;
    case 'list':
      return type.item.kind === 'enum'
        ? `a ;-separated list of ${type.item.values.join(', ')}`
        : 'a ;-separated list of text';
  }
}
