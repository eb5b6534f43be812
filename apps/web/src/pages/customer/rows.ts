/** Pure helpers of the products table: rows grouped per product, reasons in order, why a value is null. */
import {
  type MetricsRow,
  type ReasonCode,
  type Reasons,
  USAGE_REASON_CODES,
} from '@license-insights/contracts';
import type { NullReason } from '../../components/Value';

export interface ProductGroup {
  readonly product: MetricsRow;
  readonly workloads: readonly MetricsRow[];
}

/** The rows as products (the `ALL` row) each with its workload rows, in the API's order. */
export function groupRows(rows: readonly MetricsRow[]): ProductGroup[] {
  const byProduct = new Map<string, { product?: MetricsRow; workloads: MetricsRow[] }>();
  for (const r of rows) {
    const g = byProduct.get(r.productId) ?? { workloads: [] };
    if (r.workloadCode === 'ALL') g.product = r;
    else g.workloads.push(r);
    byProduct.set(r.productId, g);
  }
  return [...byProduct.values()].flatMap((g) =>
    g.product === undefined ? [] : [{ product: g.product, workloads: g.workloads }],
  );
}

/** Why a row's usage is null: nothing sold, or no source measures it. */
export function usageNullReason(r: MetricsRow): NullReason {
  if (r.licensesSold === 0) return 'notSold';
  return r.usageKnown ? 'unknown' : 'notMeasured';
}

/** The non-zero reasons, in the decomposition order of SPEC §2.1. */
export function reasonEntries(r: Reasons | null | undefined): [ReasonCode, number][] {
  if (r === null || r === undefined) return [];
  return USAGE_REASON_CODES.flatMap((code) => {
    const n = r[code] ?? 0;
    return n > 0 ? [[code, n] as [ReasonCode, number]] : [];
  });
}

export function hasReasons(r: Reasons | null | undefined): boolean {
  return reasonEntries(r).length > 0;
}
