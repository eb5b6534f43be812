/**
 * A recommendation card's numbers as a person reads them: the contracts' field names and coded
 * values in the current language, percentages, points, days and workload names formatted per
 * locale. Values are the API's; nothing is computed here.
 */
import { makeStyles, tokens } from '@fluentui/react-components';
import {
  type EvidenceValue,
  fieldName,
  formatNumber,
  type Locale,
  valueName,
  workloadCodeSchema,
  workloadName,
} from '@license-insights/contracts';
import type { ReactNode } from 'react';
import { Dash } from '../../components/Value';
import { fmtDay, fmtInt, fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { opsMessages } from './ops.messages';

/** Thresholds that are percentages without saying so in their name. */
const PERCENT_FIELDS = new Set(['usageBelow', 'deploymentBelow', 'usageAtLeast', 'deploymentAtLeast']);
const POINT_FIELDS = new Set(['dropPoints', 'dropPointsAtLeast']);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function workloadText(locale: Locale, code: string): string {
  const w = workloadCodeSchema.safeParse(code);
  return w.success ? workloadName(locale, w.data) : code;
}

export function useEvidenceValue(products: ReadonlyMap<string, string>) {
  const { locale } = useLocale();
  const t = useT(opsMessages);
  return (field: string, v: EvidenceValue): ReactNode => {
    if (v === null) return <Dash reason="unknown" />;
    if (typeof v === 'object') {
      return v.length === 0 ? t('list.none') : v.map((x) => workloadText(locale, x)).join(', ');
    }
    if (typeof v === 'number') {
      if (field.includes('Percent') || PERCENT_FIELDS.has(field)) return fmtPct(locale, v);
      if (POINT_FIELDS.has(field)) return t('points.value', { n: formatNumber(locale, v) });
      return Number.isInteger(v) ? fmtInt(locale, v) : formatNumber(locale, v);
    }
    if (field === 'topWorkload') return workloadText(locale, v);
    if (field === 'topProduct') return products.get(v) ?? v;
    if (DAY.test(v)) return fmtDay(locale, v);
    return valueName(locale, field, v);
  };
}

const useStyles = makeStyles({
  list: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(170px, 1fr))',
    gap: '8px 16px',
    margin: 0,
  },
  item: { display: 'flex', flexDirection: 'column', minWidth: 0 },
  term: {
    color: tokens.colorNeutralForeground3,
    fontSize: tokens.fontSizeBase200,
    '::first-letter': { textTransform: 'uppercase' },
  },
  value: {
    margin: 0,
    fontWeight: tokens.fontWeightSemibold,
    fontVariantNumeric: 'tabular-nums',
    overflowWrap: 'anywhere',
  },
});

/** Field → value pairs as a description list (names in the language, values formatted). */
export function EvidenceList({
  values,
  products,
}: {
  values: Readonly<Record<string, EvidenceValue>>;
  products: ReadonlyMap<string, string>;
}) {
  const s = useStyles();
  const { locale } = useLocale();
  const show = useEvidenceValue(products);
  return (
    <dl className={s.list}>
      {Object.entries(values).map(([k, v]) => (
        <div key={k} className={s.item}>
          <dt className={s.term}>{fieldName(locale, k)}</dt>
          <dd className={s.value}>{show(k, v)}</dd>
        </div>
      ))}
    </dl>
  );
}
