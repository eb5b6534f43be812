/**
 * What the data can tell about this customer (SPEC §4 "Data trust", §2.3): how old its data is per
 * source (GET /api/v1/data-trust?customerId), which workloads a source measures on D (the
 * analytics answer), concealed user names, unknown SKUs and missing kinds of data.
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
  Text,
  tokens,
} from '@fluentui/react-components';
import { CheckmarkCircle16Regular, DismissCircle16Regular, Warning16Regular } from '@fluentui/react-icons';
import type { CustomerAnalytics } from '@license-insights/contracts';
import type { ReactNode } from 'react';
import { useCustomerDataTrust } from '../../api/customer';
import { QueryView } from '../../components/states';
import { fmtDay } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { Section, useTableStyles } from './parts';
import { useWorkloadName } from './workloads';

const useStyles = makeStyles({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fit, minmax(320px, 1fr))',
    gap: '16px 28px',
    alignItems: 'start',
  },
  facts: {
    display: 'grid',
    gridTemplateColumns: 'minmax(120px, max-content) 1fr',
    gap: '8px 16px',
    margin: 0,
  },
  dt: { color: tokens.colorNeutralForeground2, fontWeight: tokens.fontWeightSemibold },
  dd: { margin: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  head: { fontWeight: tokens.fontWeightSemibold },
  column: { display: 'flex', flexDirection: 'column', gap: '12px', minWidth: 0 },
  muted: { color: tokens.colorNeutralForeground3 },
  ok: { color: tokens.colorPaletteGreenForeground1 },
  warn: { color: tokens.colorPaletteMarigoldForeground2 },
  line: { display: 'inline-flex', alignItems: 'center', gap: '4px' },
});

function Fact({ term, children }: { term: string; children: ReactNode }) {
  const s = useStyles();
  return (
    <>
      <dt className={s.dt}>{term}</dt>
      <dd className={s.dd}>{children}</dd>
    </>
  );
}

function Status({ ok, children }: { ok: boolean; children: ReactNode }) {
  const s = useStyles();
  return (
    <span className={mergeClasses(s.line, ok ? s.ok : s.warn)}>
      {ok ? <CheckmarkCircle16Regular /> : <Warning16Regular />}
      <span>{children}</span>
    </span>
  );
}

const SOURCES = ['canonical', 'graph_active_users', 'graph_subscribed_skus', 'partner_center'] as const;
const ENTITIES = [
  'activity',
  'license_assignments',
  'subscriptions',
  'support_requests',
  'users',
  'customers',
] as const;

export function DataTrustPanel({ customerId, report }: { customerId: string; report: CustomerAnalytics }) {
  const s = useStyles();
  const ts = useTableStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const workloadName = useWorkloadName();
  const trust = useCustomerDataTrust(customerId);
  const sourceName = (v: string) =>
    (SOURCES as readonly string[]).includes(v) ? t(`source.${v as (typeof SOURCES)[number]}`) : v;
  const entityName = (v: string) =>
    (ENTITIES as readonly string[]).includes(v) ? t(`entity.${v as (typeof ENTITIES)[number]}`) : v;

  return (
    <Section id="data-trust" title={t('trust.title')} subtitle={t('trust.subtitle')}>
      <div className={s.grid}>
        <QueryView query={trust}>
          {(data) => {
            const c = data.customers[0];
            if (c === undefined) return <Text>{t('trust.noData')}</Text>;
            const concealed = data.concealedNames;
            return (
              <div className={s.column}>
                <dl className={s.facts}>
                  <Fact term={t('trust.newest')}>
                    {c.lastDataDay === null ? (
                      <Status ok={false}>{t('trust.noData')}</Status>
                    ) : (
                      <>
                        <span>{fmtDay(locale, c.lastDataDay)}</span>
                        {c.daysBehind !== null && c.daysBehind > 0 && data.newestDay !== null ? (
                          <Status ok={false}>
                            {t('trust.behind', { n: c.daysBehind, newest: fmtDay(locale, data.newestDay) })}
                          </Status>
                        ) : (
                          <Status ok>{t('trust.current')}</Status>
                        )}
                      </>
                    )}
                  </Fact>
                  <Fact term={t('trust.lastActivity')}>
                    {c.lastActivityDay === null ? (
                      <Status ok={false}>{t('trust.noActivity')}</Status>
                    ) : (
                      <>
                        <span>{fmtDay(locale, c.lastActivityDay)}</span>
                        {/* Days compare as text (YYYY-MM-DD). */}
                        {c.lastActivityDay < report.day ? (
                          <Status ok={false}>
                            {t('trust.activityBefore', { day: fmtDay(locale, report.day) })}
                          </Status>
                        ) : null}
                      </>
                    )}
                  </Fact>
                  <Fact term={t('trust.names')}>
                    {concealed.length === 0 ? (
                      <Status ok>{t('trust.namesVisible')}</Status>
                    ) : (
                      concealed.map((x) => (
                        <Status key={x.detail} ok={false}>
                          {t('trust.namesConcealed', { detail: x.detail })}
                        </Status>
                      ))
                    )}
                  </Fact>
                  <Fact term={t('trust.unknownSkus')}>
                    {data.unknownProducts.length === 0 ? (
                      <Status ok>{t('trust.none')}</Status>
                    ) : (
                      data.unknownProducts.map((p) => (
                        <Status key={p.productId} ok={false}>
                          {p.name === p.productId ? p.productId : `${p.name} (${p.productId})`}
                        </Status>
                      ))
                    )}
                  </Fact>
                  <Fact term={t('trust.missing')}>
                    {c.missing.length === 0 ? (
                      <Status ok>{t('trust.none')}</Status>
                    ) : (
                      c.missing.map((m) => (
                        <Status key={m} ok={false}>
                          {t(`trust.missing.${m}`)}
                        </Status>
                      ))
                    )}
                  </Fact>
                </dl>
                <Table
                  size="small"
                  className={ts.table}
                  aria-label={t('trust.sourcesLabel')}
                  data-table="sources"
                >
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell className={s.head}>{t('trust.source')}</TableHeaderCell>
                      <TableHeaderCell className={s.head}>{t('trust.kind')}</TableHeaderCell>
                      <TableHeaderCell className={s.head}>{t('trust.lastDay')}</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {c.sources.map((x) => (
                      <TableRow key={`${x.source}:${x.entity}`}>
                        <TableCell>{sourceName(x.source)}</TableCell>
                        <TableCell>{entityName(x.entity)}</TableCell>
                        <TableCell>{fmtDay(locale, x.lastDate)}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            );
          }}
        </QueryView>
        <div className={s.column}>
          {report.usageData.workloads.length === 0 ? (
            <Status ok={false}>{t('trust.nothingMeasured')}</Status>
          ) : (
            <Table
              size="small"
              className={ts.table}
              aria-label={t('trust.measured', { day: fmtDay(locale, report.day) })}
              data-table="measured"
            >
              <TableHeader>
                <TableRow>
                  <TableHeaderCell className={s.head}>{t('trust.workload')}</TableHeaderCell>
                  <TableHeaderCell className={s.head}>
                    {t('trust.measured', { day: fmtDay(locale, report.day) })}
                  </TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {report.usageData.workloads.map((w) => (
                  <TableRow key={w.workload} data-workload-state={w.state}>
                    <TableCell>{workloadName(w.workload)}</TableCell>
                    <TableCell>
                      <span
                        className={mergeClasses(
                          s.line,
                          w.state === 'known' ? s.ok : w.state === 'partial' ? s.warn : s.muted,
                        )}
                      >
                        {w.state === 'known' ? (
                          <CheckmarkCircle16Regular />
                        ) : w.state === 'partial' ? (
                          <Warning16Regular />
                        ) : (
                          <DismissCircle16Regular />
                        )}
                        <span>
                          {w.state === 'unknown'
                            ? t('trust.state.unknown')
                            : t(w.state === 'known' ? 'trust.state.known' : 'trust.state.partial', {
                                since: w.dataSince === null ? '—' : fmtDay(locale, w.dataSince),
                              })}
                        </span>
                      </span>
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
          {report.usageData.unattributedOpenUse.length === 0 ? null : (
            <dl className={s.facts}>
              <Fact term={t('trust.unattributed')}>
                {report.usageData.unattributedOpenUse.map((u) => (
                  <Text key={u.workload}>
                    {t('trust.unattributedLine', { workload: workloadName(u.workload), n: u.users })}
                  </Text>
                ))}
              </Fact>
            </dl>
          )}
          <Text size={200} className={s.muted}>
            {t('trust.absence')}
          </Text>
        </div>
      </div>
    </Section>
  );
}
