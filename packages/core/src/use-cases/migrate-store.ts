/**
 * Use-case: copy a whole store into another, empty one — embedded to PostgreSQL or back
 * (`insights migrate-store`). Every table's rows go across in the engine-neutral form of
 * `StoreReader.tableRows` (one snapshot of the source), into one write unit of the target: all or
 * nothing. Then the copy is verified through the stores' own reads, so each engine answers for
 * itself: the rows of every table, and per partner a checksum of the stored metrics (every metric
 * run and every per-customer sum run, order-independent).
 */
import { dayOf } from '../dates';
import { AppError } from '../errors';
import {
  type MetricRunColumns,
  STORE_TABLES,
  type Store,
  type StoreTable,
  type SumRunColumns,
} from '../store/store';

/** What a copy needs of a store (both ends). */
export type CopyableStore = Pick<
  Store,
  | 'engine'
  | 'location'
  | 'tableRows'
  | 'tableCounts'
  | 'load'
  | 'partnerIds'
  | 'metricsPlan'
  | 'metricRunColumns'
  | 'sumRuns'
>;

export interface TableCopy {
  readonly table: StoreTable;
  /** Rows in the source before the copy, rows written, rows the target holds after it. */
  readonly source: number;
  readonly copied: number;
  readonly target: number;
}

export interface MetricChecksum {
  readonly partnerId: string;
  /** Metric runs and sum runs compared (per side). */
  readonly runs: number;
  readonly source: string;
  readonly target: string;
}

export interface MigrateReport {
  readonly from: { readonly engine: string; readonly location: string };
  readonly to: { readonly engine: string; readonly location: string };
  readonly tables: readonly TableCopy[];
  readonly checksums: readonly MetricChecksum[];
  /** Every count and every checksum equal. */
  readonly verified: boolean;
  readonly seconds: number;
}

export async function migrateStore(
  from: CopyableStore,
  to: CopyableStore,
  onTable?: (table: StoreTable, rows: number) => void,
): Promise<MigrateReport> {
  const started = performance.now();
  if (from.location === to.location && from.engine === to.engine)
    throw new AppError('usage.invalid_argument', 'the source and the target are the same store');
  const before = await from.tableCounts();
  const copied = await to.load((table) => counted(from.tableRows(table), (n) => onTable?.(table, n)));
  const after = await to.tableCounts();
  const tables = STORE_TABLES.map((table) => ({
    table,
    source: before[table],
    copied: copied[table],
    target: after[table],
  }));
  const checksums: MetricChecksum[] = [];
  for (const partnerId of await from.partnerIds()) {
    const [a, b] = [await metricChecksum(from, partnerId), await metricChecksum(to, partnerId)];
    checksums.push({ partnerId, runs: a.runs, source: a.sum, target: b.sum });
  }
  const verified =
    tables.every((t) => t.source === t.copied && t.copied === t.target) &&
    checksums.every((c) => c.source === c.target);
  return {
    from: { engine: from.engine, location: from.location },
    to: { engine: to.engine, location: to.location },
    tables,
    checksums,
    verified,
    seconds: (performance.now() - started) / 1000,
  };
}

/** The batches of a table as they pass, with a running count of rows. */
async function* counted(
  batches: AsyncIterable<string[]>,
  onRows: (rows: number) => void,
): AsyncGenerator<string[], void, undefined> {
  let rows = 0;
  for await (const batch of batches) {
    rows += batch.length;
    onRows(rows);
    yield batch;
  }
}

/**
 * A partner's stored metrics as one checksum: every metric run (ALL and workload rows) and every
 * sum run, each hashed with its customer, product and cell names, summed order-independently.
 */
export async function metricChecksum(
  store: Pick<Store, 'metricsPlan' | 'metricRunColumns' | 'sumRuns'>,
  partnerId: string,
): Promise<{ runs: number; sum: string }> {
  const plan = await store.metricsPlan(partnerId);
  const acc = new RunSum();
  if (plan.computed !== null) {
    const { firstDay, lastDay } = plan.computed;
    for (const w of ['ALL', 'each'] as const) {
      addMetricRuns(acc, w, await store.metricRunColumns(partnerId, firstDay, lastDay, w, null));
      addSumRuns(acc, w, await store.sumRuns(partnerId, firstDay, lastDay, w));
    }
    acc.add(`computed ${dayOf(firstDay)} ${dayOf(lastDay)}`);
  }
  return { runs: acc.count, sum: acc.digest() };
}

function addMetricRuns(acc: RunSum, w: string, r: MetricRunColumns): void {
  for (let i = 0; i < r.count; i++) {
    const values = Array.from(r.values.subarray(i * 9, i * 9 + 9)).join(',');
    acc.add(
      `m ${w} ${r.customerIds[r.customer[i] as number]}\u0000${r.productIds[r.product[i] as number]}\u0000${r.workload[i]} ${r.first[i]} ${r.last[i]} ${values}`,
    );
  }
}

function addSumRuns(acc: RunSum, w: string, r: SumRunColumns): void {
  const F = r.count === 0 ? 0 : r.values.length / r.count;
  for (let i = 0; i < r.count; i++) {
    const values = Array.from(r.values.subarray(i * F, i * F + F)).join(',');
    acc.add(
      `s ${w} ${r.customerIds[r.customer[i] as number]}\u0000${r.cell[i]} ${r.first[i]} ${r.last[i]} ${values}`,
    );
  }
}

/** An order-independent sum of 2 × 32-bit FNV-1a hashes (two seeds) of the runs' texts. */
class RunSum {
  count = 0;
  private a = 0;
  private b = 0;
  add(text: string): void {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ 0x5bd1e995;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    }
    this.a = (this.a + (h1 >>> 0)) >>> 0;
    this.b = (this.b + ((h2 ^ (h2 >>> 15)) >>> 0)) >>> 0;
    this.count++;
  }
  digest(): string {
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    return `${hex(this.a)}${hex(this.b)}-${this.count}`;
  }
}
