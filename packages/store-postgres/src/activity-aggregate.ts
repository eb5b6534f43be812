/**
 * Activity facts grouped as the store keeps them — one row per customer, user, workload and month
 * with a bit per day (SPEC §3's `activity` table) — built in JavaScript while a file is read, so a
 * PostgreSQL import never holds the file's records: an activity file of 10⁸ facts becomes some
 * 10⁷ groups in typed arrays (about 25 bytes a group plus the hash table).
 *
 * Groups live in columns (customer, user, workload, month, day mask, fact count) found again by an
 * open-addressing hash table of group numbers; users are numbered across customers, so a group's
 * key is three small integers. Sorted files (a user's days one after another, as exports write
 * them) mostly hit the group of the record before, which is checked first.
 */
import { canonicalDay } from '@license-insights/core/ingest/validate-records';

/**
 * A batch of groups in columns, as the merge loads them (`month`: months since January 1900).
 * `customer` indexes the batch's own `customerIds` (only the customers it holds: a batch is sent
 * to the database with them).
 */
export interface ActivityBatch {
  readonly customerIds: readonly string[];
  readonly customer: Int32Array;
  readonly user: readonly string[];
  readonly workloads: readonly string[];
  readonly workload: Int32Array;
  readonly month: Int32Array;
  readonly days: Int32Array;
  readonly n: Int32Array;
}

const FIRST_YEAR = 1900;
const INITIAL = 1 << 12;

interface CustomerSlot {
  readonly index: number;
  readonly users: Map<string, number>;
}

export class ActivityAggregate {
  private readonly customerSlots = new Map<string, CustomerSlot>();
  private readonly customerIds: string[] = [];
  /** Global user number → user id and customer number. */
  private readonly userIds: string[] = [];
  private userCustomer = new Int32Array(INITIAL);
  private readonly workloadIndex = new Map<string, number>();
  private readonly workloadNames: string[] = [];
  /** Date text → month × 32 + day (0: not a day of the canonical form). */
  private readonly dates = new Map<string, number>();

  private gUser = new Int32Array(INITIAL);
  /** Workload × 2¹⁴ + month (months since 1900: under 13 200). */
  private gKey = new Int32Array(INITIAL);
  private gDays = new Int32Array(INITIAL);
  private gN = new Int32Array(INITIAL);
  private size = 0;
  /** Group number + 1 per slot (0: empty); a power of two, at most 70 % full. */
  private table = new Int32Array(INITIAL * 2);

  /** The record before: its strings and group, checked first (sorted files hit it mostly). */
  private lastCustomer = '';
  private lastUserId = '';
  private lastUser = -1;
  private lastWorkload = '';
  private lastW = -1;
  private lastGroup = -1;

  /** Facts added (records, or the `n` of groups added whole). */
  records = 0;

  get groups(): number {
    return this.size;
  }

  /**
   * Adds a fact. `workload` is kept as written (the caller spells it canonically or checks it
   * later); false when `date` is not a day in YYYY-MM-DD from 1900 to 2999 (nothing is added).
   */
  add(customerId: string, userId: string, workload: string, date: string, n = 1): boolean {
    let md = this.dates.get(date);
    if (md === undefined) {
      md = canonicalDay(date) === null ? 0 : monthDay(date);
      this.dates.set(date, md);
    }
    if (md === 0) return false;
    const month = md >>> 5;
    const bit = 1 << ((md & 31) - 1);
    this.records += n;

    let user = this.lastUser;
    if (userId !== this.lastUserId || customerId !== this.lastCustomer || user < 0) {
      user = this.userOf(customerId, userId);
      this.lastCustomer = customerId;
      this.lastUserId = userId;
      this.lastUser = user;
      this.lastGroup = -1;
    }
    let w = this.lastW;
    if (workload !== this.lastWorkload || w < 0) {
      w = this.workloadOf(workload);
      this.lastWorkload = workload;
      this.lastW = w;
      this.lastGroup = -1;
    }
    const key = (w << 14) | month;
    let g = this.lastGroup;
    if (g < 0 || this.gKey[g] !== key) {
      g = this.groupOf(user, key);
      this.lastGroup = g;
    }
    this.gDays[g] = (this.gDays[g] as number) | bit;
    this.gN[g] = (this.gN[g] as number) + n;
    return true;
  }

  /** The groups in batches of at most `size`, in the order they were first seen. */
  *batches(size: number): Generator<ActivityBatch> {
    for (let from = 0; from < this.size; from += size) {
      const to = Math.min(this.size, from + size);
      const count = to - from;
      const customer = new Int32Array(count);
      const customerIds: string[] = [];
      const local = new Map<number, number>();
      const user: string[] = new Array(count);
      const workload = new Int32Array(count);
      const month = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const u = this.gUser[from + i] as number;
        const k = this.gKey[from + i] as number;
        const c = this.userCustomer[u] as number;
        let l = local.get(c);
        if (l === undefined) {
          l = customerIds.length;
          local.set(c, l);
          customerIds.push(this.customerIds[c] as string);
        }
        customer[i] = l;
        user[i] = this.userIds[u] as string;
        workload[i] = k >>> 14;
        month[i] = k & 0x3fff;
      }
      yield {
        customerIds,
        customer,
        user,
        workloads: this.workloadNames,
        workload,
        month,
        days: this.gDays.slice(from, to),
        n: this.gN.slice(from, to),
      };
    }
  }

  /** The customers named, in the order they were first seen. */
  customers(): readonly string[] {
    return this.customerIds;
  }

  private userOf(customerId: string, userId: string): number {
    let slot = this.customerSlots.get(customerId);
    if (slot === undefined) {
      slot = { index: this.customerIds.length, users: new Map() };
      this.customerSlots.set(customerId, slot);
      this.customerIds.push(customerId);
    }
    let u = slot.users.get(userId);
    if (u === undefined) {
      u = this.userIds.length;
      slot.users.set(userId, u);
      this.userIds.push(userId);
      if (u >= this.userCustomer.length) this.userCustomer = grow(this.userCustomer);
      this.userCustomer[u] = slot.index;
    }
    return u;
  }

  private workloadOf(workload: string): number {
    let w = this.workloadIndex.get(workload);
    if (w === undefined) {
      w = this.workloadNames.length;
      // 17 bits of the group key are left for it: far more spellings than any file has.
      if (w >= 1 << 17) throw new Error('too many workload spellings in one activity file');
      this.workloadIndex.set(workload, w);
      this.workloadNames.push(workload);
    }
    return w;
  }

  private groupOf(user: number, key: number): number {
    const mask = this.table.length - 1;
    let slot = hash(user, key) & mask;
    for (;;) {
      const at = this.table[slot] as number;
      if (at === 0) break;
      const g = at - 1;
      if (this.gUser[g] === user && this.gKey[g] === key) return g;
      slot = (slot + 1) & mask;
    }
    const g = this.size++;
    if (g >= this.gUser.length) {
      this.gUser = grow(this.gUser);
      this.gKey = grow(this.gKey);
      this.gDays = grow(this.gDays);
      this.gN = grow(this.gN);
    }
    this.gUser[g] = user;
    this.gKey[g] = key;
    this.table[slot] = g + 1;
    if (this.size * 10 > this.table.length * 7) this.rehash();
    return g;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let g = 0; g < this.size; g++) {
      let slot = hash(this.gUser[g] as number, this.gKey[g] as number) & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = g + 1;
    }
    this.table = table;
  }
}

/** Month (since January 1900) × 32 + day of a date already checked to be canonical. */
function monthDay(date: string): number {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  const d = Number(date.slice(8, 10));
  return (((y - FIRST_YEAR) * 12 + (m - 1)) << 5) | d;
}

/** The first day of a month counted from January 1900, as YYYY-MM-01. */
export function monthStart(month: number): string {
  const y = FIRST_YEAR + Math.floor(month / 12);
  const m = (month % 12) + 1;
  return `${y}-${m < 10 ? '0' : ''}${m}-01`;
}

function hash(user: number, key: number): number {
  let h = Math.imul(user, 0x9e3779b1) ^ Math.imul(key, 0x85ebca77);
  h ^= h >>> 15;
  return Math.imul(h, 0x2c1b3c6d) >>> 0;
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
