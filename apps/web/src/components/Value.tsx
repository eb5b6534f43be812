/**
 * A figure the API gave, formatted for the language; a null shows "—" with a tooltip saying why
 * (nothing sold, a workload no source measures, a day before the data) — never 0 and never blank.
 */
import { Tooltip } from '@fluentui/react-components';
import { fmtInt, fmtPct } from '../format';
import { useLocale, useT } from '../i18n';
import { commonMessages } from './common.messages';

export type NullReason = 'notSold' | 'notMeasured' | 'beforeData' | 'unknown' | 'noAssigned';

export function Dash({ reason }: { reason: NullReason }) {
  const t = useT(commonMessages);
  const text = t(`null.${reason}`);
  return (
    <Tooltip content={text} relationship="description" withArrow>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the tooltip must be reachable by keyboard */}
      <span tabIndex={0} data-null={reason} style={{ cursor: 'help' }}>
        —
      </span>
    </Tooltip>
  );
}

export function Pct({
  value,
  reason = 'unknown',
  digits = 1,
}: {
  value: number | null;
  reason?: NullReason;
  digits?: number;
}) {
  const { locale } = useLocale();
  return value === null ? <Dash reason={reason} /> : fmtPct(locale, value, digits);
}

export function Int({ value, reason = 'unknown' }: { value: number | null; reason?: NullReason }) {
  const { locale } = useLocale();
  return value === null ? <Dash reason={reason} /> : fmtInt(locale, value);
}
