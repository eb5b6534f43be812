/**
 * Licensed users inactive for 28, 60 or 90 days (SPEC §2.3), the one definition behind the
 * customer report, the drill-down list (`insights report inactive`) and the reclaim card: holders
 * of P on D with no activity in any of P's workloads measured on D during D−N+1 … D. Only where
 * usage of P is known on D and the data of every measured workload reaches back over the N days;
 * otherwise the list is "not enough data" (or "not measured": no workload of P is measured on D,
 * e.g. a product without workloads).
 */
import type { CatalogProduct, WorkloadCode } from '@license-insights/contracts';
import { dayOf } from '../dates';
import { dataSince, type MeasuredSources, NOTHING_MEASURED } from '../metrics/measured';
import type { InactiveScope, Store } from '../store/store';

export const INACTIVE_DAYS = [28, 60, 90] as const;
export type InactiveDays = (typeof INACTIVE_DAYS)[number];

/** Whether the data can tell who is inactive: yes, not enough data, or no workload measured. */
export type InactiveAvailability = 'ok' | 'not_enough_data' | 'not_measured';

/** The workloads that count for a product over N days, or why none can. Pure. */
export function inactiveWorkloads(
  m: MeasuredSources,
  workloads: readonly WorkloadCode[],
  day: number,
  n: number,
): { readonly availability: InactiveAvailability; readonly workloads: readonly WorkloadCode[] } {
  const measured = workloads.flatMap((w) => {
    const since = dataSince(m, w, day);
    return since === null ? [] : [{ w, since }];
  });
  if (measured.length === 0) return { availability: 'not_measured', workloads: [] };
  if (measured.some((x) => x.since > day - n + 1)) return { availability: 'not_enough_data', workloads: [] };
  return { availability: 'ok', workloads: measured.map((x) => x.w) };
}

const pairKey = (customerId: string, productId: string) => `${customerId}\u0000${productId}`;

export interface InactivePlan {
  /** Scopes to ask the store about (products whose availability is ok). */
  readonly scopes: readonly InactiveScope[];
  /** Availability per customer and product (`pairKey`). */
  availability(customerId: string, productId: string): InactiveAvailability;
}

/** Plans the inactive-user question for customer × product pairs over N days as of `day`. */
export async function planInactive(
  store: Store,
  partnerId: string,
  day: string,
  pairs: readonly { readonly customerId: string; readonly productId: string }[],
  catalog: ReadonlyMap<string, CatalogProduct>,
  n: number,
): Promise<InactivePlan> {
  const customers = [...new Set(pairs.map((p) => p.customerId))];
  const sources =
    customers.length === 0
      ? new Map<string, MeasuredSources>()
      : await store.measuredSources(partnerId, customers.length > 1000 ? undefined : customers);
  const d = dayOf(day);
  const availability = new Map<string, InactiveAvailability>();
  const scopes: InactiveScope[] = [];
  for (const { customerId, productId } of pairs) {
    const r = inactiveWorkloads(
      sources.get(customerId) ?? NOTHING_MEASURED,
      catalog.get(productId)?.workloads ?? [],
      d,
      n,
    );
    availability.set(pairKey(customerId, productId), r.availability);
    if (r.availability === 'ok') scopes.push({ customerId, productId, workloads: r.workloads });
  }
  return {
    scopes,
    availability: (c, p) => availability.get(pairKey(c, p)) ?? 'not_measured',
  };
}
