/**
 * Licensed users inactive for 28/60/90 days (SPEC §2.3, §5): how many per product (the analytics
 * answer) and who they are (GET …/inactive-users) — for admin agents only: the page draws this
 * section only with `read_user_lists`.
 */
import {
  Button,
  Field,
  makeStyles,
  Radio,
  RadioGroup,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import {
  type CustomerAnalytics,
  INACTIVE_DAYS,
  type InactiveCounts,
  type InactiveDays,
} from '@license-insights/contracts';
import { useState } from 'react';
import { type CustomerView, useCustomerInactiveCounts, useInactiveUsers } from '../../api/customer';
import { useSearchState } from '../../app/search-state';
import { Empty, ErrorState, Loading, QueryView } from '../../components/states';
import { Dash } from '../../components/Value';
import { fmtDay, fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { Section, useTableStyles } from './parts';
import { useWorkloadName } from './workloads';

const PAGE = 50;

const useStyles = makeStyles({
  wrap: { overflowX: 'auto' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  head: { fontWeight: tokens.fontWeightSemibold },
  muted: { color: tokens.colorNeutralForeground3 },
  upn: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, overflowWrap: 'anywhere' },
  h3: { margin: '8px 0 0' },
});

export function parseInactiveDays(v: string | null): InactiveDays {
  const n = Number(v);
  return n === 60 || n === 90 ? n : 28;
}

function Count({ c, n }: { c: InactiveCounts; n: number | null }) {
  const t = useT(customerMessages);
  const { locale } = useLocale();
  if (c.availability === 'not_measured') return <Dash reason="notMeasured" />;
  if (n === null) return <Text size={200}>{t('inactive.notEnough')}</Text>;
  return <>{fmtInt(locale, n)}</>;
}

export function InactiveUsersPanel({
  customerId,
  report,
  view,
}: {
  customerId: string;
  report: CustomerAnalytics;
  view: CustomerView;
}) {
  const s = useStyles();
  const ts = useTableStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const workloadName = useWorkloadName();
  const search = useSearchState();
  const days = parseInactiveDays(search.get('inactive'));
  const users = useInactiveUsers(customerId, report.day, days, true);
  // The page's analytics leave the counts out (the slowest part): they come here, after the page is drawn.
  const counts = useCustomerInactiveCounts(customerId, view);
  const inactive = counts.data ?? [];
  const [shown, setShown] = useState(PAGE);

  return (
    <Section
      id="inactive"
      title={t('inactive.title')}
      subtitle={t('inactive.subtitle')}
      actions={
        <Field label={t('inactive.days')} size="small">
          <RadioGroup
            layout="horizontal"
            value={String(days)}
            onChange={(_, d) => {
              setShown(PAGE);
              search.set({ inactive: d.value === '28' ? null : d.value }, { replace: true });
            }}
          >
            {INACTIVE_DAYS.map((n) => (
              <Radio key={n} value={String(n)} label={t('inactive.daysOption', { n })} />
            ))}
          </RadioGroup>
        </Field>
      }
    >
      {counts.isPending ? (
        <Loading />
      ) : counts.error ? (
        <ErrorState error={counts.error} onRetry={() => counts.refetch()} />
      ) : inactive.length === 0 ? (
        <Empty>{t('inactive.noProducts')}</Empty>
      ) : (
        <div className={s.wrap}>
          <Table
            size="small"
            className={ts.table}
            aria-label={t('inactive.countsLabel')}
            data-table="inactive-counts"
          >
            <TableHeader>
              <TableRow>
                <TableHeaderCell className={s.head}>{t('col.productOnly')}</TableHeaderCell>
                {INACTIVE_DAYS.map((n) => (
                  <TableHeaderCell key={n} className={ts.head} button={{ className: ts.numHead }}>
                    {t('inactive.daysOption', { n })}
                  </TableHeaderCell>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {inactive.map((c) => (
                <TableRow key={c.productId}>
                  <TableCell>{c.productName}</TableCell>
                  <TableCell className={s.num}>
                    <Count c={c} n={c.days28} />
                  </TableCell>
                  <TableCell className={s.num}>
                    <Count c={c} n={c.days60} />
                  </TableCell>
                  <TableCell className={s.num}>
                    <Count c={c} n={c.days90} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      <Text as="h3" block weight="semibold" size={400} className={s.h3}>
        {t('inactive.listTitle', { n: days })}
      </Text>
      <QueryView query={users}>
        {(data) => {
          const list = data.products.flatMap((p) =>
            p.users.map((u) => ({ ...u, productName: p.productName })),
          );
          const counted = data.products.filter((p) => p.availability === 'ok' && p.workloads.length > 0);
          const notEnough = data.products.filter((p) => p.availability === 'not_enough_data');
          return (
            <>
              {counted.length === 0 ? null : (
                <Text size={200} className={s.muted}>
                  {t('inactive.countedIn', {
                    list: counted
                      .map((p) => `${p.productName}: ${p.workloads.map((w) => workloadName(w)).join(', ')}`)
                      .join('; '),
                  })}
                </Text>
              )}
              {notEnough.length === 0 ? null : (
                <Text size={200} className={s.muted}>
                  {t('inactive.notEnoughFor', {
                    products: notEnough.map((p) => p.productName).join(', '),
                    n: days,
                  })}
                </Text>
              )}
              {list.length === 0 ? (
                <Empty>{t('inactive.none', { n: days })}</Empty>
              ) : (
                <UserTable
                  rows={list.slice(0, shown)}
                  total={list.length}
                  onMore={() => setShown((n) => n + PAGE * 4)}
                  locale={locale}
                />
              )}
            </>
          );
        }}
      </QueryView>
    </Section>
  );
}

interface UserRow {
  readonly userId: string;
  readonly productId: string;
  readonly productName: string;
  readonly displayName: string | null;
  readonly upn: string | null;
  readonly lastActive: string | null;
  readonly daysInactive: number | null;
}

function UserTable({
  rows,
  total,
  onMore,
  locale,
}: {
  rows: readonly UserRow[];
  total: number;
  onMore: () => void;
  locale: 'en' | 'pl';
}) {
  const s = useStyles();
  const ts = useTableStyles();
  const t = useT(customerMessages);
  return (
    <>
      <div className={s.wrap}>
        <Table
          size="small"
          className={ts.table}
          aria-label={t('inactive.listLabel')}
          data-table="inactive-users"
        >
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={s.head}>{t('inactive.user')}</TableHeaderCell>
              <TableHeaderCell className={s.head}>{t('col.productOnly')}</TableHeaderCell>
              <TableHeaderCell className={s.head}>{t('inactive.lastActive')}</TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('inactive.daysInactive')}
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map((u) => (
              <TableRow key={`${u.productId}:${u.userId}`}>
                <TableCell>
                  <div>{u.displayName ?? <Dash reason="unknown" />}</div>
                  <div className={s.upn}>{u.upn ?? u.userId}</div>
                </TableCell>
                <TableCell>{u.productName}</TableCell>
                <TableCell>
                  {u.lastActive === null ? t('inactive.never') : fmtDay(locale, u.lastActive)}
                </TableCell>
                <TableCell className={s.num}>
                  {u.daysInactive === null ? <Dash reason="unknown" /> : fmtInt(locale, u.daysInactive)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </div>
      <Text size={200} className={s.muted}>
        {t('inactive.shown', { shown: rows.length, total })}
      </Text>
      {rows.length < total ? (
        <div>
          <Button size="small" onClick={onMore}>
            {t('inactive.more')}
          </Button>
        </div>
      ) : null}
    </>
  );
}
