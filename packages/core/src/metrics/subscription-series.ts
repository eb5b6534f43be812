/**
 * Subscription series of a customer's products, one value per day of the range: sold and sold
 * own (state on D active and not a trial), and the capacities that explain an excess — trial
 * subscriptions active on some window day, and non-trial ones not counted on D but active, expired
 * or disabled on some window day (largest quantity on such a day each). Shared by both engines.
 */

import { WINDOW_DAYS } from './definitions';
import type { EngineSnapshot, ProductSeries } from './series';

type Subscriptions = readonly { readonly product: number; readonly snapshots: readonly EngineSnapshot[] }[];

/** Per-subscription day arrays, reused by one compute (a portfolio has 10⁵ subscriptions). */
export class SubscriptionScratch {
  trialQty = new Int32Array(0);
  eligibleQty = new Int32Array(0);
  counted = new Uint8Array(0);

  /** The three arrays, at least `span` long. */
  sized(span: number): this {
    if (this.trialQty.length < span) {
      this.trialQty = new Int32Array(span);
      this.eligibleQty = new Int32Array(span);
      this.counted = new Uint8Array(span);
    }
    return this;
  }
}

/**
 * Adds the series into `out` (zeroed by the caller): for product p, sold at `at + p · stride`, sold
 * own at `at + (P + p) · stride`, trial at `at + (2P + p) · stride`, non-counted at
 * `at + (3P + p) · stride`, `days` values each. No allocation per customer.
 */
export function subscriptionSeriesInto(
  out: Int32Array,
  at: number,
  stride: number,
  productCount: number,
  subscriptions: Subscriptions,
  first: number,
  days: number,
  scratch: SubscriptionScratch,
): void {
  const span = days + WINDOW_DAYS - 1;
  const base = first - WINDOW_DAYS + 1;
  const { trialQty, eligibleQty, counted } = scratch.sized(span);
  for (const s of subscriptions) {
    const p = s.product;
    if (p < 0 || p >= productCount) continue;
    const sold = at + p * stride;
    const soldOwn = at + (productCount + p) * stride;
    const trial = at + (2 * productCount + p) * stride;
    const noncounted = at + (3 * productCount + p) * stride;
    trialQty.fill(0, 0, span);
    eligibleQty.fill(0, 0, span);
    counted.fill(0, 0, span);
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
        out[sold + i] = (out[sold + i] as number) + st.quantity;
        if (st.own) out[soldOwn + i] = (out[soldOwn + i] as number) + st.quantity;
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
      out[trial + i] = (out[trial + i] as number) + trialMax;
      if (counted[i + WINDOW_DAYS - 1] === 0)
        out[noncounted + i] = (out[noncounted + i] as number) + eligibleMax;
    }
  }
}

/** The same series as separate arrays (the interval engine and tests). */
export function subscriptionSeries(
  productCount: number,
  subscriptions: Subscriptions,
  first: number,
  days: number,
): ProductSeries[] {
  const block = new Int32Array(4 * productCount * days);
  subscriptionSeriesInto(block, 0, days, productCount, subscriptions, first, days, new SubscriptionScratch());
  const part = (section: number, p: number) =>
    block.slice((section * productCount + p) * days, (section * productCount + p + 1) * days);
  return Array.from({ length: productCount }, (_, p) => ({
    sold: part(0, p),
    soldOwn: part(1, p),
    assigned: new Int32Array(days),
    trial: part(2, p),
    noncounted: part(3, p),
  }));
}
