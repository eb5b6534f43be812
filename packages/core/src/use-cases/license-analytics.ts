/**
 * Use-case: Partner Center–compatible license analytics (SPEC §6,
 * ../shared/partner-center-analytics-api.md). The day's metrics rows are streamed in chunks in the
 * reports' order, turned into SPEC §4 metrics rows (the same rows as the CLI report), kept by the
 * view and the kind — deployment: one row per product (the ALL rows); usage: one row per product ×
 * workload whose usage is known (SPEC §2.3), never ALL — then by the filter, and either paged
 * (`skip`, `top`) or summed per group (`groupby`). `totalCount` counts every row the query
 * returns over all its pages. Only the page (or the groups) is kept in memory.
 */
import {
  ANALYTICS_CHANNEL,
  ANALYTICS_FIELDS,
  ANALYTICS_TOP_MAX,
  type AnalyticsField,
  type DeploymentAnalyticsRow,
  type LicenseAnalyticsKind,
  type LicenseAnalyticsPage,
  type LicenseAnalyticsRequest,
  licenseAnalyticsRequestSchema,
  type MetricsRow,
  type ProductDayMetrics,
  type Totals,
  type UsageAnalyticsRow,
} from '@license-insights/contracts';
import type { z } from 'zod';
import { compileFilter, type FilterExpr, parseFilter, parseGroupBy } from '../analytics/filter';
import { TotalsBuilder } from '../reports/rollup';
import type { Store, StoreReader } from '../store/store';
import { channelViewFilter } from './metrics-rows';
import { reportContext, reportDay, toMetricsRow } from './report-metrics';
import { parseRequest } from './staff-accounts';

/** `processedDateTime` of a row: the day at midnight, without an offset (Partner Center's form). */
export function processedDateTimeOf(day: string): string {
  return `${day}T00:00:00`;
}

/** A field's value in a metrics row of a view, as the compatible endpoints show it. */
function fieldValue(row: MetricsRow, field: AnalyticsField, channel: string): string {
  switch (field) {
    case 'channel':
      return channel;
    case 'productId':
      return row.productId.toUpperCase();
    default:
      return row[field];
  }
}

export function deploymentRowOf(row: MetricsRow, channel: string): DeploymentAnalyticsRow {
  return {
    serviceCode: row.serviceCode,
    serviceName: row.serviceName,
    channel,
    customerTenantId: row.customerTenantId,
    customerName: row.customerName,
    productId: row.productId.toUpperCase(),
    productName: row.productName,
    licensesDeployed: row.licensesDeployed,
    licensesSold: row.licensesSold,
    processedDateTime: processedDateTimeOf(row.processedDateTime),
    licensesSoldOwn: row.licensesSoldOwn,
    deploymentPercent: row.deploymentPercent,
    deploymentReasons: row.deploymentReasons,
  };
}

export function usageRowOf(row: MetricsRow, channel: string): UsageAnalyticsRow {
  return {
    workloadCode: row.workloadCode,
    workloadName: row.workloadName,
    serviceCode: row.serviceCode,
    serviceName: row.serviceName,
    channel,
    customerTenantId: row.customerTenantId,
    customerName: row.customerName,
    productId: row.productId.toUpperCase(),
    productName: row.productName,
    licensesActive: row.licensesActive ?? 0,
    licensesQualified: row.licensesQualified,
    processedDateTime: processedDateTimeOf(row.processedDateTime),
    licensesSoldOwn: row.licensesSoldOwn,
    usagePercent: row.usagePercent,
    usageReasons: row.usageReasons ?? {},
    partialWindow: row.partialWindow,
  };
}

/** Whether a stored row is a row of the kind: a product's deployment, or a workload's known usage. */
function ofKind(kind: LicenseAnalyticsKind, r: ProductDayMetrics): boolean {
  return kind === 'deployment' ? r.workload === 'ALL' : r.workload !== 'ALL' && r.usageKnown;
}

/** A group's row: the fields grouped by, then the sums and the figures of the sums (ratios of sums). */
function groupRow(
  kind: LicenseAnalyticsKind,
  fields: readonly AnalyticsField[],
  values: readonly string[],
  t: Totals,
  day: string,
): DeploymentAnalyticsRow | UsageAnalyticsRow {
  const dims: Partial<Record<AnalyticsField, string>> = {};
  fields.forEach((f, i) => {
    dims[f] = values[i] ?? '';
  });
  // Fields in the row's own order (Microsoft's), whatever the order of groupby.
  const order = ANALYTICS_FIELDS[kind];
  const ordered = Object.fromEntries(order.filter((f) => f in dims).map((f) => [f, dims[f]]));
  if (kind === 'deployment') {
    return {
      ...ordered,
      licensesDeployed: t.assigned,
      licensesSold: t.sold,
      processedDateTime: processedDateTimeOf(day),
      licensesSoldOwn: t.soldOwn,
      deploymentPercent: t.deploymentPercent,
      deploymentReasons: t.deploymentReasons,
    };
  }
  return {
    ...ordered,
    licensesActive: t.active ?? 0,
    licensesQualified: t.sold,
    processedDateTime: processedDateTimeOf(day),
    licensesSoldOwn: t.soldOwn,
    usagePercent: t.usagePercent,
    usageReasons: t.usageReasons ?? {},
    partialWindow: t.partialWindow,
  };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A query checked and compiled before anything is read. */
interface AnalyticsPlan {
  readonly req: z.output<typeof licenseAnalyticsRequestSchema>;
  readonly filter: FilterExpr | null;
  readonly groupBy: AnalyticsField[] | null;
  readonly top: number;
  readonly channel: string;
}

function planOf(input: LicenseAnalyticsRequest): AnalyticsPlan {
  const req = parseRequest(licenseAnalyticsRequestSchema, input);
  const fields = ANALYTICS_FIELDS[req.kind];
  return {
    req,
    filter: req.filter === undefined ? null : parseFilter(req.filter, fields),
    groupBy: req.groupby === undefined ? null : parseGroupBy(req.groupby, fields),
    // More than the maximum is served as the maximum (the next link carries on).
    top: Math.min(req.top, ANALYTICS_TOP_MAX),
    channel: ANALYTICS_CHANNEL[req.view],
  };
}

async function licenseAnalytics(
  q: StoreReader,
  plan: AnalyticsPlan,
  chunkRows: number | undefined,
): Promise<LicenseAnalyticsPage> {
  const { req, groupBy, top, channel } = plan;
  const view = req.view;
  const day = await reportDay(q, req.partnerId, req.day);
  const ctx = await reportContext(q, req.partnerId);
  const keepView = channelViewFilter(view);
  const keep = compileFilter<MetricsRow>(plan.filter, (row, field) => fieldValue(row, field, channel));
  const toRow = req.kind === 'deployment' ? deploymentRowOf : usageRowOf;

  let total = 0;
  const page: (DeploymentAnalyticsRow | UsageAnalyticsRow)[] = [];
  const groups = new Map<string, { readonly values: string[]; readonly totals: TotalsBuilder }>();
  for await (const chunk of q.dailyMetricsChunks(req.partnerId, day, {
    ...(req.customerIds === null ? {} : { customerIds: req.customerIds }),
    ...(chunkRows === undefined ? {} : { chunkRows }),
  })) {
    for (const m of chunk) {
      // The view's filter sees every row in order (a product's ALL row decides its own-ness).
      if (!keepView(m) || !ofKind(req.kind, m)) continue;
      const row = toMetricsRow(m, ctx, view);
      if (!keep(row)) continue;
      if (groupBy !== null) {
        const values = groupBy.map((f) => fieldValue(row, f, channel));
        const key = values.join('\u0000');
        let g = groups.get(key);
        if (g === undefined) {
          g = { values, totals: new TotalsBuilder() };
          groups.set(key, g);
        }
        g.totals.add(m);
        continue;
      }
      if (total >= req.skip && total < req.skip + top) page.push(toRow(row, channel));
      total++;
    }
  }
  if (groupBy === null) return { day, totalCount: total, rows: page };
  const sorted = [...groups.values()].sort((a, b) => {
    for (let i = 0; i < a.values.length; i++) {
      const c = compareText(a.values[i] ?? '', b.values[i] ?? '');
      if (c !== 0) return c;
    }
    return 0;
  });
  return {
    day,
    totalCount: sorted.length,
    rows: sorted
      .slice(req.skip, req.skip + top)
      .map((g) => groupRow(req.kind, groupBy, g.values, g.totals.totals(), day)),
  };
}

/**
 * One page of Partner Center–compatible deployment or usage rows of a day (default: the latest
 * computed), of the partner's customers (all, or the listed ones), in one read unit. A malformed
 * filter or groupby is a `usage.invalid_argument` that says what is wrong, before anything is read.
 */
export async function getLicenseAnalytics(
  store: Store,
  req: LicenseAnalyticsRequest,
  options: { readonly chunkRows?: number; readonly memory?: LicenseAnalyticsMemory } = {},
): Promise<LicenseAnalyticsPage> {
  const plan = planOf(req);
  const memory = options.memory;
  const streamed = () => store.read((q) => licenseAnalytics(q, plan, options.chunkRows));
  if (memory === undefined) return streamed();
  // Every row of the query (all pages, up to the memory's bound), kept until the next commit: the
  // pages of a script that walks `@nextLink`, and callers repeating a query, read the day once.
  const whole = await memory.answer(plan, () =>
    store.read((q) =>
      licenseAnalytics(q, { ...plan, req: { ...plan.req, skip: 0 }, top: memory.maxRows }, options.chunkRows),
    ),
  );
  // Larger than the memory holds: this page streamed, as without a memory.
  if (whole.rows.length < whole.totalCount) return streamed();
  return {
    day: whole.day,
    totalCount: whole.totalCount,
    rows: whole.rows.slice(plan.req.skip, plan.req.skip + plan.top),
  };
}

/**
 * The whole answers (every page) of recent queries, per store commit: a commit forgets them all.
 * At most `maxRows` rows are kept over all queries (least recently used go first); an answer
 * larger than that is served and not kept.
 */
export class LicenseAnalyticsMemory {
  readonly #answers = new Map<string, { readonly answer: Promise<LicenseAnalyticsPage>; rows: number }>();
  #commit = -1;

  constructor(
    private readonly store: Pick<Store, 'commitCount'>,
    /** Rows kept over all queries; an answer with more is not kept (its pages are streamed). */
    readonly maxRows = 250_000,
  ) {}

  answer(plan: AnalyticsPlan, load: () => Promise<LicenseAnalyticsPage>): Promise<LicenseAnalyticsPage> {
    const commit = this.store.commitCount();
    if (commit !== this.#commit) {
      this.#answers.clear();
      this.#commit = commit;
    }
    const { req } = plan;
    const key = JSON.stringify([
      req.partnerId,
      req.kind,
      req.view,
      req.day ?? null,
      req.customerIds,
      req.filter ?? null,
      req.groupby ?? null,
    ]);
    const known = this.#answers.get(key);
    if (known !== undefined) {
      this.#answers.delete(key);
      this.#answers.set(key, known); // the most recently used last
      return known.answer;
    }
    const entry = { answer: load(), rows: 0 };
    this.#answers.set(key, entry);
    entry.answer.then(
      (a) => {
        if (this.#answers.get(key) !== entry) return;
        if (a.rows.length < a.totalCount) {
          this.#answers.delete(key); // too large to keep
          return;
        }
        entry.rows = a.rows.length;
        let total = 0;
        for (const e of this.#answers.values()) total += e.rows;
        for (const [k, e] of this.#answers) {
          if (total <= this.maxRows || k === key) break;
          total -= e.rows;
          this.#answers.delete(k);
        }
      },
      () => {
        if (this.#answers.get(key) === entry) this.#answers.delete(key);
      },
    );
    return entry.answer;
  }
}
