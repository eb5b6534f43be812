/**
 * Subscription series of a customer's products, one value per day of the range: sold and sold
 * own (state on D active and not a trial), and the capacities that explain an excess — trial
 * subscriptions active on some window day, and non-trial ones not counted on D but active, expired
 * or disabled on some window day (largest quantity on such a day each). Shared by both engines.
 */
import type { EngineSnapshot, ProductSeries } from './engine';
import { WINDOW_DAYS } from './reference';

export function subscriptionSeries(
  productCount: number,
  subscriptions: readonly { readonly product: number; readonly snapshots: readonly EngineSnapshot[] }[],
  first: number,
  days: number,
): ProductSeries[] {
  const products: ProductSeries[] = Array.from({ length: productCount }, () => ({
    sold: new Int32Array(days),
    soldOwn: new Int32Array(days),
    assigned: new Int32Array(days),
    trial: new Int32Array(days),
    noncounted: new Int32Array(days),
  }));
  const span = days + WINDOW_DAYS - 1;
  const base = first - WINDOW_DAYS + 1;
  for (const s of subscriptions) {
    const p = products[s.product];
    if (p === undefined) continue;
    const trialQty = new Int32Array(span);
    const eligibleQty = new Int32Array(span);
    const counted = new Uint8Array(span);
    let k = -1;
    for (let t = 0; t < span; t++) {
      const d = base + t;
      while (k + 1 < s.snapshots.length && (s.snapshots[k + 1] as EngineSnapshot).asOf <= d) k++;
      const st = k >= 0 ? s.snapshots[k] : undefined;
      if (st === undefined) continue;
      if (st.isTrial) {
        if (st.status === 'active') trialQty[t] = st.quantity;
      } else {
        if (st.status === 'active') counted[t] = 1;
        if (st.status === 'active' || st.status === 'expired' || st.status === 'disabled')
          eligibleQty[t] = st.quantity;
      }
      const i = t - (WINDOW_DAYS - 1);
      if (i >= 0 && counted[t] === 1) {
        p.sold[i] = (p.sold[i] as number) + st.quantity;
        if (st.own) p.soldOwn[i] = (p.soldOwn[i] as number) + st.quantity;
      }
    }
    // Sliding 28-day maxima.
    for (let i = 0; i < days; i++) {
      let trialMax = 0;
      let eligibleMax = 0;
      for (let t = i; t < i + WINDOW_DAYS; t++) {
        if ((trialQty[t] as number) > trialMax) trialMax = trialQty[t] as number;
        if ((eligibleQty[t] as number) > eligibleMax) eligibleMax = eligibleQty[t] as number;
      }
      p.trial[i] = (p.trial[i] as number) + trialMax;
      if (counted[i + WINDOW_DAYS - 1] === 0) p.noncounted[i] = (p.noncounted[i] as number) + eligibleMax;
    }
  }
  return products;
}
