/**
 * The metric engine at scale: the same series as engine.ts (the interval engine, kept as a second
 * oracle), computed with day bitsets in typed arrays. Per customer, every user gets one bitset per
 * workload (activity) and per product (holding, deletion applied), over the days of the range plus
 * the 27 days before it. Then, per user and row:
 *   licensed = activity_w & holding_p            (ALL: OR over the product's workloads)
 *   active   = dilate₂₈(licensed)                (active on D ⇔ a licensed fact in D−27…D)
 *   rotation = active & ¬holding_p
 * and runs of set bits go into difference arrays, so a user costs a few word operations per row
 * instead of work per day. Open workloads (Yammer) use the same bits for the unlicensed users.
 * Pure and IO-free.
 */
import { WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import type { EngineOutput, EngineSnapshot, RowSeries } from './engine';
import { WINDOW_DAYS } from './reference';
import { subscriptionSeries } from './subscription-series';

/** Activity as day masks per user, workload and month (bit i: active on month + i). */
export interface MaskFacts {
  readonly count: number;
  readonly user: Int32Array;
  /** Index in WORKLOAD_CODES. */
  readonly workload: Uint8Array;
  /** Day number of the first of the month. */
  readonly month: Int32Array;
  readonly days: Uint32Array;
}

export interface BitsetInput {
  readonly products: readonly {
    readonly productId: string;
    readonly workloads: readonly WorkloadCode[];
    readonly openWorkloads: readonly WorkloadCode[];
  }[];
  readonly subscriptions: readonly {
    readonly product: number;
    readonly snapshots: readonly EngineSnapshot[];
  }[];
  /** Users are 0 … users − 1. */
  readonly users: number;
  /** Day of deletion per user; null, or any day after the range, when not deleted. */
  readonly deletedOn: ArrayLike<number | null>;
  readonly assignments: AssignmentColumns;
  readonly facts: MaskFacts;
}

/** License assignments as columns; `to` is OPEN while the license is held. */
export interface AssignmentColumns {
  readonly count: number;
  readonly user: Int32Array;
  readonly product: Int32Array;
  readonly from: Int32Array;
  readonly to: Int32Array;
}

/** `to` of an assignment still held. */
export const OPEN = 0x7fffffff;

const NW = WORKLOAD_CODES.length;

/**
 * Reusable zeroed buffers for the per-customer bitsets: a portfolio has 10⁴ customers, and a
 * fresh allocation each would keep the garbage collector busier than the engine.
 */
class Scratch<T extends Uint32Array | Uint8Array> {
  private buffer: T;
  constructor(private readonly make: (n: number) => T) {
    this.buffer = make(0);
  }
  zeroed(n: number): T {
    if (this.buffer.length < n) this.buffer = this.make(Math.max(n, this.buffer.length * 2));
    const view = this.buffer.subarray(0, n) as T;
    view.fill(0);
    return view;
  }
}
const actScratch = new Scratch((n) => new Uint32Array(n));
const holdScratch = new Scratch((n) => new Uint32Array(n));
const holdsScratch = new Scratch((n) => new Uint8Array(n));

/** Sets bits [s, e) of a bitset (clipped to it). */
function setRange(bits: Uint32Array, off: number, words: number, s: number, e: number): void {
  const n = words * 32;
  let a = Math.max(0, s);
  const b = Math.min(n, e);
  while (a < b) {
    const w = a >>> 5;
    const bit = a & 31;
    const take = Math.min(32 - bit, b - a);
    const mask = take === 32 ? 0xffffffff : ((1 << take) - 1) << bit;
    bits[off + w] = ((bits[off + w] as number) | mask) >>> 0;
    a += take;
  }
}

/** out = x shifted towards later days by k (0 < k < 32). */
function shiftLater(x: Uint32Array, out: Uint32Array, words: number, k: number): void {
  let carry = 0;
  for (let i = 0; i < words; i++) {
    const v = x[i] as number;
    out[i] = ((v << k) | carry) >>> 0;
    carry = v >>> (32 - k);
  }
}

/** Set while one day is computed (the range is then the 28 window bits: 27 before, D last). */
let oneDay = false;
const ONE_DAY_BIT = (1 << (WINDOW_DAYS - 1)) >>> 0;

/** y = OR of x shifted by 0 … 27 days: active on D when a fact lies in D − 27 … D. */
function dilate(
  x: Uint32Array,
  y: Uint32Array,
  t1: Uint32Array,
  t2: Uint32Array,
  t3: Uint32Array,
  words: number,
): void {
  if (words === 1 && oneDay) {
    // One day computed (the daily update): active on D ⇔ any fact in the 28 bits of the window.
    y[0] = x[0] === 0 ? 0 : ONE_DAY_BIT;
    return;
  }
  // a = x | x≪1 (2 days), b = a | a≪2 (4), c = b | b≪4 (8), e = c | c≪8 (16); y = e | c≪16 | b≪24 (28).
  shiftLater(x, t1, words, 1);
  for (let i = 0; i < words; i++) t1[i] = ((x[i] as number) | (t1[i] as number)) >>> 0; // a
  shiftLater(t1, t2, words, 2);
  for (let i = 0; i < words; i++) t2[i] = ((t1[i] as number) | (t2[i] as number)) >>> 0; // b
  shiftLater(t2, t3, words, 4);
  for (let i = 0; i < words; i++) t3[i] = ((t2[i] as number) | (t3[i] as number)) >>> 0; // c
  shiftLater(t3, y, words, 8);
  for (let i = 0; i < words; i++) y[i] = ((t3[i] as number) | (y[i] as number)) >>> 0; // e
  shiftLater(t3, t1, words, 16); // c ≪ 16
  for (let i = 0; i < words; i++) y[i] = ((y[i] as number) | (t1[i] as number)) >>> 0;
  shiftLater(t2, t1, words, 24); // b ≪ 24
  for (let i = 0; i < words; i++) y[i] = ((y[i] as number) | (t1[i] as number)) >>> 0;
}

/** Index of the lowest set bit of a non-zero 32-bit value. */
function ctz(v: number): number {
  return 31 - Math.clz32(v & -v);
}

/**
 * Adds +1 over every run of set bits at positions lead … limit − 1 into a difference array
 * (index = bit − lead). Word by word, jumping from edge to edge with count-trailing-zeros.
 */
function addRuns(bits: Uint32Array, words: number, limit: number, lead: number, diff: Int32Array): void {
  if (limit - lead === 1) {
    // One day: set or not.
    if ((((bits[lead >>> 5] as number) >>> (lead & 31)) & 1) === 1) {
      diff[0] = (diff[0] as number) + 1;
      diff[1] = (diff[1] as number) - 1;
    }
    return;
  }
  let inRun = false;
  let start = 0;
  const lastWord = (limit - 1) >>> 5;
  for (let w = lead >>> 5; w <= lastWord && w < words; w++) {
    let v = bits[w] as number;
    if (w === lead >>> 5 && (lead & 31) !== 0) v &= ~((1 << (lead & 31)) - 1);
    if (w === lastWord && (limit & 31) !== 0) v &= (1 << (limit & 31)) - 1;
    v >>>= 0;
    if (!inRun && v === 0) continue;
    if (inRun && v === 0xffffffff) continue;
    const base = w * 32;
    let pos = 0;
    while (pos < 32) {
      if (!inRun) {
        const rest = pos === 0 ? v : v >>> pos;
        if (rest === 0) break;
        pos += ctz(rest);
        inRun = true;
        start = base + pos;
      } else {
        const inv = (pos === 0 ? ~v : ~v >>> pos) >>> 0;
        if (inv === 0 || (pos > 0 && inv >>> 0 === 0)) break;
        const gap = ctz(inv);
        if (pos + gap >= 32) break;
        pos += gap;
        inRun = false;
        const end = base + pos;
        diff[start - lead] = (diff[start - lead] as number) + 1;
        diff[end - lead] = (diff[end - lead] as number) - 1;
      }
    }
  }
  if (inRun) {
    diff[start - lead] = (diff[start - lead] as number) + 1;
    diff[limit - lead] = (diff[limit - lead] as number) - 1;
  }
}

/** Running sums of a difference array, in place; the first `days` values are the series. */
function prefixInPlace(diff: Int32Array, days: number): Int32Array {
  let acc = 0;
  for (let i = 0; i < days; i++) {
    acc += diff[i] as number;
    diff[i] = acc;
  }
  return diff.subarray(0, days);
}

export function computeCustomerBitsets(input: BitsetInput, first: number, days: number): EngineOutput {
  const lead = WINDOW_DAYS - 1; // bits before `first`
  oneDay = days === 1;
  const t0 = first - lead; // day of bit 0
  const nBits = days + lead;
  const words = (nBits + 31) >>> 5;
  const nProducts = input.products.length;
  const U = input.users;
  const products = subscriptionSeries(input.products.length, input.subscriptions, first, days);

  // Activity and holding bitsets.
  const act = actScratch.zeroed(U * NW * words);
  const f = input.facts;
  for (let r = 0; r < f.count; r++) {
    const u = f.user[r] as number;
    let mask = f.days[r] as number;
    let o = (f.month[r] as number) - t0;
    if (o < 0) {
      if (o <= -32) continue;
      mask = mask >>> -o;
      o = 0;
    }
    if (o >= nBits || mask === 0) continue;
    const off = (u * NW + (f.workload[r] as number)) * words;
    const w = o >>> 5;
    const s = o & 31;
    act[off + w] = ((act[off + w] as number) | (mask << s)) >>> 0;
    if (s > 0 && w + 1 < words) act[off + w + 1] = ((act[off + w + 1] as number) | (mask >>> (32 - s))) >>> 0;
  }
  // Bits past the range (the month masks run to month end) are cleared.
  const tail = nBits & 31;
  if (tail !== 0) {
    const keep = (1 << tail) - 1;
    for (let i = words - 1; i < act.length; i += words) act[i] = ((act[i] as number) & keep) >>> 0;
  }
  const hold = holdScratch.zeroed(U * nProducts * words);
  const holds = holdsScratch.zeroed(U * nProducts);
  const as = input.assignments;
  for (let i = 0; i < as.count; i++) {
    const user = as.user[i] as number;
    const product = as.product[i] as number;
    const del = input.deletedOn[user] ?? null;
    const to = as.to[i] as number;
    const e = del === null ? to : Math.min(to, del);
    const from = as.from[i] as number;
    if (from >= e) continue;
    setRange(hold, (user * nProducts + product) * words, words, from - t0, Math.min(e - t0, nBits));
    holds[user * nProducts + product] = 1;
  }

  // Rows: per product the ALL row, then one per workload.
  const rowOf: number[][] = [];
  const keys: { product: number; workload: WorkloadCode | 'ALL' }[] = [];
  input.products.forEach((p, i) => {
    const r = [keys.length];
    keys.push({ product: i, workload: 'ALL' });
    for (const w of p.workloads) {
      r.push(keys.length);
      keys.push({ product: i, workload: w });
    }
    rowOf.push(r);
  });
  // Per product: its workloads as indexes of WORKLOAD_CODES, and their rows.
  const workloadIndex = input.products.map((p) =>
    Int32Array.from(p.workloads.map((w) => WORKLOAD_CODES.indexOf(w))),
  );
  const workloadRows = rowOf.map((r) => Int32Array.from(r.slice(1)));
  // Difference arrays of every row in one block (they become the output series in place).
  const stride = days + 1;
  const K = keys.length;
  const block = new Int32Array((K * 3 + nProducts) * stride);
  const view = (i: number) => block.subarray(i * stride, (i + 1) * stride);
  const activeDiff = keys.map((_, r) => view(r));
  const rotationDiff = keys.map((_, r) => view(keys.length + r));
  const unlicensedDiff = keys.map((_, r) => view(2 * keys.length + r));
  const assignedDiff = input.products.map((_, p) => view(3 * keys.length + p));

  // Open workloads: the product taking unlicensed users each day, as day bitsets per product.
  const open: { w: number; including: number[]; targets: Map<number, Uint32Array> }[] = [];
  const seenOpen = new Set<WorkloadCode>();
  for (const p of input.products) {
    for (const w of p.openWorkloads) {
      if (seenOpen.has(w)) continue;
      seenOpen.add(w);
      const including = input.products.flatMap((q, i) => (q.workloads.includes(w) ? [i] : []));
      if (including.length === 0) continue;
      const targets = new Map<number, Uint32Array>();
      for (let i = 0; i < days; i++) {
        let best = -1;
        for (const q of including)
          if (best < 0 || (products[q]?.sold[i] ?? 0) > (products[best]?.sold[i] ?? 0)) best = q;
        let bits = targets.get(best);
        if (bits === undefined) {
          bits = new Uint32Array(words);
          targets.set(best, bits);
        }
        const pos = i + lead;
        bits[pos >>> 5] = ((bits[pos >>> 5] as number) | (1 << (pos & 31))) >>> 0;
      }
      open.push({ w: WORKLOAD_CODES.indexOf(w), including, targets });
    }
  }

  const lic = new Uint32Array(words);
  const licAll = new Uint32Array(words);
  const dil = new Uint32Array(words);
  const tmp = new Uint32Array(words);
  const t1 = new Uint32Array(words);
  const t2 = new Uint32Array(words);
  const t3 = new Uint32Array(words);
  // Dilated licensed activity per row, kept for the user being processed (open-workload rule).
  const dilBlock = new Uint32Array(keys.length * words);
  const dilOf = keys.map((_, r) => dilBlock.subarray(r * words, (r + 1) * words));
  const dilSet = new Uint8Array(keys.length);
  const extraAll = input.products.map(() => new Uint32Array(words));
  const extraAllSet = new Uint8Array(nProducts);
  const nLimit = nBits;

  /** One day: the row's user is active on D (a rotation too when not holding the product on D). */
  const countOneDay = (row: number, heldOnD: boolean) => {
    dilBlock[row] = ONE_DAY_BIT;
    dilSet[row] = 1;
    block[row * stride] = (block[row * stride] as number) + 1;
    if (!heldOnD) block[(K + row) * stride] = (block[(K + row) * stride] as number) + 1;
  };
  for (let u = 0; u < U; u++) {
    dilSet.fill(0);
    for (let p = 0; p < nProducts; p++) {
      if (holds[u * nProducts + p] === 0) continue;
      const hOff = (u * nProducts + p) * words;
      if (oneDay) {
        // The daily update: one word holds the window (bit `lead` is D). Active ⇔ a licensed
        // fact in the word; rotation ⇔ active but not holding on D. Counters are bumped in the
        // block directly (the difference arrays of one day are one cell each).
        const h = hold[hOff] as number;
        const heldOnD = ((h >>> lead) & 1) === 1;
        if (heldOnD) block[(3 * K + p) * stride] = (block[(3 * K + p) * stride] as number) + 1;
        const wIdx = workloadIndex[p] as Int32Array;
        const rIdx = workloadRows[p] as Int32Array;
        let anyAll = 0;
        for (let j = 0; j < wIdx.length; j++) {
          const v = (act[u * NW + (wIdx[j] as number)] as number) & h;
          if (v === 0) continue;
          anyAll |= v;
          countOneDay(rIdx[j] as number, heldOnD);
        }
        if (anyAll !== 0) countOneDay(rowOf[p]?.[0] as number, heldOnD);
        continue;
      }
      // Holding bits are read in place (hold[hOff + i]): a view per user and product would
      // cost a million allocations.
      for (let i = 0; i < words; i++) tmp[i] = hold[hOff + i] as number;
      addRuns(tmp, words, nLimit, lead, assignedDiff[p] as Int32Array);
      const wIdx = workloadIndex[p] as Int32Array;
      const rIdx = workloadRows[p] as Int32Array;
      licAll.fill(0);
      let anyAll = false;
      for (let j = 0; j < wIdx.length; j++) {
        const aOff = (u * NW + (wIdx[j] as number)) * words;
        let any = false;
        for (let i = 0; i < words; i++) {
          const v = ((act[aOff + i] as number) & (hold[hOff + i] as number)) >>> 0;
          lic[i] = v;
          if (v !== 0) any = true;
        }
        if (!any) continue;
        anyAll = true;
        for (let i = 0; i < words; i++) licAll[i] = ((licAll[i] as number) | (lic[i] as number)) >>> 0;
        const row = rIdx[j] as number;
        const d = dilOf[row] as Uint32Array;
        dilate(lic, d, t1, t2, t3, words);
        dilSet[row] = 1;
        addRuns(d, words, nLimit, lead, activeDiff[row] as Int32Array);
        for (let i = 0; i < words; i++) tmp[i] = ((d[i] as number) & ~(hold[hOff + i] as number)) >>> 0;
        addRuns(tmp, words, nLimit, lead, rotationDiff[row] as Int32Array);
      }
      if (anyAll) {
        const row = rowOf[p]?.[0] as number;
        const d = dilOf[row] as Uint32Array;
        dilate(licAll, d, t1, t2, t3, words);
        dilSet[row] = 1;
        addRuns(d, words, nLimit, lead, activeDiff[row] as Int32Array);
        for (let i = 0; i < words; i++) tmp[i] = ((d[i] as number) & ~(hold[hOff + i] as number)) >>> 0;
        addRuns(tmp, words, nLimit, lead, rotationDiff[row] as Int32Array);
      }
    }
    // Unlicensed use of open workloads, counted once per day in the target product's rows.
    if (open.length === 0) continue;
    extraAllSet.fill(0);
    for (const o of open) {
      const aOff = (u * NW + o.w) * words;
      let any = false;
      for (let i = 0; i < words; i++) {
        let covered = 0;
        for (const q of o.including)
          if (holds[u * nProducts + q] === 1) covered |= hold[(u * nProducts + q) * words + i] as number;
        const v = ((act[aOff + i] as number) & ~covered) >>> 0;
        lic[i] = v;
        if (v !== 0) any = true;
      }
      if (!any) continue;
      dilate(lic, dil, t1, t2, t3, words);
      for (const [q, target] of o.targets) {
        const prod = input.products[q];
        if (prod === undefined) continue;
        const wRow = rowOf[q]?.[prod.workloads.indexOf(WORKLOAD_CODES[o.w] as WorkloadCode) + 1] as number;
        const licensed = dilSet[wRow] === 1 ? (dilOf[wRow] as Uint32Array) : null;
        let anyExtra = false;
        const ea = extraAll[q] as Uint32Array;
        if (extraAllSet[q] === 0) {
          ea.fill(0);
          extraAllSet[q] = 1;
        }
        for (let i = 0; i < words; i++) {
          const inTarget = ((dil[i] as number) & (target[i] as number)) >>> 0;
          ea[i] = ((ea[i] as number) | inTarget) >>> 0;
          const v = (inTarget & ~(licensed === null ? 0 : (licensed[i] as number))) >>> 0;
          tmp[i] = v;
          if (v !== 0) anyExtra = true;
        }
        if (anyExtra) addRuns(tmp, words, nLimit, lead, unlicensedDiff[wRow] as Int32Array);
      }
    }
    for (let q = 0; q < nProducts; q++) {
      if (extraAllSet[q] === 0) continue;
      const allRow = rowOf[q]?.[0] as number;
      const licensed = dilSet[allRow] === 1 ? (dilOf[allRow] as Uint32Array) : null;
      const ea = extraAll[q] as Uint32Array;
      let anyExtra = false;
      for (let i = 0; i < words; i++) {
        const v = ((ea[i] as number) & ~(licensed === null ? 0 : (licensed[i] as number))) >>> 0;
        tmp[i] = v;
        if (v !== 0) anyExtra = true;
      }
      if (anyExtra) addRuns(tmp, words, nLimit, lead, unlicensedDiff[allRow] as Int32Array);
    }
  }

  products.forEach((p, i) => {
    p.assigned.set(prefixInPlace(assignedDiff[i] as Int32Array, days));
  });
  const rows: RowSeries[] = keys.map((k, r) => {
    const active = prefixInPlace(activeDiff[r] as Int32Array, days);
    const unlicensed = prefixInPlace(unlicensedDiff[r] as Int32Array, days);
    for (let i = 0; i < days; i++) active[i] = (active[i] as number) + (unlicensed[i] as number);
    return { ...k, active, rotation: prefixInPlace(rotationDiff[r] as Int32Array, days), unlicensed };
  });
  return { first, days, products, rows };
}
