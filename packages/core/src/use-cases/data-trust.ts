/**
 * Use-case: data trust across a partner's customers (SPEC §4) — how old each customer's data is
 * against the newest data shown, concealed user names in Graph reports, unknown SKUs met in their
 * data, and missing kinds of data — over all customers or a staff account's scope, in one unit of
 * work.
 */
import {
  type CustomerDataTrust,
  type DataTrustReport,
  type DataTrustRequest,
  MISSING_DATA_KINDS,
} from '@license-insights/contracts';
import { dayOf } from '../dates';
import type { Store, StoreReader } from '../store/store';
import { reportContext } from './report-metrics';

/** The flag a Graph report with concealed user names leaves on its customer. */
const CONCEALED_NAMES = 'concealed_names';

const latest = (days: readonly string[]): string | null =>
  days.reduce<string | null>((m, d) => (m === null || d > m ? d : m), null);

async function dataTrustReport(store: StoreReader, req: DataTrustRequest): Promise<DataTrustReport> {
  const ctx = await reportContext(store, req.partnerId);
  const trust = await store.dataTrust(req.partnerId, req.customerIds);
  const dated = trust.map((t) => ({
    t,
    lastDataDay: latest(t.sources.map((s) => s.lastDate)),
    lastActivityDay: latest(t.sources.filter((s) => s.entity === 'activity').map((s) => s.lastDate)),
  }));
  const newestDay = latest(dated.flatMap((d) => (d.lastDataDay === null ? [] : [d.lastDataDay])));
  const name = (customerId: string) => ctx.customers.get(customerId)?.name ?? customerId;
  const customers: CustomerDataTrust[] = dated.map(({ t, lastDataDay, lastActivityDay }) => ({
    ...t,
    name: name(t.customerId),
    lastDataDay,
    lastActivityDay,
    daysBehind: lastDataDay === null || newestDay === null ? null : dayOf(newestDay) - dayOf(lastDataDay),
  }));
  // One customer asked for: the lists speak of it alone, its age still against every customer seen.
  const shown = req.customerId === undefined ? trust : trust.filter((t) => t.customerId === req.customerId);
  const unknown = new Map<string, string[]>();
  for (const t of shown) {
    for (const p of t.unknownProducts) unknown.set(p, [...(unknown.get(p) ?? []), t.customerId]);
  }
  return {
    newestDay,
    customers:
      req.customerId === undefined ? customers : customers.filter((c) => c.customerId === req.customerId),
    concealedNames: shown.flatMap((t) =>
      t.flags
        .filter((f) => f.flag === CONCEALED_NAMES)
        .map((f) => ({ customerId: t.customerId, name: name(t.customerId), detail: f.detail })),
    ),
    unknownProducts: [...unknown]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([productId, ids]) => ({
        productId,
        name: ctx.catalog.get(productId)?.name ?? productId,
        customers: ids,
      })),
    missing: Object.fromEntries(
      MISSING_DATA_KINDS.map((k) => [k, shown.filter((t) => t.missing.includes(k)).length]),
    ) as DataTrustReport['missing'],
  };
}

export function getDataTrust(store: Store, req: DataTrustRequest): Promise<DataTrustReport> {
  return store.read((q) => dataTrustReport(q, req));
}
