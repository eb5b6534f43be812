/**
 * The customer's trend (GET …/trend): Deployment % and Usage % of the whole customer or one
 * product over the last 28/90/180/365 days to D; days whose usage the data cannot tell are gaps.
 * Range and product live in the URL.
 */
import { Field, makeStyles, Select, Text, tokens } from '@fluentui/react-components';
import type { CustomerTrend, MetricsRow } from '@license-insights/contracts';
import { lazy, Suspense, useMemo } from 'react';
import { type CustomerView, TREND_RANGES, type TrendRange, useCustomerTrend } from '../../api/customer';
import { useSearchState } from '../../app/search-state';
import { Loading, QueryView } from '../../components/states';
import { fmtDay } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { Section } from './parts';
import type { TrendPoint } from './TrendChart';

const TrendChart = lazy(() => import('./TrendChart'));

const useStyles = makeStyles({
  controls: { display: 'flex', gap: '12px', flexWrap: 'wrap', alignItems: 'flex-end' },
  note: { color: tokens.colorNeutralForeground3 },
  chart: { minHeight: '280px' },
});

export function parseRange(v: string | null): TrendRange {
  const n = Number(v);
  return (TREND_RANGES as readonly number[]).includes(n) ? (n as TrendRange) : 28;
}

function pointsOf(trend: CustomerTrend, productId: string | null): TrendPoint[] {
  return trend.days.map((d) => {
    if (productId === null) {
      return { day: d.day, deployment: d.totals.deploymentPercent, usage: d.totals.usagePercent };
    }
    const r = d.rows.find((x) => x.productId === productId && x.workloadCode === 'ALL');
    return { day: d.day, deployment: r?.deploymentPercent ?? null, usage: r?.usagePercent ?? null };
  });
}

export function TrendPanel({
  customerId,
  view,
  products,
}: {
  customerId: string;
  view: CustomerView;
  /** The customer's product rows on D, to choose one from. */
  products: readonly MetricsRow[];
}) {
  const s = useStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const search = useSearchState();
  const range = parseRange(search.get('range'));
  const wanted = search.get('product');
  const product = products.find((p) => p.productId === wanted) ?? null;
  const trend = useCustomerTrend(customerId, view, range);

  return (
    <Section
      id="trend"
      title={t('trend.title')}
      subtitle={t('trend.subtitle')}
      actions={
        <div className={s.controls}>
          <Field label={t('trend.product')} size="small">
            <Select
              size="small"
              value={product?.productId ?? ''}
              onChange={(_, d) => search.set({ product: d.value }, { replace: true })}
            >
              <option value="">{t('trend.allProducts')}</option>
              {products.map((p) => (
                <option key={p.productId} value={p.productId}>
                  {p.productName}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('trend.range')} size="small">
            <Select
              size="small"
              value={String(range)}
              onChange={(_, d) => search.set({ range: d.value === '28' ? null : d.value }, { replace: true })}
            >
              {TREND_RANGES.map((r) => (
                <option key={r} value={r}>
                  {t('trend.days', { n: r })}
                </option>
              ))}
            </Select>
          </Field>
        </div>
      }
    >
      <QueryView query={trend}>
        {(data) => (
          <TrendBody
            data={data}
            productId={product?.productId ?? null}
            title={product?.productName ?? data.customer.name}
            range={range}
            locale={locale}
          />
        )}
      </QueryView>
    </Section>
  );
}

function TrendBody({
  data,
  productId,
  title,
  range,
  locale,
}: {
  data: CustomerTrend;
  productId: string | null;
  title: string;
  range: TrendRange;
  locale: 'en' | 'pl';
}) {
  const s = useStyles();
  const t = useT(customerMessages);
  const points = useMemo(() => pointsOf(data, productId), [data, productId]);
  const unknownDays = points.filter((p) => p.usage === null).length;
  const names = useMemo(
    () => ({ deployment: t('col.deployment'), usage: t('col.usage'), full: '100 %' }),
    [t],
  );
  const label = t('trend.chartLabel', {
    subject: title,
    from: fmtDay(locale, data.from),
    to: fmtDay(locale, data.to),
  });
  return (
    <>
      <div className={s.chart}>
        <Suspense fallback={<Loading />}>
          <TrendChart points={points} locale={locale} label={label} names={names} />
        </Suspense>
      </div>
      <Text size={200} className={s.note}>
        {t('trend.range.shown', { from: fmtDay(locale, data.from), to: fmtDay(locale, data.to) })}
        {points.length < range ? ` ${t('trend.cut')}` : ''}{' '}
        {unknownDays > 0 ? t('trend.gaps', { n: unknownDays }) : t('trend.noGaps')}
      </Text>
    </>
  );
}
