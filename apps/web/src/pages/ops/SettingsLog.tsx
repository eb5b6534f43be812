/**
 * Changes of thresholds and exclusions, newest first (GET /api/v1/settings/log, part of the audit
 * log): who changed what, from which value to which.
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
import {
  type AuditRecord,
  fieldName,
  formatNumber,
  ruleIdSchema,
  translate,
} from '@license-insights/contracts';
import { useQuery } from '@tanstack/react-query';
import { exclusionsQuery, settingsLogQuery } from '../../api/ops';
import { Empty, QueryView } from '../../components/states';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { settingsMessages } from '../SettingsPage.messages';
import { AppLink } from './AppLink';

const useStyles = makeStyles({
  wrap: { overflowX: 'auto' },
  details: { overflowWrap: 'anywhere' },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function SettingsLog() {
  const s = useStyles();
  const t = useT(settingsMessages);
  const { locale } = useLocale();
  const query = useQuery(settingsLogQuery());
  // The log names customers by id; the names of those still excluded are known.
  const exclusions = useQuery(exclusionsQuery());
  const names = new Map((exclusions.data ?? []).map((e) => [e.customerId, e.customerName]));

  const value = (v: unknown): string =>
    typeof v === 'boolean'
      ? t(v ? 'yes' : 'no')
      : typeof v === 'number'
        ? formatNumber(locale, v)
        : String(v);
  const ruleName = (v: unknown): string => {
    const r = ruleIdSchema.safeParse(v);
    return r.success ? translate(locale, `rule.${r.data}`) : String(v);
  };

  const what = (r: AuditRecord): string => {
    if (r.action === 'settings.change' && r.details.reset !== undefined)
      return t('log.action.settings.reset');
    const key = `log.action.${r.action}`;
    return key in settingsMessages.en ? t(key as 'log.action.settings.change') : r.action;
  };

  const details = (r: AuditRecord) => {
    const d = r.details;
    if (r.action === 'settings.change') {
      if (d.reset !== undefined)
        return d.reset === 'all' ? t('log.resetAll') : t('log.resetRule', { rule: ruleName(d.reset) });
      const path = str(d.path) ?? '';
      const [rule, field] = path.split('.');
      return t('log.change', {
        field: `${ruleName(rule)} · ${fieldName(locale, field ?? path)}`,
        before: value(d.before),
        after: value(d.after),
      });
    }
    if (r.action === 'exclusion.add' || r.action === 'exclusion.remove') {
      const customerId = str(d.customerId) ?? '';
      const productId = str(d.productId) ?? '';
      return (
        <>
          <AppLink to={`/customers/${encodeURIComponent(customerId)}`}>
            {names.get(customerId) ?? <span className={s.code}>{customerId}</span>}
          </AppLink>
          {' · '}
          {productId === '*' ? t('log.allProducts') : <span className={s.code}>{productId}</span>}
          {' · '}
          {t('log.reason', { reason: str(d.reason) ?? '' })}
        </>
      );
    }
    return <span className={s.code}>{JSON.stringify(d)}</span>;
  };

  return (
    <QueryView query={query}>
      {(log) =>
        log.length === 0 ? (
          <Empty>{t('log.empty')}</Empty>
        ) : (
          <div className={s.wrap}>
            <Table size="small" aria-label={t('log.title')} style={{ minWidth: 760 }}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell style={{ width: 190 }}>{t('log.when')}</TableHeaderCell>
                  <TableHeaderCell style={{ width: 200 }}>{t('log.who')}</TableHeaderCell>
                  <TableHeaderCell style={{ width: 200 }}>{t('log.what')}</TableHeaderCell>
                  <TableHeaderCell>{t('log.details')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {log.map((r) => (
                  <TableRow key={r.auditId}>
                    <TableCell>{fmtInstant(locale, r.occurredAt)}</TableCell>
                    <TableCell>{r.actor}</TableCell>
                    <TableCell>{what(r)}</TableCell>
                    <TableCell className={s.details}>
                      {details(r)}
                      {r.outcome === 'ok' ? null : ` (${t('log.outcome', { outcome: r.outcome })})`}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )
      }
    </QueryView>
  );
}
