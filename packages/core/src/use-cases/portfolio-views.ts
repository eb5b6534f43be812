/**
 * Use-cases: the portfolio views of the API — summary, trend, breakdowns, the customer table — for
 * a caller who sees some of the partner's customers, with the filters of contracts/portfolio.ts.
 * The numbers are the portfolio report's (`getPortfolioReport`): roll-ups of the same rows by the
 * same definitions (metrics/sums.ts), month over month by the same rules (`monthOverMonthOf`).
 *
 * Fast at 10 000 customers: the views read the per-customer sums the compute stored
 * (`customer_sums`: a few cells per customer and day, never the day's metrics rows; metric runs of
 * one product only for product views and the per-product breakdown), fold them per customer once,
 * and keep what they read and folded in memory while the store has committed nothing new
 * (`store.commitCount()`: one process owns the embedded store). A view is then a loop over the
 * caller's customers, and a repeated view (the same scope, filters and commit) is remembered.
 * The memory is bounded (least recently used entries go first) and belongs to the object: the
 * server makes one.
 *
 * A view assembled from several reads is consistent: when a commit lands while it is assembled,
 * it is assembled again.
 */
import {
  type CatalogProduct,
  type CustomerRecord,
  type CustomerSort,
  type CustomerTable,
  type CustomerTableRequest,
  type CustomerTableRow,
  type MonthOverMonth,
  type PortfolioBreakdown,
  type PortfolioBreakdownRequest,
  type PortfolioFilter,
  type PortfolioFilterEcho,
  type PortfolioSummary,
  type PortfolioSummaryRequest,
  type PortfolioTrend,
  type PortfolioTrendRequest,
  SERVICE_CODES,
  SERVICE_NAMES,
  type ServiceCode,
  type StaleMetrics,
  USAGE_BANDS,
  type UsageBand,
  WORKLOAD_CODES,
  WORKLOAD_NAMES,
  type WorkloadCode,
} from '@license-insights/contracts';
import { effectiveCatalog, shippedCatalog } from '../catalog/catalog';
import { addDays, dayOf, formatDay } from '../dates';
import { AppError } from '../errors';
import { addSums, bandOfSums, comparableSums, F, totalsOfSums, usagePercentOfSums } from '../metrics/sums';
import {
  allowedCustomers,
  type CustomerVectors,
  foldByCustomer,
  foldByDay,
  foldByKey,
  type Slice,
  type SumRows,
  sliceFilter,
  sumRowsOfCells,
  sumRowsOfRuns,
} from '../reports/portfolio-fold';
import { monthBefore } from '../reports/rollup';
import type { MetricsPlan, Store, SumWorkloads } from '../store/store';
import { staleMetricsOf } from './metrics-freshness';
import { difference, groupMembers, monthOverMonthOf, reportDayOf, STAND_IN_OFFSETS } from './report-metrics';

/** The customers a caller may see. */
export interface VisibleCustomers {
  /** A stable name of the caller's scope (views are remembered per scope): e.g. its JSON. */
  readonly key: string;
  /** Their ids; null: every customer of the partner. */
  readonly ids: ReadonlySet<string> | null;
}

/** Who asks: the partner and the customers the caller may see. */
export interface PortfolioCaller {
  readonly partnerId: string;
  readonly visible: VisibleCustomers;
}

export type PortfolioSummaryQuery = PortfolioSummaryRequest & PortfolioCaller;
export type PortfolioTrendQuery = PortfolioTrendRequest & PortfolioCaller;
export type PortfolioBreakdownQuery = PortfolioBreakdownRequest & PortfolioCaller;
export type CustomerTableQuery = CustomerTableRequest & PortfolioCaller;

/** What every view of a partner starts from, read in one unit of work. */
interface Base {
  readonly plan: MetricsPlan;
  readonly catalog: ReadonlyMap<string, CatalogProduct>;
  readonly customers: readonly CustomerRecord[];
  readonly byId: ReadonlyMap<string, CustomerRecord>;
}

/** A view's customers and slice, resolved against the base. */
interface Resolved {
  readonly base: Base;
  readonly day: string;
  readonly echo: PortfolioFilterEcho;
  readonly slice: Slice;
  /** The slice's name in memo keys. */
  readonly sliceKey: string;
  /** Whether a customer is the caller's to see and in the group; null: every customer. */
  readonly allow: ((id: string) => boolean) | null;
  /** The customers of the stale signal's scope (undefined: all). */
  readonly scope: readonly string[] | undefined;
  /** The name of the customers allowed, in memo keys. */
  readonly allowKey: string;
}

/** Per-customer month over month of a day and slice: the compared sums of each customer of the view. */
interface Comparison {
  readonly comparedDay: string;
  /** Per customer of `now` (same index): 0 not compared, 1 on the compared day, 2 on a stand-in day. */
  readonly kind: Uint8Array;
  /** Customer k's sums on its compared day at `then[k · F]`. */
  readonly then: Float64Array;
}

/** Rows of the customer table before the caller's filters, with what sorting and searching need. */
interface TableRow {
  readonly row: CustomerTableRow;
  readonly text: string;
  readonly deploymentPercent: number | null;
  readonly usagePercent: number | null;
  readonly bandRank: number;
}

const DEFAULT_PAGE_SIZE = 50;
const DEFAULT_TREND_DAYS = 28;
/** Times a view is assembled again when commits keep landing while it is. */
const ATTEMPTS = 3;

export class PortfolioViews {
  private commits = -1;
  private entries = new Map<string, Promise<unknown>>();

  /** `maxEntries`: reads, folds and views kept (least recently used go first). */
  constructor(
    private readonly store: Store,
    private readonly maxEntries = 512,
  ) {}

  /** Totals, month over month, usage bands and number of customers of a day. */
  summary(q: PortfolioSummaryQuery): Promise<PortfolioSummary> {
    return this.consistent(async () => {
      const r = await this.resolve(q, q);
      return this.memo(`summary|${r.allowKey}|${r.sliceKey}|${r.day}|${q.band ?? ''}`, async () => {
        const now = await this.customerVectors(q.partnerId, r.day, r.slice);
        const cmp = await this.comparison(q.partnerId, r.day, r.slice);
        const keep = this.kept(now, r, q.band);
        const totals = new Float64Array(F);
        const bands = Object.fromEntries(USAGE_BANDS.map((b) => [b, 0])) as Record<UsageBand, number>;
        for (const k of keep) {
          addSums(totals, 0, now.sums, k * F);
          bands[bandOfSums(now.sums, k * F)]++;
        }
        return {
          filter: r.echo,
          totals: totalsOfSums(totals),
          monthOverMonth: monthOverMonthOfSums(now, cmp, keep),
          bands,
          customers: keep.length,
          stale: this.stale(r),
        };
      });
    });
  }

  /** One point per day (oldest first) over a range of days, each the roll-up of that day. */
  trend(q: PortfolioTrendQuery): Promise<PortfolioTrend> {
    return this.consistent(async () => {
      const r = await this.resolve(q, { ...q, day: q.to ?? q.day });
      const computed = r.base.plan.computed;
      const to = r.day;
      const asked = q.from ?? addDays(to, -((q.days ?? DEFAULT_TREND_DAYS) - 1));
      if (asked > to)
        throw new AppError(
          'usage.invalid_argument',
          `the trend's first day ${asked} is after its last day ${to}`,
        );
      // Within the days metrics cover (reportDayOf made sure there are some).
      const from = computed !== null && asked < computed.firstDay ? computed.firstDay : asked;
      return this.memo(`trend|${r.allowKey}|${r.sliceKey}|${from}|${to}`, async () => {
        const rows = await this.rows(q.partnerId, from, to, 'ALL', r.slice.product);
        const days = dayOf(to) - dayOf(from) + 1;
        const sums = foldByDay(
          rows,
          sliceFilter(rows, r.slice),
          allowedCustomers(rows.customerIds, r.allow),
          dayOf(from),
          days,
        );
        return {
          filter: r.echo,
          from,
          to,
          points: Array.from({ length: days }, (_, d) => ({
            day: formatDay(dayOf(from) + d),
            totals: totalsOfSums(sums, d * F),
          })),
          stale: this.stale(r),
        };
      });
    });
  }

  /** Roll-ups per service, product, workload or customer group, sorted by key. */
  breakdown(q: PortfolioBreakdownQuery): Promise<PortfolioBreakdown> {
    return this.consistent(async () => {
      const r = await this.resolve(q, q);
      return this.memo(`breakdown|${q.by}|${r.allowKey}|${r.sliceKey}|${r.day}|${q.band ?? ''}`, async () => {
        const now = await this.customerVectors(q.partnerId, r.day, r.slice);
        const kept = new Set(this.kept(now, r, q.band).map((k) => now.ids[k] as string));
        const allow = (id: string) => kept.has(id);
        const items: { key: string; name: string; totals: PortfolioBreakdown['items'][number]['totals'] }[] =
          [];
        if (q.by === 'group') {
          const groups = new Map<string, Float64Array>();
          for (const id of kept) {
            for (const g of r.base.byId.get(id)?.groups ?? []) {
              let v = groups.get(g);
              if (v === undefined) {
                v = new Float64Array(F);
                groups.set(g, v);
              }
              addSums(v, 0, now.sums, (now.index.get(id) as number) * F);
            }
          }
          for (const [key, v] of groups) items.push({ key, name: key, totals: totalsOfSums(v) });
        } else {
          // Products are told apart by the metric runs; services and workloads by the sums' cells
          // (or, for a view of one product, by its runs).
          const rows = await this.rows(
            q.partnerId,
            r.day,
            r.day,
            q.by === 'workload' ? 'each' : 'ALL',
            q.by === 'product' ? (r.slice.product ?? ALL_PRODUCTS) : r.slice.product,
          );
          const folded = foldByKey(
            rows,
            sliceFilter(rows, r.slice),
            allowedCustomers(rows.customerIds, allow),
            (i): string =>
              q.by === 'service'
                ? (SERVICE_CODES[rows.service[i] as number] as string)
                : q.by === 'workload'
                  ? (WORKLOAD_CODES[(rows.workload[i] as number) - 1] as string)
                  : (rows.productIds[rows.product[i] as number] as string),
          );
          for (const [key, v] of folded) {
            const name =
              q.by === 'service'
                ? SERVICE_NAMES[key as ServiceCode]
                : q.by === 'workload'
                  ? WORKLOAD_NAMES[key as WorkloadCode]
                  : (r.base.catalog.get(key)?.name ?? key);
            items.push({ key, name, totals: totalsOfSums(v) });
          }
        }
        items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        return { filter: r.echo, by: q.by, items, stale: this.stale(r) };
      });
    });
  }

  /** A page of the customer table: filtered, sorted, with the number of customers on every page. */
  customers(q: CustomerTableQuery): Promise<CustomerTable> {
    return this.consistent(async () => {
      const r = await this.resolve(q, q);
      const sort = q.sort ?? 'name';
      const order = q.order ?? 'asc';
      const sorted = await this.memo(
        `table|${q.partnerId}|${r.sliceKey}|${r.day}|${sort}|${order}`,
        async () => sortRows(await this.tableRows(q.partnerId, r.day, r.slice), sort, order),
      );
      const search = q.search === undefined || q.search === '' ? null : q.search.toLowerCase();
      const page = q.page ?? 1;
      const pageSize = q.pageSize ?? DEFAULT_PAGE_SIZE;
      const skip = (page - 1) * pageSize;
      const rows: CustomerTableRow[] = [];
      let total = 0;
      for (const t of sorted) {
        if (r.allow !== null && !r.allow(t.row.customerId)) continue;
        if (q.band !== undefined && t.row.band !== q.band) continue;
        if (search !== null && !t.text.includes(search)) continue;
        if (total >= skip && rows.length < pageSize) rows.push(t.row);
        total++;
      }
      return {
        filter: { ...r.echo, search },
        sort,
        order,
        page,
        pageSize,
        total,
        rows,
        stale: this.stale(r),
      };
    });
  }

  // ——— the caller, the filters and the day ———

  private async resolve(q: PortfolioFilter & PortfolioCaller, at: { readonly day?: string | undefined }) {
    const base = await this.base(q.partnerId);
    const day = reportDayOf(base.plan, at.day);
    const view = q.view ?? 'all';
    if (q.product !== undefined && !base.catalog.has(q.product)) {
      throw new AppError(
        'not_found',
        `no product ${JSON.stringify(q.product)}: neither the catalog nor the partner's data knows it (products are named by their productId, the lower-case skuId)`,
      );
    }
    const slice: Slice = {
      ownOnly: view === 'own',
      service: q.service === undefined ? -1 : SERVICE_CODES.indexOf(q.service),
      product: q.product ?? null,
    };
    // (A product of another service than the one asked for keeps no rows: its rows' service differs.)
    const ids = q.visible.ids;
    let allow: ((id: string) => boolean) | null = ids === null ? null : (id) => ids.has(id);
    let scope: readonly string[] | undefined =
      ids === null ? undefined : base.customers.filter((c) => ids.has(c.customerId)).map((c) => c.customerId);
    if (q.group !== undefined) {
      const visible = ids === null ? base.customers : base.customers.filter((c) => ids.has(c.customerId));
      const members = new Set(groupMembers(visible, q.group));
      allow = (id) => members.has(id);
      scope = [...members];
    }
    const resolved: Resolved = {
      base,
      day,
      echo: {
        day,
        view,
        service: q.service ?? null,
        group: q.group ?? null,
        product: q.product ?? null,
        band: q.band ?? null,
      },
      slice,
      sliceKey: `${q.partnerId}|${view}|${q.service ?? '*'}|${q.product ?? '*'}`,
      allow,
      scope,
      allowKey: `${q.partnerId}|${q.visible.key}|${q.group ?? ''}`,
    };
    return resolved;
  }

  /** Indexes (in `now`) of the customers a view keeps: allowed, and in the band if one is asked. */
  private kept(now: CustomerVectors, r: Resolved, band: UsageBand | undefined): number[] {
    const out: number[] = [];
    for (let k = 0; k < now.ids.length; k++) {
      if (r.allow !== null && !r.allow(now.ids[k] as string)) continue;
      if (band !== undefined && bandOfSums(now.sums, k * F) !== band) continue;
      out.push(k);
    }
    return out;
  }

  private stale(r: Resolved): StaleMetrics | null {
    return staleMetricsOf(r.base.plan, r.day, r.scope);
  }

  // ——— reads and folds, remembered while nothing is committed ———

  private base(partnerId: string): Promise<Base> {
    return this.memo(`base|${partnerId}`, () =>
      this.store.read(async (q) => {
        const plan = await q.metricsPlan(partnerId);
        const products = effectiveCatalog(shippedCatalog().products, await q.partnerProducts(partnerId));
        const customers = await q.customers(partnerId);
        return {
          plan,
          catalog: new Map(products.map((p) => [p.productId, p])),
          customers,
          byId: new Map(customers.map((c) => [c.customerId, c])),
        };
      }),
    );
  }

  /**
   * Sum rows over days `from` … `to`: the stored per-customer sums (product null), or the metric
   * runs of one product, or of every product (ALL_PRODUCTS).
   */
  private rows(
    partnerId: string,
    from: string,
    to: string,
    workloads: SumWorkloads,
    product: string | null,
  ): Promise<SumRows> {
    return this.memo(`rows|${partnerId}|${from}|${to}|${workloads}|${product ?? ''}`, async () => {
      if (product === null) return sumRowsOfCells(await this.store.sumRuns(partnerId, from, to, workloads));
      const base = await this.base(partnerId);
      const runs = await this.store.metricRunColumns(
        partnerId,
        from,
        to,
        workloads,
        product === ALL_PRODUCTS ? null : product,
      );
      return sumRowsOfRuns(runs, (id) => base.catalog.get(id)?.service ?? 'OTHER');
    });
  }

  /** Each customer's sums on a day in a slice (customers with a row of the slice only). */
  private customerVectors(partnerId: string, day: string, slice: Slice): Promise<CustomerVectors> {
    return this.memo(`vectors|${partnerId}|${day}|${sliceName(slice)}`, async () => {
      const rows = await this.rows(partnerId, day, day, 'ALL', slice.product);
      return foldByCustomer(rows, sliceFilter(rows, slice));
    });
  }

  /**
   * Month over month per customer (SPEC §2): a customer comparable on D (known usage, no partial
   * window) is compared with the same day a month earlier, or else the nearest comparable day at
   * most 3 days from it (earlier first on ties); the others are not compared.
   */
  private comparison(partnerId: string, day: string, slice: Slice): Promise<Comparison> {
    return this.memo(`comparison|${partnerId}|${day}|${sliceName(slice)}`, async () => {
      const now = await this.customerVectors(partnerId, day, slice);
      const comparedDay = monthBefore(day);
      const kind = new Uint8Array(now.ids.length);
      const then = new Float64Array(now.ids.length * F);
      let missing: number[] = [];
      for (let k = 0; k < now.ids.length; k++) if (comparableSums(now.sums, k * F)) missing.push(k);
      const tryDay = async (d: string, mark: number) => {
        if (missing.length === 0) return;
        const past = await this.customerVectors(partnerId, d, slice);
        missing = missing.filter((k) => {
          const at = past.index.get(now.ids[k] as string);
          if (at === undefined || !comparableSums(past.sums, at * F)) return true;
          kind[k] = mark;
          then.set(past.sums.subarray(at * F, (at + 1) * F), k * F);
          return false;
        });
      };
      await tryDay(comparedDay, 1);
      for (const offset of STAND_IN_OFFSETS) await tryDay(addDays(comparedDay, offset), 2);
      return { comparedDay, kind, then };
    });
  }

  /** The customer table's rows of a day and slice, before the caller's filters. */
  private tableRows(partnerId: string, day: string, slice: Slice): Promise<TableRow[]> {
    return this.memo(`tableRows|${partnerId}|${day}|${sliceName(slice)}`, async () => {
      const [base, now, cmp] = await Promise.all([
        this.base(partnerId),
        this.customerVectors(partnerId, day, slice),
        this.comparison(partnerId, day, slice),
      ]);
      return now.ids.map((customerId, k) => {
        const c = base.byId.get(customerId);
        const totals = totalsOfSums(now.sums, k * F);
        const band = bandOfSums(now.sums, k * F);
        const usageChange =
          cmp.kind[k] === 0
            ? null
            : difference(usagePercentOfSums(now.sums, k * F), usagePercentOfSums(cmp.then, k * F));
        const name = c?.name ?? customerId;
        const domain = c?.domain ?? null;
        return {
          row: { customerId, name, domain, groups: c?.groups ?? [], totals, band, usageChange },
          text: `${name}\n${customerId}\n${domain ?? ''}`.toLowerCase(),
          deploymentPercent: totals.deploymentPercent,
          usagePercent: totals.usagePercent,
          bandRank: USAGE_BANDS.indexOf(band),
        };
      });
    });
  }

  // ——— memory ———

  /** Remembers `load`'s promise under `key` while the store's commit count stays the same. */
  private memo<T>(key: string, load: () => Promise<T>): Promise<T> {
    const commits = this.store.commitCount();
    if (commits !== this.commits) {
      this.commits = commits;
      this.entries = new Map();
    }
    const entries = this.entries;
    const hit = entries.get(key);
    if (hit !== undefined) {
      // Most recently used last.
      entries.delete(key);
      entries.set(key, hit);
      return hit as Promise<T>;
    }
    const loading = load();
    entries.set(key, loading);
    loading.catch(() => {
      if (entries.get(key) === loading) entries.delete(key);
    });
    while (entries.size > this.maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest === undefined) break;
      entries.delete(oldest);
    }
    return loading;
  }

  /** Assembles a view again when a commit landed while it was assembled (its reads straddled it). */
  private async consistent<T>(assemble: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const before = this.store.commitCount();
      const out = await assemble();
      if (this.store.commitCount() === before || attempt >= ATTEMPTS) return out;
    }
  }
}

/** The rows of every product (the per-product breakdown reads metric runs, not the sums). */
const ALL_PRODUCTS = '\u0000all';

function sliceName(s: Slice): string {
  return `${s.ownOnly ? 'own' : 'all'}|${s.service}|${s.product ?? '*'}`;
}

/** Month over month of the kept customers (indexes in `now`), by the report's rules. */
function monthOverMonthOfSums(
  now: CustomerVectors,
  cmp: Comparison,
  keep: readonly number[],
): MonthOverMonth {
  const a = new Float64Array(F);
  const b = new Float64Array(F);
  let compared = 0;
  let standIns = 0;
  for (const k of keep) {
    const kind = cmp.kind[k] as number;
    if (kind === 0) continue;
    compared++;
    if (kind === 2) standIns++;
    addSums(a, 0, now.sums, k * F);
    addSums(b, 0, cmp.then, k * F);
  }
  return monthOverMonthOf(
    cmp.comparedDay,
    keep.length,
    compared,
    standIns,
    compared === 0 ? null : totalsOfSums(a),
    compared === 0 ? null : totalsOfSums(b),
  );
}

/** Nulls last in either order. */
function byNumber(x: number | null, y: number | null, sign: number): number {
  if (x === null) return y === null ? 0 : 1;
  if (y === null) return -1;
  return sign * (x - y);
}

function sortRows(rows: readonly TableRow[], sort: CustomerSort, order: 'asc' | 'desc'): TableRow[] {
  const sign = order === 'asc' ? 1 : -1;
  const text = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const tie = (a: TableRow, b: TableRow) =>
    text(a.row.name.toLowerCase(), b.row.name.toLowerCase()) || text(a.row.customerId, b.row.customerId);
  const key = (a: TableRow, b: TableRow): number => {
    const t = a.row.totals;
    const u = b.row.totals;
    switch (sort) {
      case 'name':
        return sign * tie(a, b);
      case 'customerId':
        return sign * text(a.row.customerId, b.row.customerId);
      case 'sold':
        return sign * (t.sold - u.sold);
      case 'soldOwn':
        return sign * (t.soldOwn - u.soldOwn);
      case 'assigned':
        return sign * (t.assigned - u.assigned);
      case 'active':
        return byNumber(t.active, u.active, sign);
      case 'deploymentPercent':
        return byNumber(a.deploymentPercent, b.deploymentPercent, sign);
      case 'usagePercent':
        return byNumber(a.usagePercent, b.usagePercent, sign);
      case 'band':
        return sign * (a.bandRank - b.bandRank);
      case 'usageChange':
        return byNumber(a.row.usageChange, b.row.usageChange, sign);
    }
  };
  return [...rows].sort((a, b) => key(a, b) || tie(a, b));
}
