/**
 * Which "—" a null figure of a roll-up is (the tooltip's reason), read from the roll-up's own
 * counts: nothing sold, or no licenses whose usage a source measures.
 */
import type { Totals } from '@license-insights/contracts';
import type { NullReason } from '../../components/Value';

export function deploymentReason(t: Totals): NullReason {
  return t.sold === 0 ? 'notSold' : 'unknown';
}

export function usageReason(t: Totals): NullReason {
  if (t.sold === 0) return 'notSold';
  if (t.active === null || t.soldMeasured === 0) return 'notMeasured';
  return 'unknown';
}
