/**
 * Insights (SPEC §4 "Portfolio"): KPI tiles with month over month, the trend, usage bands,
 * breakdowns per service / product / workload / group, and the customer table — all of the
 * caller's customers, narrowed by the filters in the URL (channel, as-of day, group, service,
 * product), so a view can be bookmarked or shared. Every figure is the API's.
 */
import { MessageBar, MessageBarBody, MessageBarTitle, makeStyles } from '@fluentui/react-components';
import type { StaleMetrics, UsageBand } from '@license-insights/contracts';
import { useCallback, useEffect } from 'react';
import { type BreakdownKey, useCustomerTable, usePortfolioSummary } from '../api/portfolio';
import { can, useMe } from '../app/auth';
import { clearReady, markReady } from '../app/ready';
import { PageHeader } from '../components/PageHeader';
import { ErrorState, Loading } from '../components/states';
import { fmtDay } from '../format';
import { useLocale, useT } from '../i18n';
import { portfolioMessages } from './PortfolioPage.messages';
import { BandsCard } from './portfolio/BandsCard';
import { BreakdownCard } from './portfolio/BreakdownCard';
import { Controls, ExportMenu } from './portfolio/Controls';
import { CustomerTable } from './portfolio/CustomerTable';
import { KpiTiles } from './portfolio/KpiTiles';
import { carriedQuery, type TrendChoice, usePortfolioState } from './portfolio/state';
import { TrendCard } from './portfolio/TrendCard';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '1600px' },
  charts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(0, 2fr) minmax(280px, 1fr)',
    gap: '16px',
    '@media (max-width: 1279px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
});

function Stale({ stale }: { stale: StaleMetrics }) {
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  return (
    <MessageBar intent="warning" layout="multiline" data-stale>
      <MessageBarBody>
        <MessageBarTitle>{t('stale.title')}</MessageBarTitle>
        {stale.customers.length > 0 && stale.fromDay !== null
          ? `${t('stale.customers', { n: stale.customers.length, day: fmtDay(locale, stale.fromDay) })} `
          : null}
        {stale.uncomputed === null
          ? null
          : `${t('stale.uncomputed', {
              from: fmtDay(locale, stale.uncomputed.firstDay),
              to: fmtDay(locale, stale.uncomputed.lastDay),
            })} `}
        {t('stale.action')}
      </MessageBarBody>
    </MessageBar>
  );
}

export default function PortfolioPage() {
  const s = useStyles();
  const t = useT(portfolioMessages);
  const { locale } = useLocale();
  const me = useMe();
  const { filters, trend, trendChoice, breakdown, table, set } = usePortfolioState();
  const summary = usePortfolioSummary(filters);
  const customers = useCustomerTable(filters, table);

  const ready = summary.data !== undefined && customers.data !== undefined;
  useEffect(() => {
    if (ready) markReady('portfolio');
  }, [ready]);
  useEffect(() => () => clearReady(), []);

  const shownDay = summary.data?.filter.day;
  const sum = summary.data;

  // Stable handlers: the cards are memoised and draw again only when their own inputs change.
  const onFilters = useCallback((c: Record<string, string | number | null>) => set(c), [set]);
  const onChoice = useCallback(
    (c: TrendChoice) => set({ range: c === '90' ? null : c, from: null, to: null }, { replace: true }),
    [set],
  );
  const onCustom = useCallback(
    (from: string | null, to: string | null) => set({ range: 'custom', from, to }, { replace: true }),
    [set],
  );
  const onBand = useCallback(
    (band: UsageBand | null) => {
      set({ band, page: null });
      // The table is below the breakdown: bring it into view to show what the band holds.
      if (band !== null) {
        document.getElementById('customers-heading')?.scrollIntoView({ behavior: 'smooth', block: 'start' });
      }
    },
    [set],
  );
  const onBy = useCallback(
    (by: BreakdownKey) => set({ by: by === 'product' ? null : by }, { replace: true }),
    [set],
  );
  const onTable = useCallback(
    (c: Record<string, string | number | null>, replace?: boolean) => set(c, { replace: replace ?? false }),
    [set],
  );

  return (
    <div className={s.page}>
      <PageHeader
        title={t('title')}
        subtitle={
          sum === undefined
            ? undefined
            : t('subtitle', {
                customers: sum.customers,
                day: fmtDay(locale, sum.filter.day),
                view: t(`view.${sum.filter.view}`),
              })
        }
        actions={
          can(me.data, 'export_aggregates') ? <ExportMenu filters={filters} shownDay={shownDay} /> : undefined
        }
      />
      <Controls filters={filters} shownDay={shownDay} onChange={onFilters} ready={ready} />
      {sum?.stale ? <Stale stale={sum.stale} /> : null}
      {sum === undefined ? (
        summary.error ? (
          <ErrorState error={summary.error} onRetry={() => summary.refetch()} />
        ) : (
          <Loading />
        )
      ) : (
        <>
          {summary.error ? <ErrorState error={summary.error} onRetry={() => summary.refetch()} /> : null}
          <KpiTiles summary={sum} />
          <div className={s.charts}>
            <TrendCard
              enabled={ready}
              filters={filters}
              range={trend}
              choice={trendChoice}
              lastDay={shownDay}
              onChoice={onChoice}
              onCustom={onCustom}
            />
            <BandsCard summary={sum} selected={table.band} onSelect={onBand} />
          </div>
          <BreakdownCard enabled={ready} filters={filters} by={breakdown} onBy={onBy} />
        </>
      )}
      <CustomerTable query={customers} state={table} linkQuery={carriedQuery(filters)} onChange={onTable} />
    </div>
  );
}
