/**
 * Licensed users inactive for 28, 60 or 90 days (SPEC §2.3), the one definition behind the
 * customer report, the drill-down list (`insights report inactive`) and the reclaim card: holders
 * of P on D with no activity in any of P's workloads measured on D during D−N+1 … D. Only where
 * usage of P is known on D and the data of every measured workload reaches back over the N days;
 * otherwise the list is "not enough data" (or "not measured": no workload of P is measured on D,
 * e.g. a product without workloads).
 */
import type {
  CatalogProduct,
  InactiveAvailability,
  InactiveUsersReport,
  InactiveUsersRequest,
  WorkloadCode,
} from '@license-insights/contracts';
import { dayOf } from '../dates';
import { AppError } from '../errors';
import { dataSince, type MeasuredSources, NOTHING_MEASURED } from '../metrics/measured';
import type { InactiveScope, Store, StoreReader } from '../store/store';
import { findCustomer } from './find-customer';
import { reportContext, reportDay } from './report-metrics';

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
  store: StoreReader,
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

/**
 * The per-user drill-down (SPEC §4, admin agents only in the server): the customer's licensed users
 * inactive for N days, per product, with their last activity per counted workload.
 */
async function inactiveUsers(store: StoreReader, req: InactiveUsersRequest): Promise<InactiveUsersReport> {
  const day = await reportDay(store, req.partnerId, req.day);
  const ctx = await reportContext(store, req.partnerId);
  const customer = await findCustomer(store, req.partnerId, req.customer);
  const rows = (await store.dailyMetrics(req.partnerId, day, [customer.customerId])).filter(
    (r) => r.workload === 'ALL',
  );
  let productIds = rows.map((r) => r.productId);
  if (req.product !== undefined) {
    const wanted = req.product.trim().toLowerCase();
    const matches = productIds.filter((id) => {
      const p = ctx.catalog.get(id);
      return (
        id.toLowerCase() === wanted ||
        p?.partNumber?.toLowerCase() === wanted ||
        p?.name.toLowerCase() === wanted
      );
    });
    if (matches.length === 0) {
      throw new AppError(
        'not_found',
        `${customer.name} (${customer.customerId}) has no product ${JSON.stringify(req.product)} on ${day}; its products: ${
          productIds.map((id) => `${ctx.catalog.get(id)?.name ?? id} (${id})`).join(', ') || 'none'
        }`,
      );
    }
    productIds = matches;
  }
  const pairs = productIds.map((productId) => ({ customerId: customer.customerId, productId }));
  const plan = await planInactive(store, req.partnerId, day, pairs, ctx.catalog, req.days);
  const users = await store.inactiveLicensedUsers(req.partnerId, day, plan.scopes, req.days);
  return {
    day,
    days: req.days,
    customerId: customer.customerId,
    customerName: customer.name,
    products: productIds.map((productId) => ({
      productId,
      productName: ctx.catalog.get(productId)?.name ?? productId,
      availability: plan.availability(customer.customerId, productId),
      workloads: plan.scopes.find((s) => s.productId === productId)?.workloads ?? [],
      users: users.filter((u) => u.productId === productId),
    })),
  };
}

/** The inactive users report in one read unit of work (one snapshot). */
export function getInactiveUsers(store: Store, req: InactiveUsersRequest): Promise<InactiveUsersReport> {
  return store.read((q) => inactiveUsers(q, req));
}
