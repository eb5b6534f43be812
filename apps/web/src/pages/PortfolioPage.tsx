/**
 * Insights (SPEC §4 "Portfolio"): KPI tiles with month over month, the trend, usage bands,
 * breakdowns per service / product / workload / group, and the customer table — all of the
 * caller's customers, narrowed by the filters in the URL (channel, as-of day, group, service,
 * product), so a view can be bookmarked or shared. Every figure is the API's.
 */
import { MessageBar, MessageBarBody, MessageBarTitle, makeStyles } from '@fluentui/react-components';
import type { StaleMetrics } from '@license-insights/contracts';
import { useEffect } from 'react';
import { useCustomerTable, usePortfolioSummary } from '../api/portfolio';
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
import { carriedQuery, usePortfolioState } from './portfolio/state';
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
      <Controls filters={filters} shownDay={shownDay} onChange={(c) => set(c)} ready={ready} />
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
              filters={filters}
              range={trend}
              choice={trendChoice}
              lastDay={shownDay}
              onChoice={(c) => set({ range: c === '90' ? null : c, from: null, to: null }, { replace: true })}
              onCustom={(from, to) => set({ range: 'custom', from, to }, { replace: true })}
            />
            <BandsCard summary={sum} selected={table.band} onSelect={(band) => set({ band, page: null })} />
          </div>
          <BreakdownCard
            filters={filters}
            by={breakdown}
            onBy={(by) => set({ by: by === 'product' ? null : by }, { replace: true })}
          />
        </>
      )}
      <CustomerTable
        query={customers}
        state={table}
        linkQuery={carriedQuery(filters)}
        onChange={(c, replace) => set(c, { replace: replace ?? false })}
      />
    </div>
  );
}
