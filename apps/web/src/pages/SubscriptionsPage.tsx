/**
 * A customer's subscriptions (SPEC §4 "Subscriptions"): every subscription as of a day — own, other
 * partners' and Microsoft direct — with status, trial, quantity, billing, renewal date and
 * auto-renewal. The day and the channel shown live in the URL (`day`, `channel`).
 */
import {
  Badge,
  Button,
  Field,
  Input,
  makeStyles,
  Radio,
  RadioGroup,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowLeftRegular,
  CheckmarkCircle16Regular,
  Clock16Regular,
  Delete16Regular,
  DismissCircle16Regular,
  PauseCircle16Regular,
  Warning16Regular,
} from '@fluentui/react-icons';
import {
  CHANNELS,
  type Channel,
  type CustomerSubscription,
  isCalendarDate,
  type SubscriptionStatus,
} from '@license-insights/contracts';
import type { ReactElement } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useCustomerRecord, useCustomerSubscriptions } from '../api/customer';
import { ApiError, withQuery } from '../api/http';
import { useSearchState } from '../app/search-state';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, Loading } from '../components/states';
import { Dash } from '../components/Value';
import { fmtDay, fmtInt } from '../format';
import { useLocale, useT } from '../i18n';
import { NoSuchCustomer } from './customer/NoSuchCustomer';
import { Section, useTableStyles } from './customer/parts';
import { subscriptionsMessages } from './SubscriptionsPage.messages';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '1400px' },
  back: { alignSelf: 'flex-start' },
  muted: { color: tokens.colorNeutralForeground3 },
  id: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase100,
    color: tokens.colorNeutralForeground3,
  },
  product: { display: 'flex', flexDirection: 'column', gap: '2px' },
  productLine: { display: 'flex', alignItems: 'center', gap: '6px', fontWeight: tokens.fontWeightSemibold },
  dayInput: { width: '160px' },
  help: { cursor: 'help', display: 'inline-flex' },
  status: { display: 'inline-flex', alignItems: 'center', gap: '4px', whiteSpace: 'nowrap' },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteMarigoldForeground2 },
  bad: { color: tokens.colorPaletteRedForeground1 },
  neutral: { color: tokens.colorNeutralForeground2 },
});

const STATUS_LOOK: Record<
  SubscriptionStatus,
  { icon: ReactElement; tone: 'ok' | 'warn' | 'bad' | 'neutral' }
> = {
  active: { icon: <CheckmarkCircle16Regular />, tone: 'ok' },
  pending: { icon: <Clock16Regular />, tone: 'neutral' },
  suspended: { icon: <PauseCircle16Regular />, tone: 'warn' },
  expired: { icon: <Warning16Regular />, tone: 'warn' },
  disabled: { icon: <DismissCircle16Regular />, tone: 'bad' },
  deleted: { icon: <Delete16Regular />, tone: 'bad' },
};

const isChannel = (v: string | null): v is Channel =>
  v !== null && (CHANNELS as readonly string[]).includes(v);

export default function SubscriptionsPage() {
  const s = useStyles();
  const ts = useTableStyles();
  const t = useT(subscriptionsMessages);
  const { locale } = useLocale();
  const { customerId = '' } = useParams();
  const navigate = useNavigate();
  const search = useSearchState();
  const dayParam = search.get('day');
  const day = dayParam !== null && isCalendarDate(dayParam) ? dayParam : null;
  const channelParam = search.get('channel');
  const channel = isChannel(channelParam) ? channelParam : null;
  const record = useCustomerRecord(customerId);
  const subs = useCustomerSubscriptions(customerId, day);

  if (
    (record.error instanceof ApiError && record.error.status === 404) ||
    (subs.error instanceof ApiError &&
      subs.error.status === 404 &&
      subs.error.message.startsWith('no customer'))
  ) {
    return <NoSuchCustomer customerId={customerId} />;
  }

  const name = record.data?.name ?? subs.data?.customer.name ?? null;
  // Back to the customer as it was left: its day and channel view.
  const customerPath = withQuery(`/customers/${encodeURIComponent(customerId)}`, {
    day,
    view: search.get('view') === 'own' ? 'own' : null,
  });
  const dayShown = subs.data?.day ?? day;
  const all = subs.data?.subscriptions ?? [];
  const count = (c: Channel | null) => all.filter((x) => c === null || x.channel === c).length;
  const shown = all.filter((x) => channel === null || x.channel === channel);

  const status = (x: CustomerSubscription) => {
    const look = STATUS_LOOK[x.status];
    return (
      <span className={`${s.status} ${s[look.tone]}`}>
        {look.icon}
        {t(`status.${x.status}`)}
      </span>
    );
  };

  return (
    <div className={s.page}>
      <Button
        className={s.back}
        appearance="subtle"
        size="small"
        as="a"
        href={customerPath}
        icon={<ArrowLeftRegular />}
        onClick={(e) => {
          if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
          e.preventDefault();
          navigate(customerPath);
        }}
      >
        {name === null ? t('backShort') : t('back', { customer: name })}
      </Button>
      <PageHeader
        title={name === null ? t('title') : t('titleOf', { customer: name })}
        subtitle={dayShown === null ? undefined : t('subtitle', { day: fmtDay(locale, dayShown) })}
        actions={
          <>
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
            {day === null ? null : (
              <Button size="small" onClick={() => search.set({ day: null })}>
                {t('latest')}
              </Button>
            )}
          </>
        }
      />
      {subs.isPending ? (
        <Loading label={t('loading')} />
      ) : subs.data === undefined ? (
        <ErrorState error={subs.error} onRetry={() => subs.refetch()} />
      ) : (
        <Section
          id="subscriptions"
          title={t('title')}
          subtitle={t('intro')}
          actions={
            <Field label={t('channel')} size="small">
              <RadioGroup
                layout="horizontal"
                value={channel ?? 'all'}
                onChange={(_, d) =>
                  search.set({ channel: d.value === 'all' ? null : d.value }, { replace: true })
                }
              >
                <Radio value="all" label={t('channel.all', { n: count(null) })} />
                {CHANNELS.map((c) => (
                  <Radio key={c} value={c} label={t(`channel.${c}`, { n: count(c) })} />
                ))}
              </RadioGroup>
            </Field>
          }
        >
          {shown.length === 0 ? (
            <Empty>{all.length === 0 ? t('none') : t('noneInChannel')}</Empty>
          ) : (
            <div className={ts.wrap}>
              <Table
                size="small"
                className={ts.table}
                aria-label={t('tableLabel', { customer: name ?? '' })}
                data-table="subscriptions"
              >
                <TableHeader>
                  <TableRow>
                    <TableHeaderCell className={ts.head}>{t('col.product')}</TableHeaderCell>
                    <TableHeaderCell className={ts.head}>{t('col.channel')}</TableHeaderCell>
                    <TableHeaderCell className={ts.head}>{t('col.status')}</TableHeaderCell>
                    <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                      {t('col.quantity')}
                    </TableHeaderCell>
                    <TableHeaderCell className={ts.head}>{t('col.billing')}</TableHeaderCell>
                    <TableHeaderCell className={ts.head}>{t('col.termEnd')}</TableHeaderCell>
                    <TableHeaderCell className={ts.head}>{t('col.autoRenew')}</TableHeaderCell>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {shown.map((x) => (
                    <TableRow key={x.subscriptionId} data-subscription={x.subscriptionId}>
                      <TableCell>
                        <div className={s.product}>
                          <span className={s.productLine}>
                            {x.productName}
                            {x.isTrial ? (
                              <Tooltip content={t('trialTip')} relationship="description" withArrow>
                                {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the explanation must be reachable by keyboard */}
                                <span tabIndex={0} className={s.help}>
                                  <Badge appearance="tint" color="informative">
                                    {t('trial')}
                                  </Badge>
                                </span>
                              </Tooltip>
                            ) : null}
                          </span>
                          <span className={s.id} title={t('col.id')}>
                            {x.subscriptionId}
                          </span>
                        </div>
                      </TableCell>
                      <TableCell>{t(`ch.${x.channel}`)}</TableCell>
                      <TableCell>{status(x)}</TableCell>
                      <TableCell className={ts.num}>{fmtInt(locale, x.quantity)}</TableCell>
                      <TableCell>
                        {x.billingCycle === null ? <Dash reason="unknown" /> : t(`billing.${x.billingCycle}`)}
                      </TableCell>
                      <TableCell>
                        {x.termEnd === null ? <Dash reason="unknown" /> : fmtDay(locale, x.termEnd)}
                      </TableCell>
                      <TableCell>
                        {x.autoRenew === null ? <Dash reason="unknown" /> : x.autoRenew ? t('yes') : t('no')}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            </div>
          )}
        </Section>
      )}
    </div>
  );
}
