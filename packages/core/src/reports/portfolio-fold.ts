/**
 * Folding per-customer sums into the portfolio views' roll-ups. Two sources give the same shape,
 * `SumRows` (a sums vector of metrics/sums.ts per customer × channel side × service × workload, and
 * product where known, over a run of days): the stored per-customer sums (`customer_sums`, one
 * vector per cell) and metric runs (one vector per row, for views of one product and the
 * per-product breakdown). A view keeps the rows of its slice — the own side only for the own view,
 * one service, one product — and adds their vectors per customer, per key or per day. Pure.
 */
import { SERVICE_CODES, type ServiceCode } from '@license-insights/contracts';
import { serviceIndex } from '../metrics/sum-runs';
import { addRowCounts, addSums, F } from '../metrics/sums';
import type { MetricRunColumns, SumRunColumns } from '../store/store';

/** Sums vectors with their keys and days (row i's vector at `values[i · F]`). */
export interface SumRows {
  readonly customerIds: readonly string[];
  readonly productIds: readonly string[];
  readonly count: number;
  readonly customer: Int32Array;
  /** 1: the product was sold by the partner itself (sold_own > 0) on these days. */
  readonly own: Uint8Array;
  /** Index in SERVICE_CODES. */
  readonly service: Uint8Array;
  /** Index in productIds; −1 for the stored sums (their cells add products up). */
  readonly product: Int32Array;
  /** 0: ALL (the products as a whole), else 1 + index in WORKLOAD_CODES. */
  readonly workload: Uint8Array;
  readonly first: Int32Array;
  readonly last: Int32Array;
  readonly values: Int32Array;
}

const SERVICES = SERVICE_CODES.length;
const WORKLOAD_SLOTS = 8;

/** The stored per-customer sums as sum rows. */
export function sumRowsOfCells(c: SumRunColumns): SumRows {
  const own = new Uint8Array(c.count);
  const service = new Uint8Array(c.count);
  const workload = new Uint8Array(c.count);
  for (let i = 0; i < c.count; i++) {
    const cell = c.cell[i] as number;
    own[i] = cell >= SERVICES * WORKLOAD_SLOTS ? 1 : 0;
    service[i] = Math.floor((cell % (SERVICES * WORKLOAD_SLOTS)) / WORKLOAD_SLOTS);
    workload[i] = cell % WORKLOAD_SLOTS;
  }
  return {
    customerIds: c.customerIds,
    productIds: [],
    count: c.count,
    customer: c.customer,
    own,
    service,
    product: new Int32Array(c.count).fill(-1),
    workload,
    first: c.first,
    last: c.last,
    values: c.values,
  };
}

/** Metric runs as sum rows: each row's sums as the compute would store them (sums.ts). */
export function sumRowsOfRuns(r: MetricRunColumns, serviceOf: (productId: string) => ServiceCode): SumRows {
  const services = r.productIds.map((id) => serviceIndex(serviceOf(id)));
  const values = new Int32Array(r.count * F);
  const own = new Uint8Array(r.count);
  const service = new Uint8Array(r.count);
  const v = r.values;
  for (let i = 0; i < r.count; i++) {
    const at = i * 9;
    addRowCounts(
      values,
      i * F,
      v[at] as number,
      v[at + 1] as number,
      v[at + 2] as number,
      v[at + 3] as number,
      v[at + 4] as number,
      v[at + 5] as number,
      v[at + 6] as number,
      v[at + 7] as number,
      v[at + 8] as number,
    );
    own[i] = (v[at + 1] as number) > 0 ? 1 : 0;
    service[i] = services[r.product[i] as number] as number;
  }
  return {
    customerIds: r.customerIds,
    productIds: r.productIds,
    count: r.count,
    customer: r.customer,
    own,
    service,
    product: r.product,
    workload: r.workload,
    first: r.first,
    last: r.last,
    values,
  };
}

/** Which rows a view keeps: the own side only (own view), one service, one product. */
export interface Slice {
  readonly ownOnly: boolean;
  /** Index in SERVICE_CODES, or −1: every service. */
  readonly service: number;
  /** A productId, or null: every product. */
  readonly product: string | null;
}

/** A row predicate for a slice over some rows (a product the rows do not know keeps none). */
export function sliceFilter(rows: SumRows, slice: Slice): (i: number) => boolean {
  const product = slice.product === null ? -1 : rows.productIds.indexOf(slice.product);
  if (slice.product !== null && product < 0) return () => false;
  return (i) =>
    (!slice.ownOnly || rows.own[i] === 1) &&
    (slice.service < 0 || rows.service[i] === slice.service) &&
    (product < 0 || rows.product[i] === product);
}

/** Per-customer vectors: the customers that have a kept row, sorted by id, each with its sums. */
export interface CustomerVectors {
  readonly ids: readonly string[];
  readonly index: ReadonlyMap<string, number>;
  /** Customer k's sums at `sums[k · F]`. */
  readonly sums: Float64Array;
}

/** Adds the kept rows' vectors per customer. */
export function foldByCustomer(rows: SumRows, keep: (i: number) => boolean): CustomerVectors {
  const slot = new Int32Array(rows.customerIds.length).fill(-1);
  let n = 0;
  for (let i = 0; i < rows.count; i++) {
    if (!keep(i)) continue;
    const c = rows.customer[i] as number;
    if (slot[c] === -1) slot[c] = n++;
  }
  // customerIds are sorted and slots are handed out in row order: renumber in id order.
  const ids: string[] = [];
  const order = new Int32Array(rows.customerIds.length).fill(-1);
  for (let c = 0; c < rows.customerIds.length; c++) {
    if (slot[c] === -1) continue;
    order[c] = ids.length;
    ids.push(rows.customerIds[c] as string);
  }
  const sums = new Float64Array(ids.length * F);
  for (let i = 0; i < rows.count; i++) {
    if (!keep(i)) continue;
    addSums(sums, (order[rows.customer[i] as number] as number) * F, rows.values, i * F);
  }
  return { ids, index: new Map(ids.map((id, k) => [id, k])), sums };
}

/** Adds the kept rows' vectors per key (rows of customers `allowed` only; null: all). */
export function foldByKey<K>(
  rows: SumRows,
  keep: (i: number) => boolean,
  allowed: Uint8Array | null,
  keyOf: (i: number) => K,
): Map<K, Float64Array> {
  const out = new Map<K, Float64Array>();
  for (let i = 0; i < rows.count; i++) {
    if (!keep(i) || (allowed !== null && allowed[rows.customer[i] as number] !== 1)) continue;
    const k = keyOf(i);
    let v = out.get(k);
    if (v === undefined) {
      v = new Float64Array(F);
      out.set(k, v);
    }
    addSums(v, 0, rows.values, i * F);
  }
  return out;
}

/**
 * Per-day sums over days `from` … `from + days − 1` (day numbers) of the kept rows of customers
 * `allowed` (null: all): each row adds its vector to the days its run covers (difference arrays,
 * then running sums). Day d's sums at `(d − from) · F`.
 */
export function foldByDay(
  rows: SumRows,
  keep: (i: number) => boolean,
  allowed: Uint8Array | null,
  from: number,
  days: number,
): Float64Array {
  const diff = new Float64Array((days + 1) * F);
  const to = from + days - 1;
  for (let i = 0; i < rows.count; i++) {
    if (!keep(i) || (allowed !== null && allowed[rows.customer[i] as number] !== 1)) continue;
    const a = Math.max(rows.first[i] as number, from) - from;
    const b = Math.min(rows.last[i] as number, to) - from;
    if (a > b) continue;
    for (let k = 0; k < F; k++) {
      const x = rows.values[i * F + k] as number;
      diff[a * F + k] = (diff[a * F + k] as number) + x;
      diff[(b + 1) * F + k] = (diff[(b + 1) * F + k] as number) - x;
    }
  }
  const out = new Float64Array(days * F);
  for (let k = 0; k < F; k++) {
    let acc = 0;
    for (let d = 0; d < days; d++) {
      acc += diff[d * F + k] as number;
      out[d * F + k] = acc;
    }
  }
  return out;
}

/** Marks the customers of some rows that a predicate allows (for foldByKey / foldByDay). */
export function allowedCustomers(
  customerIds: readonly string[],
  allow: ((id: string) => boolean) | null,
): Uint8Array | null {
  if (allow === null) return null;
  const out = new Uint8Array(customerIds.length);
  customerIds.forEach((id, c) => {
    out[c] = allow(id) ? 1 : 0;
  });
  return out;
}
