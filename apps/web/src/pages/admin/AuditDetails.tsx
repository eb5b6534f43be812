/**
 * What an audit record is about (its target) and its details, read from the record's `details`
 * as the API gives them: a short summary in the row, everything in a dialog.
 */
import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { type AuditLogEntry, ROLES, type Role } from '@license-insights/contracts';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { auditMessages } from '../AuditPage.messages';
import { adminMessages } from './admin.messages';
import { CustomerName } from './shared';

const useStyles = makeStyles({
  list: { margin: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: '8px', rowGap: '2px' },
  key: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  value: {
    margin: 0,
    fontSize: tokens.fontSizeBase200,
    overflowWrap: 'anywhere',
    maxWidth: '360px',
  },
  pre: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    padding: '12px',
    borderRadius: tokens.borderRadiusMedium,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    maxHeight: '60vh',
    overflowY: 'auto',
    margin: 0,
  },
  muted: { color: tokens.colorNeutralForeground3 },
});

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const isRole = (v: unknown): v is Role => typeof v === 'string' && (ROLES as readonly string[]).includes(v);

/** The record's target: an account, a customer, a token, the files of an import… */
export function AuditTarget({ entry }: { entry: AuditLogEntry }) {
  const s = useStyles();
  const t = useT(auditMessages);
  const d = entry.details;
  const customerId = str(d.customerId);
  if (customerId !== null) {
    const productId = str(d.productId);
    return (
      <Text>
        <CustomerName customerId={customerId} />
        {productId === null || productId === '*' ? null : <span className={s.muted}> · {productId}</span>}
      </Text>
    );
  }
  const email = str(d.email);
  if (email !== null) return <Text>{email}</Text>;
  if (entry.action === 'token.create' && str(d.name) !== null) return <Text>{str(d.name)}</Text>;
  const tokenId = str(d.tokenId);
  if (tokenId !== null) return <Text>{t('target.token', { id: tokenId })}</Text>;
  if (entry.action === 'import' && Array.isArray(d.files)) {
    return <Text title={d.files.join('\n')}>{t('target.files', { n: d.files.length })}</Text>;
  }
  if (entry.action === 'export') return <Text>{t('target.portfolio')}</Text>;
  const path = str(d.path) ?? str(d.reset);
  if (path !== null) return <Text>{path}</Text>;
  return <Text className={s.muted}>—</Text>;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** A detail's value in words: role codes by their names, instants per locale, scopes in words. */
function useValueText(): (key: string, v: unknown) => string {
  const a = useT(adminMessages);
  const { locale } = useLocale();
  return (key, v) => {
    if (key === 'scope' && v === null) return a('allCustomers');
    if (v === null || v === undefined) return '—';
    if (key === 'roles' && Array.isArray(v)) {
      return v.map((r) => (isRole(r) ? a(`role.${r}`) : String(r))).join(', ');
    }
    if (key === 'scope' && typeof v === 'object' && !Array.isArray(v)) {
      const { groups, customers } = v as { groups?: unknown; customers?: unknown };
      const parts: string[] = [];
      if (Array.isArray(groups) && groups.length > 0) {
        parts.push(a('scopeGroups', { n: groups.length, names: groups.join(', ') }));
      }
      if (Array.isArray(customers) && customers.length > 0) {
        parts.push(a('scopeCustomers', { n: customers.length }));
      }
      return parts.length === 0 ? a('noCustomers') : parts.join('; ');
    }
    if (typeof v === 'string' && INSTANT.test(v)) return fmtInstant(locale, v);
    if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  };
}

/** Keys the target column shows already, or too technical for the row (in "All details" still). */
const SHOWN = new Set(['email', 'customerId', 'productId', 'tokenId', 'files', 'accountId']);
const SUMMARY_KEYS = 3;
const SUMMARY_CHARS = 80;

export function AuditDetails({ entry, title }: { entry: AuditLogEntry; title: string }) {
  const s = useStyles();
  const t = useT(auditMessages);
  const a = useT(adminMessages);
  const text = useValueText();
  const entries = Object.entries(entry.details).filter(([k]) => !SHOWN.has(k));
  if (Object.keys(entry.details).length === 0) return <Text className={s.muted}>{t('noDetails')}</Text>;
  const summary = entries.slice(0, SUMMARY_KEYS).map(([k, v]) => {
    const full = text(k, v);
    return [k, full.length > SUMMARY_CHARS ? `${full.slice(0, SUMMARY_CHARS - 1)}…` : full, full] as const;
  });
  // Everything is in the row unless keys are left out, a value is cut, or the files of an import.
  const more =
    entries.length > SUMMARY_KEYS ||
    summary.some(([, short, full]) => short !== full) ||
    Array.isArray(entry.details.files);
  return (
    <div>
      {summary.length === 0 ? null : (
        <dl className={s.list}>
          {summary.map(([k, short]) => (
            <div key={k} style={{ display: 'contents' }}>
              <dt className={s.key}>{k}</dt>
              <dd className={s.value}>{short}</dd>
            </div>
          ))}
        </dl>
      )}
      {more ? (
        <Dialog>
          <DialogTrigger disableButtonEnhancement>
            <Button appearance="transparent" size="small" style={{ padding: 0, minWidth: 0 }}>
              {t('allDetails')}
            </Button>
          </DialogTrigger>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{title}</DialogTitle>
              <DialogContent>
                <pre className={s.pre}>{JSON.stringify(entry.details, null, 2)}</pre>
              </DialogContent>
              <DialogActions>
                <DialogTrigger disableButtonEnhancement>
                  <Button appearance="primary">{a('close')}</Button>
                </DialogTrigger>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      ) : null}
    </div>
  );
}
