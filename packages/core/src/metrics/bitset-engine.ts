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

/** Day geometry of a computation: bit 0 of every bitset is day t0 = first − 27; bit lead + i is day first + i. */
interface Geometry {
  readonly first: number;
  readonly days: number;
  /** Bits before `first` (the window's 27 earlier days). */
  readonly lead: number;
  readonly t0: number;
  readonly nBits: number;
  readonly words: number;
  /** One day computed (the daily update): the window is one word, bit `lead` is D. */
  readonly oneDay: boolean;
}

function geometryOf(first: number, days: number): Geometry {
  const lead = WINDOW_DAYS - 1;
  const nBits = days + lead;
  return { first, days, lead, t0: first - lead, nBits, words: (nBits + 31) >>> 5, oneDay: days === 1 };
}

/** A customer's rows: per product the ALL row, then one per workload in catalog order. */
interface RowLayout {
  readonly K: number;
  readonly rowProduct: Int32Array;
  /** 0: ALL, else 1 + index in WORKLOAD_CODES. */
  readonly rowWorkload: Uint8Array;
  /** Per product: its first row (ALL); its workload rows follow. */
  readonly firstRow: Int32Array;
  /** Per workload row: the index of its workload in WORKLOAD_CODES. */
  readonly rowCode: Int32Array;
}

function rowLayoutOf(products: BitsetInput['products']): RowLayout {
  let K = 0;
  for (const p of products) K += 1 + p.workloads.length;
  const layout = {
    K,
    rowProduct: new Int32Array(K),
    rowWorkload: new Uint8Array(K),
    firstRow: new Int32Array(products.length),
    rowCode: new Int32Array(K),
  };
  let r = 0;
  products.forEach((p, i) => {
    layout.firstRow[i] = r;
    layout.rowProduct[r] = i;
    layout.rowWorkload[r] = 0;
    r++;
    for (const w of p.workloads) {
      const code = WORKLOAD_CODES.indexOf(w);
      layout.rowProduct[r] = i;
      layout.rowWorkload[r] = code + 1;
      layout.rowCode[r] = code;
      r++;
    }
  });
  return layout;
}

/** The row after the last workload row of product p. */
const rowsEnd = (l: RowLayout, p: number): number =>
  p + 1 < l.firstRow.length ? (l.firstRow[p + 1] as number) : l.K;

/**
 * Computes one customer's series over days first … first + days − 1, in phases: the row layout;
 * the subscription series; what the data can tell (usage states and measured bits); activity and
 * holding bitsets; the open-workload targets; every user counted into the rows' difference
 * arrays; the running sums. The result lives in `scratch` until its next use.
 */
export function computeCustomerFlat(
  input: BitsetInput,
  first: number,
  days: number,
  scratch: EngineScratch,
): FlatSeries {
  const g = geometryOf(first, days);
  const layout = rowLayoutOf(input.products);
  const nProducts = input.products.length;
  const stride = days + 1;
  // Difference arrays of every row, then the product series, in one reused block.
  const out: FlatSeries = {
    first,
    days,
    stride,
    rows: layout.K,
    products: nProducts,
    rowProduct: layout.rowProduct,
    rowWorkload: layout.rowWorkload,
    block: scratch.block.zeroed((4 * layout.K + 5 * nProducts) * stride),
  };
  subscriptionSeriesInto(
    out.block,
    soldAt(out, 0),
    stride,
    nProducts,
    input.subscriptions,
    first,
    days,
    scratch.subscriptions,
  );
  const usage = usageStatesInto(input.measured, g, layout, out, scratch);
  const act = activityBits(input.facts, input.users, g, scratch);
  const holding = holdingBits(input, g, scratch);
  const open = openWorkloadTargets(input.products, g, out);
  new UserCounter(input.products, g, layout, out, usage, act, holding, open, scratch).countAll(input.users);
  runningSums(out, layout);
  return out;
}

/** What the data can tell: each workload's state per day, and its measured days as bits. */
interface UsageBits {
  /** State of workload c on day i at `c · days + i` (measured.ts codes). */
  readonly wState: Uint8Array;
  /** Measured days of workload c as bits at `c · words …`. */
  readonly meas: Uint32Array;
}

/** Fills every row's usage-state series (ALL: from the product's workloads) and returns the workload bits. */
function usageStatesInto(
  measured: MeasuredSources,
  g: Geometry,
  l: RowLayout,
  out: FlatSeries,
  scratch: EngineScratch,
): UsageBits {
  const { days, words, lead } = g;
  const wState = scratch.state.zeroed(NW * days);
  workloadStatesInto(measured, g.first, days, wState);
  const meas = scratch.meas.zeroed(NW * words);
  for (let c = 0; c < NW; c++) {
    for (let i = 0; i < days; i++) {
      if (wState[c * days + i] === UNKNOWN) continue;
      const pos = i + lead;
      meas[c * words + (pos >>> 5)] = ((meas[c * words + (pos >>> 5)] as number) | (1 << (pos & 31))) >>> 0;
    }
  }
  const block = out.block;
  for (let p = 0; p < out.products; p++) {
    const r0 = l.firstRow[p] as number;
    const r1 = rowsEnd(l, p);
    for (let i = 0; i < days; i++) {
      let all = UNKNOWN;
      for (let r = r0 + 1; r < r1; r++) {
        const st = wState[(l.rowCode[r] as number) * days + i] as number;
        block[usageAt(out, r) + i] = st;
        if (st !== UNKNOWN && all !== PARTIAL) all = st; // combineStates, inline (no array per day)
      }
      block[usageAt(out, r0) + i] = all;
    }
  }
  return { wState, meas };
}

/** Activity bitsets per user and workload (at `(u · NW + w) · words`), from the month masks. */
function activityBits(f: MaskFacts, users: number, g: Geometry, scratch: EngineScratch): Uint32Array {
  const { words, nBits, t0 } = g;
  const act = scratch.act.zeroed(users * NW * words);
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
  return act;
}

/** Holding bitsets per user and product (assignment ∩ not deleted), and whether each is held at all. */
interface Holding {
  readonly hold: Uint32Array;
  readonly holds: Uint8Array;
}

function holdingBits(input: BitsetInput, g: Geometry, scratch: EngineScratch): Holding {
  const { words, nBits, t0 } = g;
  const P = input.products.length;
  const hold = scratch.hold.zeroed(input.users * P * words);
  const holds = scratch.holds.zeroed(input.users * P);
  const as = input.assignments;
  for (let i = 0; i < as.count; i++) {
    const user = as.user[i] as number;
    const product = as.product[i] as number;
    const del = input.deletedOn[user] ?? null;
    const to = as.to[i] as number;
    const e = del === null ? to : Math.min(to, del);
    const from = as.from[i] as number;
    if (from >= e) continue;
    setRange(hold, (user * P + product) * words, words, from - t0, Math.min(e - t0, nBits));
    holds[user * P + product] = 1;
  }
  return { hold, holds };
}

/** An open workload: the products including it, and per target product the days it takes unlicensed users. */
interface OpenWorkload {
  readonly w: number;
  readonly including: number[];
  readonly targets: Map<number, Uint32Array>;
}

/** Each day, the product that takes unlicensed users of each open workload (most sold, lowest id). */
function openWorkloadTargets(
  products: BitsetInput['products'],
  g: Geometry,
  out: FlatSeries,
): OpenWorkload[] {
  const soldOf = (q: number, i: number) => out.block[soldAt(out, q) + i] as number;
  const open: OpenWorkload[] = [];
  const seen = new Set<WorkloadCode>();
  for (const p of products) {
    for (const w of p.openWorkloads) {
      if (seen.has(w)) continue;
      seen.add(w);
      const including = products.flatMap((q, i) => (q.workloads.includes(w) ? [i] : []));
      if (including.length === 0) continue;
      const targets = new Map<number, Uint32Array>();
      for (let i = 0; i < g.days; i++) {
        let best = -1;
        for (const q of including) if (best < 0 || soldOf(q, i) > soldOf(best, i)) best = q;
        let bits = targets.get(best);
        if (bits === undefined) {
          bits = new Uint32Array(g.words);
          targets.set(best, bits);
        }
        const pos = i + g.lead;
        bits[pos >>> 5] = ((bits[pos >>> 5] as number) | (1 << (pos & 31))) >>> 0;
      }
      open.push({ w: WORKLOAD_CODES.indexOf(w), including, targets });
    }
  }
  return open;
}

/**
 * Counts every user into the rows' difference arrays: per held product its assigned days, licensed
 * activity per workload row and the ALL row (measured workloads only), rotation; then unlicensed
 * use of open workloads in the target products' rows. Buffers come from the scratch; the user's
 * number marks which rows hold its dilated bits, so nothing is cleared between users.
 */
class UserCounter {
  private readonly words: number;
  private readonly nProducts: number;
  private readonly temps: Uint32Array;
  private readonly lic: Uint32Array;
  private readonly licAll: Uint32Array;
  private readonly dil: Uint32Array;
  private readonly tmp: Uint32Array;
  private readonly t1: Uint32Array;
  private readonly t2: Uint32Array;
  private readonly t3: Uint32Array;
  private readonly dilLicensed: Uint32Array;
  /** Per row: the dilated licensed activity of the user being counted (the open-workload rule reads it). */
  private readonly dilBlock: Uint32Array;
  private readonly dilSet: Int32Array;
  private readonly extraAll: Uint32Array;
  private readonly extraAllSet: Int32Array;
  private readonly rotationBase: number;
  /** Workloads (a bit per code) measured on D, for the one-day path. */
  private readonly measuredOnD: number;
  private mark = 0;

  constructor(
    private readonly products: BitsetInput['products'],
    private readonly g: Geometry,
    private readonly l: RowLayout,
    private readonly out: FlatSeries,
    private readonly usage: UsageBits,
    private readonly act: Uint32Array,
    private readonly holding: Holding,
    private readonly open: readonly OpenWorkload[],
    scratch: EngineScratch,
  ) {
    const words = g.words;
    this.words = words;
    this.nProducts = products.length;
    this.temps = scratch.word.zeroed(8 * words);
    const part = (k: number) => this.temps.subarray(k * words, (k + 1) * words);
    this.lic = part(0);
    this.licAll = part(1);
    this.dil = part(2);
    this.tmp = part(3);
    this.t1 = part(4);
    this.t2 = part(5);
    this.t3 = part(6);
    this.dilLicensed = part(7);
    this.dilBlock = scratch.dil.zeroed(l.K * words);
    this.dilSet = new Int32Array(l.K);
    this.extraAll = scratch.extra.zeroed(this.nProducts * words);
    this.extraAllSet = new Int32Array(this.nProducts);
    this.rotationBase = l.K * out.stride;
    let measuredOnD = 0;
    if (g.oneDay) for (let c = 0; c < NW; c++) if (usage.wState[c] !== UNKNOWN) measuredOnD |= 1 << c;
    this.measuredOnD = measuredOnD;
  }

  countAll(users: number): void {
    for (let u = 0; u < users; u++) {
      this.mark = u + 1;
      for (let p = 0; p < this.nProducts; p++) {
        if (this.holding.holds[u * this.nProducts + p] === 0) continue;
        if (this.g.oneDay) this.licensedOneDay(u, p);
        else this.licensed(u, p);
      }
      if (this.open.length === 0) continue;
      for (const o of this.open) this.unlicensed(u, o);
      this.unlicensedAllRows();
    }
  }

  /**
   * The daily update: one word holds the window (bit `lead` is D). Active ⇔ a licensed fact in the
   * word; rotation ⇔ active but not holding on D. Counters are bumped in the block directly (the
   * difference arrays of one day are one cell each).
   */
  private licensedOneDay(u: number, p: number): void {
    const { out, l } = this;
    const block = out.block;
    const h = this.holding.hold[u * this.nProducts + p] as number;
    const heldOnD = ((h >>> this.g.lead) & 1) === 1;
    if (heldOnD) block[assignedAt(out, p)] = (block[assignedAt(out, p)] as number) + 1;
    const r0 = l.firstRow[p] as number;
    const r1 = rowsEnd(l, p);
    let anyAll = 0;
    for (let r = r0 + 1; r < r1; r++) {
      const code = l.rowCode[r] as number;
      const v = (this.act[u * NW + code] as number) & h;
      if (v === 0) continue;
      if (((this.measuredOnD >>> code) & 1) === 1) anyAll |= v;
      this.countOneDay(r, heldOnD);
    }
    if (anyAll !== 0) this.countOneDay(r0, heldOnD);
  }

  /** One day: the row's user is active on D (a rotation too when not holding the product on D). */
  private countOneDay(row: number, heldOnD: boolean): void {
    const { block, stride } = this.out;
    this.dilBlock[row] = ONE_DAY_BIT;
    this.dilSet[row] = this.mark;
    block[row * stride] = (block[row * stride] as number) + 1;
    const rot = this.rotationBase + row * stride;
    if (!heldOnD) block[rot] = (block[rot] as number) + 1;
  }

  /** A range of days: assigned runs, each workload row's licensed activity, the ALL row over measured days. */
  private licensed(u: number, p: number): void {
    const { words, out, l, lic, tmp, dilBlock, act } = this;
    const { hold } = this.holding;
    const meas = this.usage.meas;
    const hOff = (u * this.nProducts + p) * words;
    // Holding bits are read in place (hold[hOff + i]): a view per user and product would cost a
    // million allocations.
    for (let i = 0; i < words; i++) tmp[i] = hold[hOff + i] as number;
    addRuns(tmp, words, this.g.nBits, this.g.lead, out.block, assignedAt(out, p));
    const r0 = l.firstRow[p] as number;
    const r1 = rowsEnd(l, p);
    // ALL: active in a workload of the product measured that day.
    const all = dilBlock.subarray(r0 * words, (r0 + 1) * words);
    all.fill(0);
    let anyAll = false;
    for (let r = r0 + 1; r < r1; r++) {
      const code = l.rowCode[r] as number;
      const aOff = (u * NW + code) * words;
      let any = false;
      for (let i = 0; i < words; i++) {
        const v = ((act[aOff + i] as number) & (hold[hOff + i] as number)) >>> 0;
        lic[i] = v;
        if (v !== 0) any = true;
      }
      if (!any) continue;
      dilate(lic, dilBlock.subarray(r * words, (r + 1) * words), this.t1, this.t2, this.t3, words, false);
      this.countDilated(r, hOff);
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
    if (anyAll) this.countDilated(r0, hOff);
  }

  /** Adds the active and rotation runs of the row's dilated bits (kept in dilBlock). */
  private countDilated(row: number, hOff: number): void {
    const { words, out, tmp } = this;
    const { hold } = this.holding;
    const d = this.dilBlock.subarray(row * words, (row + 1) * words);
    this.dilSet[row] = this.mark;
    addRuns(d, words, this.g.nBits, this.g.lead, out.block, activeAt(out, row));
    for (let i = 0; i < words; i++) tmp[i] = ((d[i] as number) & ~(hold[hOff + i] as number)) >>> 0;
    addRuns(tmp, words, this.g.nBits, this.g.lead, out.block, rotationAt(out, row));
  }

  /**
   * Unlicensed use of an open workload: days the user was active in it without a product including
   * it in the window, and with no licensed activity in it there (SPEC §2.1: then only where
   * licensed), go to the target product's workload row; the ALL rows take them on measured days.
   */
  private unlicensed(u: number, o: OpenWorkload): void {
    const { words, lic, licAll, dil, tmp, extraAll, extraAllSet, out, l } = this;
    const { hold, holds } = this.holding;
    const P = this.nProducts;
    const aOff = (u * NW + o.w) * words;
    let anyUnlicensed = false;
    let anyLicensed = false;
    for (let i = 0; i < words; i++) {
      let covered = 0;
      for (const q of o.including)
        if (holds[u * P + q] === 1) covered |= hold[(u * P + q) * words + i] as number;
      const a = this.act[aOff + i] as number;
      const v = (a & ~covered) >>> 0;
      const lv = (a & covered) >>> 0;
      lic[i] = v;
      licAll[i] = lv;
      if (v !== 0) anyUnlicensed = true;
      if (lv !== 0) anyLicensed = true;
    }
    if (!anyUnlicensed) return;
    const oneDay = this.g.oneDay;
    dilate(lic, dil, this.t1, this.t2, this.t3, words, oneDay);
    if (anyLicensed) {
      // Days on which a licensed W fact lies in the window: the user counts only where licensed.
      dilate(licAll, this.dilLicensed, this.t1, this.t2, this.t3, words, oneDay);
      for (let i = 0; i < words; i++) dil[i] = ((dil[i] as number) & ~(this.dilLicensed[i] as number)) >>> 0;
    }
    // The W row of the target cannot hold the user that day (licensed there means licensed).
    const mOff = o.w * words;
    const meas = this.usage.meas;
    for (const [q, target] of o.targets) {
      const prod = this.products[q];
      if (prod === undefined) continue;
      const wRow =
        (l.firstRow[q] as number) + 1 + prod.workloads.indexOf(WORKLOAD_CODES[o.w] as WorkloadCode);
      let anyExtra = false;
      const eOff = q * words;
      if (extraAllSet[q] !== this.mark) {
        extraAll.fill(0, eOff, eOff + words);
        extraAllSet[q] = this.mark;
      }
      for (let i = 0; i < words; i++) {
        const inTarget = ((dil[i] as number) & (target[i] as number)) >>> 0;
        // The ALL row counts open-workload use only on days the workload is measured.
        extraAll[eOff + i] = ((extraAll[eOff + i] as number) | (inTarget & (meas[mOff + i] as number))) >>> 0;
        tmp[i] = inTarget;
        if (inTarget !== 0) anyExtra = true;
      }
      if (anyExtra) addRuns(tmp, words, this.g.nBits, this.g.lead, out.block, unlicensedAt(out, wRow));
    }
  }

  /** The user's unlicensed use in each product's ALL row, unless counted there as licensed already. */
  private unlicensedAllRows(): void {
    const { words, tmp, extraAll, extraAllSet, dilBlock, dilSet, out, l } = this;
    for (let q = 0; q < this.nProducts; q++) {
      if (extraAllSet[q] !== this.mark) continue;
      const allRow = l.firstRow[q] as number;
      const lOff = dilSet[allRow] === this.mark ? allRow * words : -1;
      const eOff = q * words;
      let anyExtra = false;
      for (let i = 0; i < words; i++) {
        const v = ((extraAll[eOff + i] as number) & ~(lOff < 0 ? 0 : (dilBlock[lOff + i] as number))) >>> 0;
        tmp[i] = v;
        if (v !== 0) anyExtra = true;
      }
      if (anyExtra) addRuns(tmp, words, this.g.nBits, this.g.lead, out.block, unlicensedAt(out, allRow));
    }
  }
}

/** Difference arrays to counts; active = licensed + unlicensed; rows whose usage is not known count nothing. */
function runningSums(out: FlatSeries, l: RowLayout): void {
  const { block, days } = out;
  for (let p = 0; p < out.products; p++) prefixInPlace(block, assignedAt(out, p), days);
  for (let r = 0; r < l.K; r++) {
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
}
