/**
 * The metric engine at scale: the same series as engine.ts (the interval engine, kept as a second
 * oracle), computed with day bitsets in typed arrays. Per customer, every user gets one bitset per
 * workload (activity) and per product (holding, deletion applied), over the days of the range plus
 * the 27 days before it. Then, per user and row:
 *   licensed = activity_w & holding_p
 *   active   = dilate₂₈(licensed)                (active on D ⇔ a licensed fact in D−27…D)
 *   ALL      = OR over the product's workloads of active_w & measured_w
 *   rotation = active & ¬holding_p
 * and runs of set bits go into difference arrays, so a user costs a few word operations per row
 * instead of work per day. Open workloads (Yammer) use the same bits for the unlicensed users:
 *   unlicensed = dilate₂₈(activity_w & ¬held_any) & ¬dilate₂₈(activity_w & held_any)
 * (a user licensed on one W activity day of the window counts only where licensed, SPEC §2.1).
 * What the data can tell (SPEC §2.3, measured.ts) is one more series per row: where usage is not
 * known, its active, rotation and unlicensed series are 0 and its state says so.
 * Pure and IO-free.
 */
import { WORKLOAD_CODES, type WorkloadCode } from '@license-insights/contracts';
import { WINDOW_DAYS } from './definitions';
import { type MeasuredSources, PARTIAL, UNKNOWN, workloadStatesInto } from './measured';
import type { EngineOutput, EngineSnapshot, RowSeries } from './series';
import { SubscriptionScratch, subscriptionSeriesInto } from './subscription-series';

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
  /** The customer's activity sources: which workloads are measured on which days. */
  readonly measured: MeasuredSources;
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
 * A reusable zeroed buffer for the per-customer bitsets: a portfolio has 10⁴ customers, and a
 * fresh allocation each would keep the garbage collector busier than the engine.
 */
class Scratch<T extends Uint32Array | Int32Array | Uint8Array> {
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
/**
 * The engine's working memory for one compute: reused from customer to customer, owned by the
 * compute (never shared between two at once; nothing in this module is mutable state).
 */
export class EngineScratch {
  readonly act = new Scratch((n) => new Uint32Array(n));
  readonly hold = new Scratch((n) => new Uint32Array(n));
  readonly holds = new Scratch((n) => new Uint8Array(n));
  readonly block = new Scratch((n) => new Int32Array(n));
  readonly word = new Scratch((n) => new Uint32Array(n));
  readonly dil = new Scratch((n) => new Uint32Array(n));
  readonly extra = new Scratch((n) => new Uint32Array(n));
  readonly state = new Scratch((n) => new Uint8Array(n));
  readonly meas = new Scratch((n) => new Uint32Array(n));
  readonly subscriptions = new SubscriptionScratch();
}

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

/** Bit of D when one day is computed (the range is then the 28 window bits: 27 before, D last). */
const ONE_DAY_BIT = (1 << (WINDOW_DAYS - 1)) >>> 0;

/** y = OR of x shifted by 0 … 27 days: active on D when a fact lies in D − 27 … D. */
function dilate(
  x: Uint32Array,
  y: Uint32Array,
  t1: Uint32Array,
  t2: Uint32Array,
  t3: Uint32Array,
  words: number,
  oneDay: boolean,
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
 * Adds +1 over every run of set bits at positions lead … limit − 1 into a difference array stored
 * at `diff[at …]` (index = at + bit − lead). Word by word, jumping from edge to edge with
 * count-trailing-zeros.
 */
function addRuns(
  bits: Uint32Array,
  words: number,
  limit: number,
  lead: number,
  diff: Int32Array,
  at: number,
): void {
  if (limit - lead === 1) {
    // One day: set or not.
    if ((((bits[lead >>> 5] as number) >>> (lead & 31)) & 1) === 1) {
      diff[at] = (diff[at] as number) + 1;
      diff[at + 1] = (diff[at + 1] as number) - 1;
    }
    return;
  }
  const o = at - lead;
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
        diff[o + start] = (diff[o + start] as number) + 1;
        diff[o + end] = (diff[o + end] as number) - 1;
      }
    }
  }
  if (inRun) {
    diff[o + start] = (diff[o + start] as number) + 1;
    diff[o + limit] = (diff[o + limit] as number) - 1;
  }
}

/** Running sums of the difference array at `block[at …]`, in place (`days` values). */
function prefixInPlace(block: Int32Array, at: number, days: number): void {
  let acc = 0;
  for (let i = at; i < at + days; i++) {
    acc += block[i] as number;
    block[i] = acc;
  }
}

/**
 * A customer's series in one block of integers, each series `stride` long (the first `days`
 * values count): per row r the active users at `activeAt(r)` (licensed plus unlicensed), the
 * rotation share at `rotationAt(r)`, the unlicensed share at `unlicensedAt(r)`, the usage state at
 * `usageAt(r)` (0 not known, 1 known, 2 partial window); per product p assigned, sold, sold own,
 * trial and non-counted capacity. Rows are, per product, the ALL row then one per workload. The
 * block is reused: it is valid until the next computation.
 */
export interface FlatSeries {
  readonly first: number;
  readonly days: number;
  readonly stride: number;
  readonly rows: number;
  readonly products: number;
  readonly rowProduct: Int32Array;
  /** 0: ALL, else 1 + index in WORKLOAD_CODES. */
  readonly rowWorkload: Uint8Array;
  readonly block: Int32Array;
}

export const activeAt = (f: FlatSeries, r: number): number => r * f.stride;
export const rotationAt = (f: FlatSeries, r: number): number => (f.rows + r) * f.stride;
export const unlicensedAt = (f: FlatSeries, r: number): number => (2 * f.rows + r) * f.stride;
export const usageAt = (f: FlatSeries, r: number): number => (3 * f.rows + r) * f.stride;
export const assignedAt = (f: FlatSeries, p: number): number => (4 * f.rows + p) * f.stride;
export const soldAt = (f: FlatSeries, p: number): number => (4 * f.rows + f.products + p) * f.stride;
export const soldOwnAt = (f: FlatSeries, p: number): number => (4 * f.rows + 2 * f.products + p) * f.stride;
export const trialAt = (f: FlatSeries, p: number): number => (4 * f.rows + 3 * f.products + p) * f.stride;
export const noncountedAt = (f: FlatSeries, p: number): number =>
  (4 * f.rows + 4 * f.products + p) * f.stride;

/** The series as separate arrays (tests, and the interval engine's shape). */
export function computeCustomerBitsets(
  input: BitsetInput,
  first: number,
  days: number,
  scratch = new EngineScratch(),
): EngineOutput {
  const f = computeCustomerFlat(input, first, days, scratch);
  const part = (at: number) => f.block.slice(at, at + days);
  const products = Array.from({ length: f.products }, (_, p) => ({
    sold: part(soldAt(f, p)),
    soldOwn: part(soldOwnAt(f, p)),
    assigned: part(assignedAt(f, p)),
    trial: part(trialAt(f, p)),
    noncounted: part(noncountedAt(f, p)),
  }));
  const rows: RowSeries[] = Array.from({ length: f.rows }, (_, r) => ({
    product: f.rowProduct[r] as number,
    workload:
      f.rowWorkload[r] === 0 ? 'ALL' : (WORKLOAD_CODES[(f.rowWorkload[r] as number) - 1] as WorkloadCode),
    active: part(activeAt(f, r)),
    rotation: part(rotationAt(f, r)),
    unlicensed: part(unlicensedAt(f, r)),
    usage: part(usageAt(f, r)),
  }));
  return { first, days, products, rows };
}

export function computeCustomerFlat(
  input: BitsetInput,
  first: number,
  days: number,
  scratch: EngineScratch,
): FlatSeries {
  const lead = WINDOW_DAYS - 1; // bits before `first`
  const oneDay = days === 1;
  const t0 = first - lead; // day of bit 0
  const nBits = days + lead;
  const words = (nBits + 31) >>> 5;
  const nProducts = input.products.length;
  const U = input.users;

  // Rows: per product the ALL row, then one per workload.
  let K = 0;
  for (const p of input.products) K += 1 + p.workloads.length;
  const rowProduct = new Int32Array(K);
  const rowWorkload = new Uint8Array(K);
  /** Per product: the first row (ALL); its workload rows follow in catalog order. */
  const firstRow = new Int32Array(nProducts);
  /** Per product and workload j: the index of the workload in WORKLOAD_CODES (flat, by first row). */
  const rowCode = new Int32Array(K);
  {
    let r = 0;
    input.products.forEach((p, i) => {
      firstRow[i] = r;
      rowProduct[r] = i;
      rowWorkload[r] = 0;
      r++;
      for (const w of p.workloads) {
        const code = WORKLOAD_CODES.indexOf(w);
        rowProduct[r] = i;
        rowWorkload[r] = code + 1;
        rowCode[r] = code;
        r++;
      }
    });
  }
  // Difference arrays of every row, then the product series, in one reused block.
  const stride = days + 1;
  const block = scratch.block.zeroed((4 * K + 5 * nProducts) * stride);
  const out: FlatSeries = {
    first,
    days,
    stride,
    rows: K,
    products: nProducts,
    rowProduct,
    rowWorkload,
    block,
  };
  subscriptionSeriesInto(
    block,
    soldAt(out, 0),
    stride,
    nProducts,
    input.subscriptions,
    first,
    days,
    scratch.subscriptions,
  );
  const soldOf = (q: number, i: number) => block[soldAt(out, q) + i] as number;

  // What the data can tell: each workload's state per day, its measured days as bits (bit
  // lead + i is day i), and each row's state series (ALL: from the product's workloads).
  const wState = scratch.state.zeroed(NW * days);
  workloadStatesInto(input.measured, first, days, wState);
  const meas = scratch.meas.zeroed(NW * words);
  for (let c = 0; c < NW; c++) {
    for (let i = 0; i < days; i++) {
      if (wState[c * days + i] === UNKNOWN) continue;
      const pos = i + lead;
      meas[c * words + (pos >>> 5)] = ((meas[c * words + (pos >>> 5)] as number) | (1 << (pos & 31))) >>> 0;
    }
  }
  for (let p = 0; p < nProducts; p++) {
    const r0 = firstRow[p] as number;
    const r1 = p + 1 < nProducts ? (firstRow[p + 1] as number) : K;
    for (let i = 0; i < days; i++) {
      let all = UNKNOWN;
      for (let r = r0 + 1; r < r1; r++) {
        const st = wState[(rowCode[r] as number) * days + i] as number;
        block[usageAt(out, r) + i] = st;
        if (st !== UNKNOWN && all !== PARTIAL) all = st; // combineStates, inline (no array per day)
      }
      block[usageAt(out, r0) + i] = all;
    }
  }

  // Activity and holding bitsets.
  const act = scratch.act.zeroed(U * NW * words);
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
  const hold = scratch.hold.zeroed(U * nProducts * words);
  const holds = scratch.holds.zeroed(U * nProducts);
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
        for (const q of including) if (best < 0 || soldOf(q, i) > soldOf(best, i)) best = q;
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

  // Word-sized temporaries and, per row, the dilated licensed activity of the user being processed
  // (the open-workload rule reads it), in reused buffers.
  const temps = scratch.word.zeroed(8 * words);
  const lic = temps.subarray(0, words);
  const licAll = temps.subarray(words, 2 * words);
  const dil = temps.subarray(2 * words, 3 * words);
  const tmp = temps.subarray(3 * words, 4 * words);
  const t1 = temps.subarray(4 * words, 5 * words);
  const t2 = temps.subarray(5 * words, 6 * words);
  const t3 = temps.subarray(6 * words, 7 * words);
  const dilLicensed = temps.subarray(7 * words, 8 * words);
  const dilBlock = scratch.dil.zeroed(K * words);
  // Set marks per row and product for the user being processed: the user's number (from 1) marks
  // them, so nothing is cleared between users.
  const dilSet = new Int32Array(K);
  let mark = 0;
  const extraAll = scratch.extra.zeroed(nProducts * words);
  const extraAllSet = new Int32Array(nProducts);
  const nLimit = nBits;
  const rotationBase = K * stride;

  /** One day: the row's user is active on D (a rotation too when not holding the product on D). */
  const countOneDay = (row: number, heldOnD: boolean) => {
    dilBlock[row] = ONE_DAY_BIT;
    dilSet[row] = mark;
    block[row * stride] = (block[row * stride] as number) + 1;
    if (!heldOnD) block[rotationBase + row * stride] = (block[rotationBase + row * stride] as number) + 1;
  };
  /** Adds the active and rotation runs of the row's dilated bits (kept in dilBlock). */
  const countDilated = (row: number, hOff: number) => {
    const d = dilBlock.subarray(row * words, (row + 1) * words);
    dilSet[row] = mark;
    addRuns(d, words, nLimit, lead, block, activeAt(out, row));
    for (let i = 0; i < words; i++) tmp[i] = ((d[i] as number) & ~(hold[hOff + i] as number)) >>> 0;
    addRuns(tmp, words, nLimit, lead, block, rotationAt(out, row));
  };
  /** Dilates `bits` into the row's kept buffer and counts it. */
  const countRow = (row: number, bits: Uint32Array, hOff: number) => {
    dilate(bits, dilBlock.subarray(row * words, (row + 1) * words), t1, t2, t3, words, oneDay);
    countDilated(row, hOff);
  };
  /** Workloads (bit per code) measured on D, for the one-day path. */
  let measuredOnD = 0;
  if (oneDay) for (let c = 0; c < NW; c++) if (wState[c] !== UNKNOWN) measuredOnD |= 1 << c;
  for (let u = 0; u < U; u++) {
    mark = u + 1;
    for (let p = 0; p < nProducts; p++) {
      if (holds[u * nProducts + p] === 0) continue;
      const hOff = (u * nProducts + p) * words;
      const r0 = firstRow[p] as number;
      const r1 = p + 1 < nProducts ? (firstRow[p + 1] as number) : K;
      if (oneDay) {
        // The daily update: one word holds the window (bit `lead` is D). Active ⇔ a licensed
        // fact in the word; rotation ⇔ active but not holding on D. Counters are bumped in the
        // block directly (the difference arrays of one day are one cell each).
        const h = hold[hOff] as number;
        const heldOnD = ((h >>> lead) & 1) === 1;
        if (heldOnD) block[assignedAt(out, p)] = (block[assignedAt(out, p)] as number) + 1;
        let anyAll = 0;
        for (let r = r0 + 1; r < r1; r++) {
          const code = rowCode[r] as number;
          const v = (act[u * NW + code] as number) & h;
          if (v === 0) continue;
          if (((measuredOnD >>> code) & 1) === 1) anyAll |= v;
          countOneDay(r, heldOnD);
        }
        if (anyAll !== 0) countOneDay(r0, heldOnD);
        continue;
      }
      // Holding bits are read in place (hold[hOff + i]): a view per user and product would
      // cost a million allocations.
      for (let i = 0; i < words; i++) tmp[i] = hold[hOff + i] as number;
      addRuns(tmp, words, nLimit, lead, block, assignedAt(out, p));
      // ALL: active in a workload of the product measured that day.
      const all = dilBlock.subarray(r0 * words, (r0 + 1) * words);
      all.fill(0);
      let anyAll = false;
      for (let r = r0 + 1; r < r1; r++) {
        const code = rowCode[r] as number;
        const aOff = (u * NW + code) * words;
        let any = false;
        for (let i = 0; i < words; i++) {
          const v = ((act[aOff + i] as number) & (hold[hOff + i] as number)) >>> 0;
          lic[i] = v;
          if (v !== 0) any = true;
        }
        if (!any) continue;
        countRow(r, lic, hOff);
        const mOff = code * words;
        const rOff = r * words;
        for (let i = 0; i < words; i++) {
          const v = ((dilBlock[rOff + i] as number) & (meas[mOff + i] as number)) >>> 0;
          if (v !== 0) {
            all[i] = ((all[i] as number) | v) >>> 0;
            anyAll = true;
          }
        }
      }
      if (anyAll) countDilated(r0, hOff);
    }
    // Unlicensed use of open workloads, counted once per day in the target product's rows.
    if (open.length === 0) continue;
    for (const o of open) {
      const aOff = (u * NW + o.w) * words;
      let anyUnlicensed = false;
      let anyLicensed = false;
      for (let i = 0; i < words; i++) {
        let covered = 0;
        for (const q of o.including)
          if (holds[u * nProducts + q] === 1) covered |= hold[(u * nProducts + q) * words + i] as number;
        const a = act[aOff + i] as number;
        const v = (a & ~covered) >>> 0;
        const l = (a & covered) >>> 0;
        lic[i] = v;
        licAll[i] = l;
        if (v !== 0) anyUnlicensed = true;
        if (l !== 0) anyLicensed = true;
      }
      if (!anyUnlicensed) continue;
      dilate(lic, dil, t1, t2, t3, words, oneDay);
      if (anyLicensed) {
        // Days on which a licensed W fact lies in the window: the user counts only where licensed.
        dilate(licAll, dilLicensed, t1, t2, t3, words, oneDay);
        for (let i = 0; i < words; i++) dil[i] = ((dil[i] as number) & ~(dilLicensed[i] as number)) >>> 0;
      }
      // The W row of the target cannot hold the user that day (licensed there means licensed).
      const mOff = o.w * words;
      for (const [q, target] of o.targets) {
        const prod = input.products[q];
        if (prod === undefined) continue;
        const wRow =
          (firstRow[q] as number) + 1 + prod.workloads.indexOf(WORKLOAD_CODES[o.w] as WorkloadCode);
        let anyExtra = false;
        const eOff = q * words;
        if (extraAllSet[q] !== mark) {
          extraAll.fill(0, eOff, eOff + words);
          extraAllSet[q] = mark;
        }
        for (let i = 0; i < words; i++) {
          const inTarget = ((dil[i] as number) & (target[i] as number)) >>> 0;
          // The ALL row counts open-workload use only on days the workload is measured.
          extraAll[eOff + i] =
            ((extraAll[eOff + i] as number) | (inTarget & (meas[mOff + i] as number))) >>> 0;
          tmp[i] = inTarget;
          if (inTarget !== 0) anyExtra = true;
        }
        if (anyExtra) addRuns(tmp, words, nLimit, lead, block, unlicensedAt(out, wRow));
      }
    }
    for (let q = 0; q < nProducts; q++) {
      if (extraAllSet[q] !== mark) continue;
      const allRow = firstRow[q] as number;
      const lOff = dilSet[allRow] === mark ? allRow * words : -1;
      const eOff = q * words;
      let anyExtra = false;
      for (let i = 0; i < words; i++) {
        const v = ((extraAll[eOff + i] as number) & ~(lOff < 0 ? 0 : (dilBlock[lOff + i] as number))) >>> 0;
        tmp[i] = v;
        if (v !== 0) anyExtra = true;
      }
      if (anyExtra) addRuns(tmp, words, nLimit, lead, block, unlicensedAt(out, allRow));
    }
  }

  for (let p = 0; p < nProducts; p++) prefixInPlace(block, assignedAt(out, p), days);
  for (let r = 0; r < K; r++) {
    const a = activeAt(out, r);
    const x = unlicensedAt(out, r);
    const rot = rotationAt(out, r);
    const st = usageAt(out, r);
    prefixInPlace(block, a, days);
    prefixInPlace(block, x, days);
    prefixInPlace(block, rot, days);
    for (let i = 0; i < days; i++) {
      if (block[st + i] === UNKNOWN) {
        // Usage not known: nothing counted (the state says why), so runs stay maximal.
        block[a + i] = 0;
        block[x + i] = 0;
        block[rot + i] = 0;
      } else block[a + i] = (block[a + i] as number) + (block[x + i] as number);
    }
  }
  return out;
}
