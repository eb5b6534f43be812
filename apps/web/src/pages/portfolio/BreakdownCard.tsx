/**
 * Roll-ups per service, product, workload or customer group (GET /api/v1/portfolio/breakdown):
 * a table with sold, own, assigned, active, Deployment % and Usage %, and beside it a bar chart
 * of the two percentages.
 */
import {
  makeStyles,
  mergeClasses,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { PortfolioBreakdown } from '@license-insights/contracts';
import { memo, useMemo } from 'react';
import { type BreakdownKey, type PortfolioFilters, usePortfolioBreakdown } from '../../api/portfolio';
import { useTheme } from '../../app/theme';
import { Empty, QueryView } from '../../components/states';
import { Int, Pct } from '../../components/Value';
import { fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { portfolioMessages } from '../PortfolioPage.messages';
import { Chart, type ChartOption, palette } from './Chart';
import { escapeHtml } from './html';
import { deploymentReason, usageReason } from './reasons';
import { Segmented } from './Segmented';
import { useCardStyles } from './styles';

const useStyles = makeStyles({
  body: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 1fr) minmax(300px, 360px)',
    gap: '16px',
    alignItems: 'start',
    '@media (max-width: 1279px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  table: { tableLayout: 'auto' },
  nameCell: { minWidth: '180px' },
  dim: { opacity: 0.6 },
  updating: { opacity: 0.6, transitionProperty: 'opacity', transitionDuration: tokens.durationNormal },
});

const BY: readonly BreakdownKey[] = ['service', 'product', 'workload', 'group'];

type Item = PortfolioBreakdown['items'][number];

/** Products and groups by name (the API sorts by key: a product's key is its id); services and workloads as given. */
function useSortedItems(
  data: PortfolioBreakdown,
  label: (key: string, name: string) => string,
): readonly Item[] {
  const { locale } = useLocale();
  return useMemo(
    () =>
      data.by === 'product' || data.by === 'group'
        ? [...data.items].sort((a, b) => label(a.key, a.name).localeCompare(label(b.key, b.name), locale))
        : data.items,
    [data, label, locale],
  );
}

/** Bars above this are drawn to it, labelled with their value: one product at 1 300 % must not flatten the rest. */
const CAP = 200;

function useBreakdownOption(
  sorted: readonly Item[],
  label: (key: string, name: string) => string,
): ChartOption {
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const { theme } = useTheme();
  return useMemo(() => {
    const c = palette(theme === 'dark');
    // Top to bottom as in the table.
    const items = [...sorted].reverse();
    const pct = (v: unknown) => (typeof v === 'number' ? fmtPct(locale, v, 0) : '');
    const bar = (name: string, color: string, values: (number | null)[]) => ({
      name,
      type: 'bar',
      data: values.map((v) =>
        v !== null && v > CAP
          ? {
              value: CAP,
              real: v,
              // Hatched: the bar is cut at the axis's end.
              itemStyle: {
                color,
                decal: {
                  symbol: 'rect',
                  dashArrayX: [1, 0],
                  dashArrayY: [2, 3],
                  rotation: -0.8,
                  color: 'rgba(255,255,255,0.55)',
                },
              },
            }
          : { value: v, real: v },
      ),
      itemStyle: { color, borderRadius: [0, 3, 3, 0] },
      barMaxWidth: 12,
      barGap: '15%',
      label: {
        show: true,
        position: 'right',
        fontSize: 10,
        formatter: (p: { data: { real: number | null } }) => pct(p.data.real),
      },
    });
    return {
      grid: { left: 4, right: 40, top: 28, bottom: 4, containLabel: true },
      legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 14, itemHeight: 8 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (
          ps: { seriesName: string; marker: string; name: string; data: { real: number | null } }[],
        ) =>
          [
            escapeHtml(ps[0]?.name ?? ''),
            ...ps.map(
              (p) =>
                `${p.marker}${p.seriesName}: <b>${p.data.real === null ? '—' : fmtPct(locale, p.data.real)}</b>`,
            ),
          ].join('<br/>'),
      },
      xAxis: {
        type: 'value',
        max: (v: { max: number }) => (v.max >= CAP ? CAP : undefined),
        interval: 50,
        axisLabel: { formatter: (v: number) => fmtPct(locale, v, 0), hideOverlap: true, fontSize: 11 },
      },
      yAxis: {
        type: 'category',
        data: items.map((i) => label(i.key, i.name)),
        axisLabel: { width: 110, overflow: 'truncate', fontSize: 11 },
        axisTick: { show: false },
      },
      series: [
        bar(
          t('col.deployment'),
          c.deployment,
          items.map((i) => i.totals.deploymentPercent),
        ),
        bar(
          t('col.usage'),
          c.usage,
          items.map((i) => i.totals.usagePercent),
        ),
      ],
    };
  }, [sorted, label, t, locale, theme]);
}

function BreakdownBody({ data, updating }: { data: PortfolioBreakdown; updating: boolean }) {
  const s = useStyles();
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  // A service's name is translated here (Other / Inne); the rest are the catalog's names.
  const label = useMemo(
    () => (key: string, name: string) =>
      data.by === 'service' && (key === 'O365' || key === 'D365' || key === 'OTHER')
        ? t(`service.${key}`)
        : name,
    [data.by, t],
  );
  const items = useSortedItems(data, label);
  const option = useBreakdownOption(items, label);
  if (data.items.length === 0) return <Empty>{t('breakdown.empty')}</Empty>;
  const chartHeight = Math.max(140, 40 + data.items.length * 34);
  return (
    <div className={s.body}>
      <div className={c.tableWrap}>
        <Table
          size="small"
          aria-label={t('breakdown.title')}
          className={mergeClasses(s.table, updating && s.updating)}
        >
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={s.nameCell}>{t(`by.${data.by}`)}</TableHeaderCell>
              <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
                {t('col.sold')}
              </TableHeaderCell>
              <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
                {t('col.soldOwn')}
              </TableHeaderCell>
              <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
                {t('col.assigned')}
              </TableHeaderCell>
              <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
                {t('col.active')}
              </TableHeaderCell>
              <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
                {t('col.deployment')}
              </TableHeaderCell>
              <TableHeaderCell className={c.numHead} button={{ className: c.numHeadButton }}>
                {t('col.usage')}
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {items.map((i) => (
              <TableRow key={i.key} data-key={i.key}>
                <TableCell className={s.nameCell}>{label(i.key, i.name)}</TableCell>
                <TableCell className={c.num}>
                  <Int value={i.totals.sold} />
                </TableCell>
                <TableCell className={c.num}>
                  <Int value={i.totals.soldOwn} />
                </TableCell>
                <TableCell className={c.num}>
                  <Int value={i.totals.assigned} />
                </TableCell>
                <TableCell className={c.num}>
                  <Int value={i.totals.active} reason={usageReason(i.totals)} />
                </TableCell>
                <TableCell className={c.num}>
                  <Pct value={i.totals.deploymentPercent} reason={deploymentReason(i.totals)} />
                </TableCell>
                <TableCell className={c.num}>
                  <Pct value={i.totals.usagePercent} reason={usageReason(i.totals)} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
        {data.by === 'workload' ? <p className={c.note}>{t('breakdown.workloadNote')}</p> : null}
      </div>
      <Chart option={option} height={chartHeight} label={t('breakdown.chart', { by: t(`by.${data.by}`) })} />
    </div>
  );
}

export const BreakdownCard = memo(function BreakdownCard({
  filters,
  by,
  onBy,
  enabled,
}: {
  /** Ask the API (false while the page's first data loads: the tiles and table go first). */
  enabled: boolean;
  filters: PortfolioFilters;
  by: BreakdownKey;
  onBy: (by: BreakdownKey) => void;
}) {
  const c = useCardStyles();
  const t = useT(portfolioMessages);
  const breakdown = usePortfolioBreakdown(filters, by, enabled);
  return (
    <section className={c.card} aria-labelledby="breakdown-heading">
      <div className={c.head}>
        <div className={c.titles}>
          <h2 id="breakdown-heading" className={c.title}>
            {t('breakdown.title')}
          </h2>
        </div>
        <Segmented
          label={t('breakdown.by')}
          value={by}
          onChange={onBy}
          options={BY.map((b) => ({ value: b, label: t(`by.${b}`) }))}
        />
      </div>
      <QueryView query={breakdown}>
        {(data) => <BreakdownBody data={data} updating={breakdown.isPlaceholderData} />}
      </QueryView>
    </section>
  );
});
