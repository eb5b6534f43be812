/**
 * The support metric (SPEC §4) of this customer (GET /api/v1/support?customerId): requests of the
 * 28 days to D by category, and how-to requests per 100 active users — for the whole customer and
 * per product or workload the requests named.
 */
import {
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  tokens,
} from '@fluentui/react-components';
import type { SupportReportRow } from '@license-insights/contracts';
import { useCustomerSupport } from '../../api/customer';
import { Empty, QueryView } from '../../components/states';
import { Dash } from '../../components/Value';
import { fmtDay, fmtDecimal, fmtInt } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { Section, Tile, useTableStyles } from './parts';
import { useWorkloadName } from './workloads';

const useStyles = makeStyles({
  tiles: { display: 'flex', flexWrap: 'wrap', gap: '10px' },
  wrap: { overflowX: 'auto' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  head: { fontWeight: tokens.fontWeightSemibold },
});

function per100(locale: 'en' | 'pl', v: number | null) {
  // Null: no active users in the 28 days, so no rate.
  return v === null ? <Dash reason="unknown" /> : fmtDecimal(locale, v);
}

export function SupportPanel({ customerId, day }: { customerId: string; day: string }) {
  const s = useStyles();
  const ts = useTableStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const workloadName = useWorkloadName();
  const support = useCustomerSupport(customerId, day);
  const scopeName = (r: SupportReportRow) =>
    [r.productName, r.workload === null ? null : workloadName(r.workload)]
      .filter((x) => x !== null)
      .join(' · ');

  return (
    <Section
      id="support"
      title={t('support.title')}
      subtitle={t('support.subtitle', { day: fmtDay(locale, day) })}
    >
      <QueryView query={support}>
        {(data) => {
          const whole = data.rows.find((r) => r.productId === null && r.workload === null);
          const scopes = data.rows.filter((r) => r.productId !== null || r.workload !== null);
          if (whole === undefined && scopes.length === 0) return <Empty>{t('support.none')}</Empty>;
          return (
            <>
              {whole === undefined ? null : (
                <div className={s.tiles} data-tiles="support">
                  <Tile label={t('support.howTo')} value={fmtInt(locale, whole.howTo)} />
                  <Tile label={t('support.problem')} value={fmtInt(locale, whole.problem)} />
                  <Tile label={t('support.other')} value={fmtInt(locale, whole.other)} />
                  <Tile label={t('support.activeUsers')} value={fmtInt(locale, whole.activeUsers)} />
                  <Tile
                    label={t('support.per100')}
                    value={per100(locale, whole.howToPer100)}
                    note={t('support.per100Note')}
                  />
                </div>
              )}
              {scopes.length === 0 ? null : (
                <div className={s.wrap}>
                  <Table
                    size="small"
                    className={ts.table}
                    aria-label={t('support.scopesLabel')}
                    data-table="support"
                  >
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell className={s.head}>{t('support.scope')}</TableHeaderCell>
                        <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                          {t('support.howTo')}
                        </TableHeaderCell>
                        <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                          {t('support.problem')}
                        </TableHeaderCell>
                        <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                          {t('support.other')}
                        </TableHeaderCell>
                        <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                          {t('support.activeUsers')}
                        </TableHeaderCell>
                        <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                          {t('support.per100')}
                        </TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {scopes.map((r) => (
                        <TableRow key={`${r.productId ?? '-'}:${r.workload ?? '-'}`}>
                          <TableCell>{scopeName(r)}</TableCell>
                          <TableCell className={s.num}>{fmtInt(locale, r.howTo)}</TableCell>
                          <TableCell className={s.num}>{fmtInt(locale, r.problem)}</TableCell>
                          <TableCell className={s.num}>{fmtInt(locale, r.other)}</TableCell>
                          <TableCell className={s.num}>{fmtInt(locale, r.activeUsers)}</TableCell>
                          <TableCell className={s.num}>{per100(locale, r.howToPer100)}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              )}
            </>
          );
        }}
      </QueryView>
    </Section>
  );
}
