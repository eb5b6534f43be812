/**
 * The trend: Deployment % and Usage % per day over 28/90/180/365 days or a custom range (counts
 * on a second axis, off until chosen in the legend). A day whose usage is not known is a gap in
 * the line (null, `connectNulls: false`), never a zero. The figures are also in a table.
 */
import {
  Button,
  Field,
  Input,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { PortfolioTrend } from '@license-insights/contracts';
import { memo, useMemo, useState } from 'react';
import { type PortfolioFilters, type TrendRange, usePortfolioTrend } from '../../api/portfolio';
import { useTheme } from '../../app/theme';
import { Empty, QueryView } from '../../components/states';
import { Int, Pct } from '../../components/Value';
import { fmtDay, fmtInt, fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { portfolioMessages } from '../PortfolioPage.messages';
import { Chart, type ChartOption, palette } from './Chart';
import { deploymentReason, usageReason } from './reasons';
import { Segmented } from './Segmented';
import type { TrendChoice } from './state';
import { useCardStyles } from './styles';

const useStyles = makeStyles({
  controls: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-end', gap: '8px 12px' },
  date: { width: '150px' },
  tableBox: {
    maxHeight: '280px',
    overflowY: 'auto',
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  foot: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: '8px',
  },
});

/** An axis day without its year ("Sep 3" / "3 wrz"): the card's subtitle says the years. */
function shortDay(locale: string, day: string): string {
  return new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${day}T00:00:00Z`),
  );
}

function useTrendOption(trend: PortfolioTrend): ChartOption {
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const { theme } = useTheme();
  return useMemo(() => {
    const c = palette(theme === 'dark');
    const days = trend.points.map((p) => p.day);
    const pct = (v: unknown) => (typeof v === 'number' ? fmtPct(locale, v) : '—');
    const line = (name: string, color: string, data: (number | null)[], axis: number) => ({
      name,
      type: 'line',
      yAxisIndex: axis,
      data,
      connectNulls: false,
      showSymbol: data.length <= 31,
      symbolSize: 5,
      lineStyle: { width: axis === 0 ? 2.5 : 1.5, type: axis === 0 ? 'solid' : 'dashed' },
      itemStyle: { color },
      emphasis: { focus: 'series' },
    });
    const names = {
      deployment: t('trend.deployment'),
      usage: t('trend.usage'),
      sold: t('trend.sold'),
      assigned: t('trend.assigned'),
      active: t('trend.active'),
    };
    return {
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: {
        top: 0,
        left: 0,
        icon: 'roundRect',
        itemWidth: 14,
        itemHeight: 4,
        inactiveColor: theme === 'dark' ? '#5c5c5c' : '#c8c6c4',
        selected: { [names.sold]: false, [names.assigned]: false, [names.active]: false },
      },
      tooltip: {
        trigger: 'axis',
        valueFormatter: undefined,
        formatter: (items: { seriesName: string; value: unknown; marker: string; dataIndex: number }[]) => {
          const first = items[0];
          if (first === undefined) return '';
          const point = trend.points[first.dataIndex];
          const head = point === undefined ? '' : fmtDay(locale, point.day);
          const partial = point?.totals.partialWindow ? ` (${t('trend.partial')})` : '';
          const rows = items.map((i) => {
            const isPct = i.seriesName === names.deployment || i.seriesName === names.usage;
            const v = typeof i.value === 'number' ? (isPct ? pct(i.value) : fmtInt(locale, i.value)) : '—';
            return `${i.marker}${i.seriesName}: <b>${v}</b>`;
          });
          // Texts here are ours and the API's numbers: no customer or product names.
          return [`${head}${partial}`, ...rows].join('<br/>');
        },
      },
      xAxis: {
        type: 'category',
        data: days,
        boundaryGap: false,
        axisLabel: { formatter: (d: string) => shortDay(locale, d), hideOverlap: true },
      },
      yAxis: [
        { type: 'value', axisLabel: { formatter: (v: number) => fmtPct(locale, v, 0) }, scale: true },
        {
          type: 'value',
          axisLabel: { formatter: (v: number) => fmtInt(locale, v) },
          splitLine: { show: false },
          scale: true,
        },
      ],
      series: [
        line(
          names.deployment,
          c.deployment,
          trend.points.map((p) => p.totals.deploymentPercent),
          0,
        ),
        line(
          names.usage,
          c.usage,
          trend.points.map((p) => p.totals.usagePercent),
          0,
        ),
        line(
          names.sold,
          c.sold,
          trend.points.map((p) => p.totals.sold),
          1,
        ),
        line(
          names.assigned,
          c.assigned,
          trend.points.map((p) => p.totals.assigned),
          1,
        ),
        line(
          names.active,
          c.active,
          trend.points.map((p) => p.totals.active),
          1,
        ),
      ],
    };
  }, [trend, t, locale, theme]);
}

function TrendTable({ trend }: { trend: PortfolioTrend }) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  return (
    <div className={s.tableBox}>
      <Table size="extra-small" aria-label={t('trend.title')}>
        <TableHeader>
          <TableRow>
            <TableHeaderCell>{t('trend.day')}</TableHeaderCell>
            <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
              {t('trend.sold')}
            </TableHeaderCell>
            <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
              {t('trend.assigned')}
            </TableHeaderCell>
            <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
              {t('trend.active')}
            </TableHeaderCell>
            <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
              {t('trend.deployment')}
            </TableHeaderCell>
            <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
              {t('trend.usage')}
            </TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {[...trend.points].reverse().map((p) => (
            <TableRow key={p.day}>
              <TableCell>
                {fmtDay(locale, p.day)}
                {p.totals.partialWindow ? ` (${t('trend.partial')})` : ''}
              </TableCell>
              <TableCell className={c.num}>
                <Int value={p.totals.sold} />
              </TableCell>
              <TableCell className={c.num}>
                <Int value={p.totals.assigned} />
              </TableCell>
              <TableCell className={c.num}>
                <Int value={p.totals.active} reason={usageReason(p.totals)} />
              </TableCell>
              <TableCell className={c.num}>
                <Pct value={p.totals.deploymentPercent} reason={deploymentReason(p.totals)} />
              </TableCell>
              <TableCell className={c.num}>
                <Pct value={p.totals.usagePercent} reason={usageReason(p.totals)} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </div>
  );
}

function TrendBody({ trend }: { trend: PortfolioTrend }) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const [table, setTable] = useState(false);
  const option = useTrendOption(trend);
  if (trend.points.length === 0) return <Empty>{t('trend.empty')}</Empty>;
  // Nothing sold on any day of the range (no percentage at all): say so rather than draw empty axes.
  if (trend.points.every((p) => p.totals.deploymentPercent === null && p.totals.usagePercent === null)) {
    return <Empty>{t('trend.nothing')}</Empty>;
  }
  return (
    <>
      <Chart
        option={option}
        height={360}
        label={t('trend.chart', { from: fmtDay(locale, trend.from), to: fmtDay(locale, trend.to) })}
      />
      <div className={s.foot}>
        <p className={c.note}>{t('trend.gaps')}</p>
        <Button size="small" appearance="subtle" onClick={() => setTable((v) => !v)} aria-expanded={table}>
          {t(table ? 'trend.hideTable' : 'trend.showTable')}
        </Button>
      </div>
      {table ? <TrendTable trend={trend} /> : null}
    </>
  );
}

export const TrendCard = memo(function TrendCard({
  filters,
  range,
  choice,
  lastDay,
  onChoice,
  onCustom,
  enabled,
}: {
  /** Ask the API (false while the page's first data loads: the tiles and table go first). */
  enabled: boolean;
  filters: PortfolioFilters;
  range: TrendRange;
  choice: TrendChoice;
  /** The as-of day shown (a custom range's default end). */
  lastDay: string | undefined;
  onChoice: (c: TrendChoice) => void;
  onCustom: (from: string | null, to: string | null) => void;
}) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const trend = usePortfolioTrend(filters, range, enabled);
  const shown = trend.data;
  return (
    <section className={c.card} aria-labelledby="trend-heading">
      <div className={c.head}>
        <div className={c.titles}>
          <h2 id="trend-heading" className={c.title}>
            {t('trend.title')}
          </h2>
          {shown === undefined ? null : (
            <span className={c.sub}>
              {fmtDay(locale, shown.from)} – {fmtDay(locale, shown.to)}
            </span>
          )}
        </div>
        <div className={s.controls}>
          <Segmented
            label={t('trend.range')}
            value={choice}
            onChange={onChoice}
            options={[
              ...(['28', '90', '180', '365'] as const).map((d) => ({
                value: d,
                label: t('trend.days', { n: Number(d) }),
              })),
              { value: 'custom' as const, label: t('trend.custom') },
            ]}
          />
        </div>
      </div>
      {range.kind === 'custom' ? (
        <div className={s.controls}>
          <Field label={t('trend.from')} size="small">
            <Input
              className={s.date}
              type="date"
              size="small"
              value={range.from ?? shown?.from ?? ''}
              max={range.to ?? lastDay}
              onChange={(_, d) => onCustom(d.value === '' ? null : d.value, range.to ?? null)}
            />
          </Field>
          <Field label={t('trend.to')} size="small">
            <Input
              className={s.date}
              type="date"
              size="small"
              value={range.to ?? shown?.to ?? lastDay ?? ''}
              min={range.from}
              onChange={(_, d) => onCustom(range.from ?? null, d.value === '' ? null : d.value)}
            />
          </Field>
        </div>
      ) : null}
      <QueryView query={trend}>{(data) => <TrendBody trend={data} />}</QueryView>
    </section>
  );
});
