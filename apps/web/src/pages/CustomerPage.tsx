/**
 * Customer analytics (SPEC §4, issue 13): the customer's products × workloads with sold, sold own,
 * assigned, active and both percentages (reason codes above 100 %), its trend, recommendation
 * cards, inactive users (admin agents only), data trust and support. The channel view and the
 * as-of day live in the URL (`view`, `day`), as do the trend's range and product and the inactive
 * days, so a view can be shared.
 */
import {
  Button,
  Field,
  Input,
  Menu,
  MenuItemLink,
  MenuList,
  MenuPopover,
  MenuTrigger,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  Radio,
  RadioGroup,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { ArrowDownloadRegular, ReceiptRegular } from '@fluentui/react-icons';
import { EXPORT_FORMATS, isCalendarDate } from '@license-insights/contracts';
import { useEffect } from 'react';
import { useNavigate, useParams } from 'react-router';
import {
  type CustomerView,
  customerExportUrl,
  customerViewOf,
  useCustomerAnalytics,
  useCustomerRecord,
} from '../api/customer';
import { ApiError, withQuery } from '../api/http';
import { can, useMe } from '../app/auth';
import { clearReady } from '../app/ready';
import { useSearchState } from '../app/search-state';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, Loading } from '../components/states';
import { fmtDay } from '../format';
import { useLocale, useT } from '../i18n';
import { customerMessages } from './CustomerPage.messages';
import { DataTrustPanel } from './customer/DataTrustPanel';
import { InactiveUsersPanel } from './customer/InactiveUsersPanel';
import { NoSuchCustomer } from './customer/NoSuchCustomer';
import { ProductsTable } from './customer/ProductsTable';
import { Section } from './customer/parts';
import { RecommendationCards } from './customer/RecommendationCards';
import { SupportPanel } from './customer/SupportPanel';
import { TotalsTiles } from './customer/TotalsTiles';
import { TrendPanel } from './customer/TrendPanel';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '1400px' },
  muted: { color: tokens.colorNeutralForeground3 },
  dayInput: { width: '160px' },
});

/** The `view` and `day` of the URL (anything else: the defaults). */
export function useCustomerView(): CustomerView {
  return customerViewOf(useSearchState().params);
}

const notFound = (e: unknown) => e instanceof ApiError && e.status === 404;

export default function CustomerPage() {
  const s = useStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const { customerId = '' } = useParams();
  const navigate = useNavigate();
  const search = useSearchState();
  const me = useMe();
  const v = useCustomerView();
  const record = useCustomerRecord(customerId);
  const analytics = useCustomerAnalytics(customerId, v);

  // A page leaving, or showing another customer, is not ready until its table is drawn again.
  useEffect(() => () => clearReady(), []);

  if (notFound(record.error)) return <NoSuchCustomer customerId={customerId} />;

  const report = analytics.data;
  const name = record.data?.name ?? report?.customer.name ?? null;
  const c = record.data ?? report?.customer ?? null;
  const facts =
    c === null ? [] : [c.domain, c.country, c.segment, ...c.groups].filter((x) => x !== null && x !== '');
  const dayShown = report?.day ?? v.day;
  // The view rides along so that the subscriptions page's back link returns to this view.
  const subscriptionsPath = withQuery(`/customers/${encodeURIComponent(customerId)}/subscriptions`, {
    day: v.day,
    view: v.view === 'own' ? 'own' : null,
  });

  const header = (
    <PageHeader
      title={name ?? t('loadingCustomer')}
      subtitle={
        <>
          {facts.join(' · ')}
          {facts.length > 0 && dayShown !== null ? ' · ' : ''}
          {dayShown === null ? '' : t('asOf', { day: fmtDay(locale, dayShown) })}
        </>
      }
      actions={
        <>
          <Field label={t('channel')} size="small">
            <RadioGroup
              layout="horizontal"
              value={v.view}
              onChange={(_, d) => search.set({ view: d.value === 'own' ? 'own' : null })}
            >
              <Radio value="all" label={t('channel.all')} />
              <Radio value="own" label={t('channel.own')} />
            </RadioGroup>
          </Field>
          <Field label={t('day')} size="small">
            <Input
              size="small"
              type="date"
              className={s.dayInput}
              value={dayShown ?? ''}
              onChange={(_, d) => {
                if (d.value === '' || isCalendarDate(d.value)) search.set({ day: d.value });
              }}
            />
          </Field>
          {v.day === null ? null : (
            <Button size="small" onClick={() => search.set({ day: null })}>
              {t('latest')}
            </Button>
          )}
          {can(me.data, 'read_subscriptions') ? (
            <Button
              size="small"
              as="a"
              icon={<ReceiptRegular />}
              href={subscriptionsPath}
              onClick={(e) => {
                if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                e.preventDefault();
                navigate(subscriptionsPath);
              }}
            >
              {t('subscriptions')}
            </Button>
          ) : null}
          {can(me.data, 'export_aggregates') ? (
            <Menu>
              <MenuTrigger disableButtonEnhancement>
                <Button size="small" icon={<ArrowDownloadRegular />}>
                  {t('export')}
                </Button>
              </MenuTrigger>
              <MenuPopover>
                <MenuList>
                  {EXPORT_FORMATS.map((f) => (
                    <MenuItemLink key={f} href={customerExportUrl(customerId, f, v)} download data-export={f}>
                      {t(`export.${f}`)}
                    </MenuItemLink>
                  ))}
                </MenuList>
              </MenuPopover>
            </Menu>
          ) : null}
        </>
      }
    />
  );

  if (analytics.isPending) {
    return (
      <div className={s.page}>
        {header}
        <Loading label={t('loadingReport')} />
      </div>
    );
  }
  if (report === undefined) {
    return (
      <div className={s.page}>
        {header}
        <ErrorState error={analytics.error} onRetry={() => analytics.refetch()} />
        {v.day === null ? null : (
          <div>
            <Button appearance="primary" onClick={() => search.set({ day: null })}>
              {t('latest')}
            </Button>
          </div>
        )}
      </div>
    );
  }

  const products = report.rows.filter((r) => r.workloadCode === 'ALL');
  return (
    <div className={s.page}>
      {header}
      {report.stale === null ? null : (
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>{t('stale.title')}</MessageBarTitle>
            {report.stale.fromDay === null
              ? t('stale.uncomputed')
              : t('stale.body', { day: fmtDay(locale, report.stale.fromDay) })}
          </MessageBarBody>
        </MessageBar>
      )}
      <Section
        id="products"
        title={t('products.title')}
        subtitle={v.view === 'own' ? t('products.subtitleOwn') : t('products.subtitle')}
        actions={
          analytics.isPlaceholderData ? <Spinner size="extra-tiny" label={t('updating')} /> : undefined
        }
      >
        <TotalsTiles totals={report.totals} subject={report.customer.name} />
        {products.length === 0 ? (
          <Empty>{v.view === 'own' ? t('products.noneOwn') : t('products.none')}</Empty>
        ) : (
          <ProductsTable report={report} />
        )}
        <Text size={200} className={s.muted}>
          {t('products.legend')}
        </Text>
      </Section>
      <TrendPanel customerId={customerId} view={v} products={products} />
      <RecommendationCards customerId={customerId} view={v} />
      {can(me.data, 'read_user_lists') ? (
        <InactiveUsersPanel customerId={customerId} report={report} view={v} />
      ) : null}
      <DataTrustPanel customerId={customerId} report={report} />
      <SupportPanel customerId={customerId} day={report.day} />
    </div>
  );
}
