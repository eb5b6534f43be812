/**
 * Products × workloads (SPEC §4): per product sold, sold own, assigned, unassigned, active and both
 * percentages, each product opening to its workloads with the same columns. A value above 100 %
 * carries its reason codes; a null is "—" saying why (nothing sold, a workload no source measures).
 */
import {
  Badge,
  Button,
  makeStyles,
  mergeClasses,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  Tooltip,
  tokens,
} from '@fluentui/react-components';
import { ChevronDownRegular, ChevronRightRegular, Warning16Regular } from '@fluentui/react-icons';
import type { CustomerAnalytics, MetricsRow, Reasons } from '@license-insights/contracts';
import { useEffect, useMemo, useState } from 'react';
import { markReady } from '../../app/ready';
import { Dash, type NullReason } from '../../components/Value';
import { fmtInt, fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { customerMessages } from '../CustomerPage.messages';
import { useTableStyles } from './parts';
import { ReasonsButton } from './Reasons';
import { groupRows, hasReasons, usageNullReason } from './rows';
import { useWorkloadName } from './workloads';

const useStyles = makeStyles({
  wrap: { overflowX: 'auto' },
  table: { minWidth: '880px' },
  num: { textAlign: 'right', fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' },
  head: { fontWeight: tokens.fontWeightSemibold },
  nameCell: { display: 'flex', alignItems: 'center', gap: '6px', minWidth: 0 },
  productName: { fontWeight: tokens.fontWeightSemibold },
  workloadRow: { backgroundColor: tokens.colorNeutralBackground2 },
  workloadName: { paddingLeft: '34px' },
  repeated: { color: tokens.colorNeutralForeground3 },
  spacer: { display: 'inline-block', width: '28px' },
  over: { color: tokens.colorPaletteMarigoldForeground2, fontWeight: tokens.fontWeightSemibold },
  pct: { display: 'inline-flex', alignItems: 'center', justifyContent: 'flex-end', gap: '2px' },
  toolbar: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'center' },
  help: { cursor: 'help', display: 'inline-flex' },
  badge: { whiteSpace: 'nowrap' },
});

function Percent({
  value,
  nullReason,
  reasons,
  kind,
  subject,
  partial = false,
}: {
  value: number | null;
  nullReason: NullReason;
  reasons: Reasons | null;
  kind: 'usage' | 'deployment';
  subject: string;
  partial?: boolean;
}) {
  const s = useStyles();
  const t = useT(customerMessages);
  const { locale } = useLocale();
  const over = value !== null && value > 100;
  return (
    <span className={s.pct}>
      {partial ? (
        <Tooltip content={t('partial.tooltip')} relationship="description" withArrow>
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the explanation must be reachable by keyboard */}
          <span tabIndex={0} className={s.help}>
            <Badge appearance="outline" size="small" color="informative">
              {t('partial.badge')}
            </Badge>
          </span>
        </Tooltip>
      ) : null}
      {value === null ? (
        <Dash reason={nullReason} />
      ) : (
        <span className={over ? s.over : undefined}>{fmtPct(locale, value)}</span>
      )}
      {hasReasons(reasons) ? <ReasonsButton reasons={reasons} kind={kind} subject={subject} /> : null}
    </span>
  );
}

function Cells({
  r,
  subject,
  unassigned,
}: {
  r: MetricsRow;
  subject: string;
  /** The product's unassigned licenses; null on a workload row (licenses are assigned per product). */
  unassigned: number | null;
}) {
  const s = useStyles();
  const { locale } = useLocale();
  const repeated = unassigned === null;
  const rep = repeated ? mergeClasses(s.num, s.repeated) : s.num;
  return (
    <>
      <TableCell className={rep}>{fmtInt(locale, r.licensesSold)}</TableCell>
      <TableCell className={rep}>{fmtInt(locale, r.licensesSoldOwn)}</TableCell>
      <TableCell className={rep}>{fmtInt(locale, r.licensesDeployed)}</TableCell>
      <TableCell className={s.num}>{unassigned === null ? null : fmtInt(locale, unassigned)}</TableCell>
      <TableCell className={s.num}>
        {r.licensesActive === null ? <Dash reason="notMeasured" /> : fmtInt(locale, r.licensesActive)}
      </TableCell>
      <TableCell className={s.num}>
        <Percent
          value={r.deploymentPercent}
          nullReason="notSold"
          reasons={r.deploymentReasons}
          kind="deployment"
          subject={subject}
        />
      </TableCell>
      <TableCell className={s.num}>
        <Percent
          value={r.usagePercent}
          nullReason={usageNullReason(r)}
          reasons={r.usageReasons}
          kind="usage"
          subject={subject}
          partial={r.partialWindow && r.usagePercent !== null}
        />
      </TableCell>
    </>
  );
}

export function ProductsTable({ report }: { report: CustomerAnalytics }) {
  const s = useStyles();
  const ts = useTableStyles();
  const t = useT(customerMessages);
  const workloadName = useWorkloadName();
  const groups = useMemo(() => groupRows(report.rows), [report.rows]);
  const unassigned = useMemo(
    () => new Map(report.unassigned.map((u) => [u.productId, u.licenses])),
    [report.unassigned],
  );
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const expandable = groups.filter((g) => g.workloads.length > 0);
  const allOpen = expandable.length > 0 && expandable.every((g) => open.has(g.product.productId));

  useEffect(() => {
    markReady('customer');
  }, []);

  const toggle = (id: string) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <>
      {expandable.length === 0 ? null : (
        <div className={s.toolbar}>
          <Button
            size="small"
            appearance="subtle"
            icon={allOpen ? <ChevronDownRegular /> : <ChevronRightRegular />}
            onClick={() => setOpen(allOpen ? new Set() : new Set(expandable.map((g) => g.product.productId)))}
          >
            {allOpen ? t('products.collapseAll') : t('products.expandAll')}
          </Button>
        </div>
      )}
      <div className={s.wrap}>
        <Table size="small" className={ts.table} aria-label={t('products.title')} data-table="products">
          <TableHeader>
            <TableRow>
              <TableHeaderCell className={s.head}>{t('col.product')}</TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.sold')}
              </TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.soldOwn')}
              </TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.assigned')}
              </TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.unassigned')}
              </TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.active')}
              </TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.deployment')}
              </TableHeaderCell>
              <TableHeaderCell className={ts.head} button={{ className: ts.numHead }}>
                {t('col.usage')}
              </TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {groups.map(({ product: p, workloads }) => {
              const isOpen = open.has(p.productId);
              const noWorkloads = workloads.length === 0 && !p.usageKnown;
              return [
                <TableRow key={p.productId} data-product={p.productId}>
                  <TableCell>
                    <span className={s.nameCell}>
                      {workloads.length > 0 ? (
                        <Button
                          size="small"
                          appearance="transparent"
                          icon={isOpen ? <ChevronDownRegular /> : <ChevronRightRegular />}
                          aria-expanded={isOpen}
                          aria-label={t(isOpen ? 'products.hide' : 'products.show', {
                            product: p.productName,
                          })}
                          onClick={() => toggle(p.productId)}
                        />
                      ) : (
                        <span className={s.spacer} />
                      )}
                      <span className={s.productName}>{p.productName}</span>
                      {noWorkloads ? (
                        <Tooltip content={t('products.noWorkloadsTip')} relationship="description" withArrow>
                          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the explanation must be reachable by keyboard */}
                          <span tabIndex={0} className={s.help}>
                            <Badge appearance="tint" color="subtle" className={s.badge}>
                              {t('products.noWorkloads')}
                            </Badge>
                          </span>
                        </Tooltip>
                      ) : null}
                      {p.licensesSold === 0 && p.licensesDeployed > 0 ? (
                        <Tooltip content={t('products.notSoldTip')} relationship="description" withArrow>
                          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the explanation must be reachable by keyboard */}
                          <span tabIndex={0} className={s.help}>
                            <Badge
                              appearance="tint"
                              color="warning"
                              icon={<Warning16Regular />}
                              className={s.badge}
                            >
                              {t('products.notSold')}
                            </Badge>
                          </span>
                        </Tooltip>
                      ) : null}
                    </span>
                  </TableCell>
                  <Cells
                    r={p}
                    subject={p.productName}
                    // Only products with licenses left over are listed: the others have none.
                    unassigned={unassigned.get(p.productId) ?? 0}
                  />
                </TableRow>,
                ...(isOpen
                  ? workloads.map((w) => {
                      const name = workloadName(w.workloadCode, w.workloadName);
                      return (
                        <TableRow
                          key={`${p.productId}:${w.workloadCode}`}
                          className={s.workloadRow}
                          data-workload={w.workloadCode}
                        >
                          <TableCell>
                            <span className={s.workloadName}>
                              <Text>{name}</Text>
                            </span>
                          </TableCell>
                          <Cells r={w} subject={`${p.productName} · ${name}`} unassigned={null} />
                        </TableRow>
                      );
                    })
                  : []),
              ];
            })}
          </TableBody>
        </Table>
      </div>
    </>
  );
}
