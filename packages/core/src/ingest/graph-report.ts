/**
 * What a Microsoft Graph "Office 365 active user detail" report means for a customer's data, as
 * pure functions over its (validated) records: the engine-neutral definition of the report's
 * rules. A store applies them with generic writes; the embedded store applies the same rules in
 * SQL over the whole file at once (its fast path, store/duckdb/graph-active-users.ts), held to the
 * same result by test/graph-properties.test.ts.
 *
 * - users: user id = the lower-cased UPN; deleted on the Deleted Date, else the report date, when
 *   "Is Deleted" is true; two spellings of one UPN in a report are one user, the last row wins;
 * - activity: one fact per non-empty last-activity date (OneDrive counts as SharePoint: SPO);
 * - licenses: each product a user lists (Assigned Products, `+`-separated, names upper-cased) is
 *   held from its seed — the earliest license assign date among the product's workloads, or the
 *   report date when it is earlier or the product has no workload in the report (or is unknown);
 *   a product no longer listed closes the user's open interval on the report date;
 * - concealed names: UPNs of 32 hexadecimal characters (the tenant's report privacy setting);
 * - a report older than one already imported for the customer (stale) adds users it names first
 *   and activity, but moves no license and no flag (the newer report knows better).
 */
import {
  CONCEALED_UPN,
  GRAPH_ACTIVITY_COLUMNS,
  GRAPH_ASSIGN_COLUMNS,
  type WorkloadCode,
} from '@license-insights/contracts';
import type { StagedValue } from '../store/store';
import { lowerCase, trimSpaces } from './validate-records';

/** One user of a report, typed. */
export interface GraphUser {
  readonly refresh: string;
  readonly upn: string;
  readonly userId: string;
  readonly displayName: string | null;
  readonly deletedOn: string | null;
  /** Non-empty last-activity dates by workload (SPO: OneDrive and SharePoint). */
  readonly activity: readonly { readonly workload: WorkloadCode; readonly date: string }[];
  /** License assign dates by workload (SPO: OneDrive and SharePoint). */
  readonly assigned: readonly { readonly workload: WorkloadCode; readonly date: string }[];
  /** Product names as the report lists them, upper-cased and trimmed, once each. */
  readonly products: readonly string[];
}

/** A product a report name means for the customer (`known`: the catalog has it). */
export interface ReportProduct {
  readonly productId: string;
  readonly known: boolean;
  readonly workloads: readonly WorkloadCode[];
}

const nonEmpty = (v: StagedValue | undefined): string | null => (v === undefined || v === '' ? null : v);

/** The product names of an Assigned Products text: split on `+`, trimmed, upper-cased, once each. */
export function reportProductNames(text: string | null): string[] {
  if (text === null) return [];
  const out: string[] = [];
  for (const part of text.split('+')) {
    const name = trimSpaces(part).toUpperCase();
    if (name !== '' && !out.includes(name)) out.push(name);
  }
  return out;
}

/** A valid report record (values in the order of `columns`, the report's internal column names). */
export function graphUserOf(columns: readonly string[], values: readonly StagedValue[]): GraphUser {
  const at = new Map(columns.map((c, i) => [c, i]));
  const v = (name: string) => {
    const i = at.get(name);
    return i === undefined ? null : nonEmpty(values[i]);
  };
  const refresh = v('refresh_date') ?? '';
  const upn = v('upn') ?? '';
  const deleted = lowerCase(v('is_deleted') ?? '') === 'true';
  const dates = (cols: readonly { readonly name: string; readonly workload: WorkloadCode }[]) =>
    cols.flatMap((c) => {
      const date = v(c.name);
      return date === null ? [] : [{ workload: c.workload, date }];
    });
  return {
    refresh,
    upn,
    userId: lowerCase(upn),
    displayName: v('display_name'),
    deletedOn: deleted ? (v('deleted_date') ?? refresh) : null,
    activity: dates(GRAPH_ACTIVITY_COLUMNS),
    assigned: dates(GRAPH_ASSIGN_COLUMNS),
    products: reportProductNames(v('assigned_products')),
  };
}

/** One user per user id, the last row of the report winning (UPNs differing only in case). */
export function distinctUsers(users: readonly GraphUser[]): GraphUser[] {
  const last = new Map<string, GraphUser>();
  for (const u of users) {
    last.delete(u.userId);
    last.set(u.userId, u);
  }
  return users.length === last.size ? [...users] : [...last.values()];
}

/** A (user, product) pair a report lists, with the day its interval starts if it opens now. */
export interface ListedLicense {
  readonly userId: string;
  readonly productId: string;
  readonly seed: string;
  /** The user's report date (when an interval the report no longer lists closes). */
  readonly refresh: string;
}

/** What a report says, before it meets stored data. */
export interface GraphReportFacts {
  /** Distinct report dates, sorted; the last is the report's date. */
  readonly refreshDates: readonly string[];
  readonly users: readonly GraphUser[];
  /** Distinct activity facts. */
  readonly activity: readonly {
    readonly userId: string;
    readonly workload: WorkloadCode;
    readonly date: string;
  }[];
  /** One per (user, product): two names of one product keep the earlier seed. */
  readonly listed: readonly ListedLicense[];
  readonly concealed: number;
  /** Names no catalog product has, sorted (kept as products of their own, by name). */
  readonly unknownProducts: readonly string[];
}

const minDate = (a: string, b: string) => (b < a ? b : a);

/** The report's facts; `resolve` tells what a product name means for the customer. */
export function graphReportFacts(
  records: readonly GraphUser[],
  resolve: (name: string) => ReportProduct,
): GraphReportFacts {
  const users = distinctUsers(records);
  const resolved = new Map<string, ReportProduct>();
  const productOf = (name: string) => {
    let p = resolved.get(name);
    if (p === undefined) {
      p = resolve(name);
      resolved.set(name, p);
    }
    return p;
  };
  const activity: { userId: string; workload: WorkloadCode; date: string }[] = [];
  const listed: ListedLicense[] = [];
  let concealed = 0;
  const refreshes = new Set<string>();
  for (const u of users) {
    refreshes.add(u.refresh);
    if (CONCEALED_UPN.test(u.upn)) concealed++;
    const seen = new Set<string>();
    for (const a of u.activity) {
      const key = `${a.workload}\u0000${a.date}`;
      if (seen.has(key)) continue;
      seen.add(key);
      activity.push({ userId: u.userId, ...a });
    }
    const byProduct = new Map<string, { seed: string; name: string }>();
    for (const name of u.products) {
      const p = productOf(name);
      let seed = u.refresh;
      for (const a of u.assigned) if (p.workloads.includes(a.workload)) seed = minDate(seed, a.date);
      const before = byProduct.get(p.productId);
      if (before === undefined || seed < before.seed || (seed === before.seed && name < before.name))
        byProduct.set(p.productId, { seed, name });
    }
    for (const [productId, { seed }] of byProduct)
      listed.push({ userId: u.userId, productId, seed, refresh: u.refresh });
  }
  return {
    refreshDates: [...refreshes].sort(),
    users,
    activity,
    listed,
    concealed,
    unknownProducts: [...resolved.values()]
      .filter((p) => !p.known)
      .map((p) => p.productId)
      .sort(),
  };
}

/** Whether a report is older than the newest one imported for the customer (its last report date). */
export function isStaleReport(
  facts: Pick<GraphReportFacts, 'refreshDates'>,
  newestStored: string | null,
): boolean {
  const date = facts.refreshDates[facts.refreshDates.length - 1];
  return date !== undefined && newestStored !== null && date < newestStored;
}

/** A stored license interval of a user (`unassignedOn` null: still held). */
export interface LicenseInterval {
  readonly userId: string;
  readonly productId: string;
  readonly assignedOn: string;
  readonly unassignedOn: string | null;
}

export interface LicenseChanges {
  /** Intervals to open: a listed product the user holds no open interval of. */
  readonly open: readonly LicenseInterval[];
  /** Open intervals to close, and on which day. */
  readonly close: readonly { readonly interval: LicenseInterval; readonly on: string }[];
}

/**
 * How a (not stale) report moves the customer's license intervals. A listed product without an
 * open interval opens one at its seed, or where the last closed interval of it ended if that is
 * later; an open interval of a user in the report whose product the report no longer lists closes
 * on the report date, if it started before it. Users the report does not name keep theirs.
 */
export function licenseChanges(
  stored: readonly LicenseInterval[],
  listed: readonly ListedLicense[],
  reportUsers: ReadonlyMap<string, string>,
): LicenseChanges {
  const key = (userId: string, productId: string) => `${userId}\u0000${productId}`;
  const held = new Map<string, { open: boolean; lastEnd: string | null }>();
  for (const s of stored) {
    const k = key(s.userId, s.productId);
    const h = held.get(k) ?? { open: false, lastEnd: null };
    if (s.unassignedOn === null) h.open = true;
    else if (h.lastEnd === null || s.unassignedOn > h.lastEnd) h.lastEnd = s.unassignedOn;
    held.set(k, h);
  }
  const open: LicenseInterval[] = [];
  const listedKeys = new Set<string>();
  for (const l of listed) {
    const k = key(l.userId, l.productId);
    listedKeys.add(k);
    const h = held.get(k);
    if (h?.open === true) continue;
    const start = h?.lastEnd != null && h.lastEnd > l.seed ? h.lastEnd : l.seed;
    open.push({ userId: l.userId, productId: l.productId, assignedOn: start, unassignedOn: null });
  }
  const close: { interval: LicenseInterval; on: string }[] = [];
  for (const s of stored) {
    if (s.unassignedOn !== null) continue;
    const refresh = reportUsers.get(s.userId);
    if (refresh === undefined || s.assignedOn >= refresh || listedKeys.has(key(s.userId, s.productId)))
      continue;
    close.push({ interval: s, on: refresh });
  }
  return { open, close };
}
