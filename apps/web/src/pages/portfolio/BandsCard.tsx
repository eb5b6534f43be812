/**
 * Customers per usage band (summary.bands): a bar chart and the same numbers as a list of
 * buttons; choosing a band (bar or button) filters the customer table to it.
 */
import { Button, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { FilterRegular } from '@fluentui/react-icons';
import { type PortfolioSummary, USAGE_BANDS, type UsageBand } from '@license-insights/contracts';
import { memo, useMemo } from 'react';
import { useTheme } from '../../app/theme';
import { fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { portfolioMessages } from '../PortfolioPage.messages';
import { Chart, type ChartOption } from './Chart';
import { useCardStyles } from './styles';

/** The bands on the Usage % scale (the chart's bars); "not measured" and "nothing sold" are in the list only. */
const CHART_BANDS = ['<25', '25-50', '50-75', '75-100', '>100'] as const satisfies readonly UsageBand[];

export const BAND_COLORS: Readonly<Record<UsageBand, { light: string; dark: string }>> = {
  '<25': { light: '#d13438', dark: '#f1707b' },
  '25-50': { light: '#ca5010', dark: '#f98845' },
  '50-75': { light: '#c19c00', dark: '#f2d35f' },
  '75-100': { light: '#107c10', dark: '#6ccb5f' },
  '>100': { light: '#0f6cbd', dark: '#479ef5' },
  unmeasured: { light: '#8a8886', dark: '#8a8886' },
  none: { light: '#c8c6c4', dark: '#5c5c5c' },
};

const useStyles = makeStyles({
  body: { display: 'flex', flexDirection: 'column', gap: '8px' },
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'grid', gap: '2px' },
  item: {
    display: 'grid',
    gridTemplateColumns: '12px 1fr auto',
    alignItems: 'center',
    gap: '8px',
    width: '100%',
    justifyContent: 'stretch',
    fontWeight: tokens.fontWeightRegular,
    padding: '2px 8px',
    minHeight: '28px',
  },
  selected: {
    backgroundColor: tokens.colorBrandBackground2,
    fontWeight: tokens.fontWeightSemibold,
  },
  swatch: { width: '12px', height: '12px', borderRadius: '3px' },
  label: { textAlign: 'left' },
  count: { fontVariantNumeric: 'tabular-nums', display: 'inline-flex', alignItems: 'center', gap: '4px' },
});

export const BandsCard = memo(function BandsCard({
  summary,
  selected,
  onSelect,
}: {
  summary: PortfolioSummary;
  selected: UsageBand | undefined;
  onSelect: (band: UsageBand | null) => void;
}) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const { theme } = useTheme();
  const dark = theme === 'dark';
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 4, right: 8, top: 20, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { name: string; value: number }) => `${p.name}: ${fmtInt(locale, p.value)}`,
      },
      xAxis: {
        type: 'category',
        data: CHART_BANDS.map((b) => t(`band.short.${b}`)),
        axisLabel: { interval: 0 },
        axisTick: { show: false },
      },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (v: number) => fmtInt(locale, v) } },
      series: [
        {
          type: 'bar',
          barMaxWidth: 36,
          cursor: 'pointer',
          data: CHART_BANDS.map((b) => ({
            value: summary.bands[b] ?? 0,
            itemStyle: {
              color: BAND_COLORS[b][dark ? 'dark' : 'light'],
              opacity: selected === undefined || selected === b ? 1 : 0.35,
              borderRadius: [3, 3, 0, 0],
            },
          })),
          label: {
            show: true,
            position: 'top',
            formatter: (p: { value: number }) => fmtInt(locale, p.value),
          },
        },
      ],
    }),
    [summary.bands, selected, t, locale, dark],
  );
  return (
    <section className={c.card} aria-labelledby="bands-heading">
      <div className={c.titles}>
        <h2 id="bands-heading" className={c.title}>
          {t('bands.title')}
        </h2>
        <span className={c.sub}>{t('bands.sub')}</span>
      </div>
      <div className={s.body}>
        <Chart
          option={option}
          label={t('bands.chart')}
          height={180}
          onClick={(i) => {
            const b = CHART_BANDS[i];
            if (b !== undefined) onSelect(selected === b ? null : b);
          }}
        />
        <ul className={s.list} aria-label={t('bands.chart')}>
          {USAGE_BANDS.map((b) => {
            const on = selected === b;
            return (
              <li key={b}>
                <Button
                  appearance="subtle"
                  size="small"
                  className={mergeClasses(s.item, on && s.selected)}
                  aria-pressed={on}
                  title={t('bands.show', { band: t(`band.${b}`) })}
                  onClick={() => onSelect(on ? null : b)}
                  data-band={b}
                >
                  <span
                    className={s.swatch}
                    style={{ backgroundColor: BAND_COLORS[b][dark ? 'dark' : 'light'] }}
                  />
                  <span className={s.label}>{t(`band.${b}`)}</span>
                  <span className={s.count}>
                    {on ? <FilterRegular aria-hidden /> : null}
                    {fmtInt(locale, summary.bands[b] ?? 0)}
                  </span>
                </Button>
              </li>
            );
          })}
        </ul>
      </div>
    </section>
  );
});
