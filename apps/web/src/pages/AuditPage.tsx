/**
 * The audit log (SPEC §5: admin agents and user management admins): the partner's records newest
 * first, filtered on the server by action, actor and days (kept in the URL, so a view can be
 * shared), 50 a page. A scoped account sees no records about other customers (the API's rule).
 */
import {
  Badge,
  Button,
  makeStyles,
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
  ArrowLeftRegular,
  ArrowRightRegular,
  CheckmarkCircleRegular,
  DismissCircleRegular,
  InfoRegular,
  WarningRegular,
} from '@fluentui/react-icons';
import type { AuditLogEntry } from '@license-insights/contracts';
import { useCallback, useEffect, useMemo } from 'react';
import { type AuditFilters, useAuditLog } from '../api/admin';
import { markReady } from '../app/ready';
import { useSearchState } from '../app/search-state';
import { PageHeader } from '../components/PageHeader';
import { Empty, ErrorState, Loading } from '../components/states';
import { fmtInstant } from '../format';
import { useLocale, useT } from '../i18n';
import { auditMessages } from './AuditPage.messages';
import { AuditDetails, AuditTarget } from './admin/AuditDetails';
import { AuditFilterBar, isKnownAction, validDay } from './admin/AuditFilterBar';

const PAGE_SIZE = 50;

const useStyles = makeStyles({
  tableWrap: { overflowX: 'auto' },
  table: { minWidth: '980px' },
  stale: { opacity: 0.6, transition: 'opacity 120ms' },
  time: { whiteSpace: 'nowrap' },
  actionCode: {
    display: 'block',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase100,
    color: tokens.colorNeutralForeground3,
  },
  actor: { overflowWrap: 'anywhere' },
  pager: { display: 'flex', alignItems: 'center', gap: '8px', marginTop: '12px', flexWrap: 'wrap' },
  range: { color: tokens.colorNeutralForeground3, marginRight: 'auto' },
  cellTop: { verticalAlign: 'top', paddingTop: '8px', paddingBottom: '8px' },
});

/** Midnight starting a day in the browser's time zone, as an instant (`plusDays` later). */
function localMidnight(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + plusDays).toISOString();
}

type Tone = 'success' | 'warning' | 'danger' | 'informative';
const OUTCOME_TONE: Readonly<Record<string, Tone>> = {
  ok: 'success',
  committed: 'success',
  unchanged: 'informative',
  partial: 'warning',
  throttled: 'warning',
  rejected: 'danger',
  failed: 'danger',
};
const KNOWN_OUTCOMES = new Set([
  'ok',
  'committed',
  'unchanged',
  'partial',
  'rejected',
  'failed',
  'throttled',
]);
type KnownOutcome = 'ok' | 'committed' | 'unchanged' | 'partial' | 'rejected' | 'failed' | 'throttled';

function Outcome({ outcome }: { outcome: string }) {
  const t = useT(auditMessages);
  const tone = OUTCOME_TONE[outcome] ?? 'informative';
  const icon =
    tone === 'success' ? (
      <CheckmarkCircleRegular />
    ) : tone === 'warning' ? (
      <WarningRegular />
    ) : tone === 'danger' ? (
      <DismissCircleRegular />
    ) : (
      <InfoRegular />
    );
  return (
    <Badge appearance="tint" color={tone} icon={icon}>
      {KNOWN_OUTCOMES.has(outcome) ? t(`outcome.${outcome as KnownOutcome}`) : outcome}
    </Badge>
  );
}

/** Back to the top of the table when turning a page (the pager is below it). */
function toTop(): void {
  document.getElementById('main')?.scrollIntoView({ block: 'start' });
}

export default function AuditPage() {
  const s = useStyles();
  const t = useT(auditMessages);
  const { locale } = useLocale();
  const { get, set } = useSearchState();

  const actionParam = get('action') ?? '';
  const actions = useMemo(
    () =>
      actionParam
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== ''),
    [actionParam],
  );
  const actor = (get('actor') ?? '').trim();
  const from = validDay(get('from'));
  const to = validDay(get('to'));
  const page = Math.max(1, Math.floor(Number(get('page') ?? '1')) || 1);
  const offset = (page - 1) * PAGE_SIZE;

  const filters: AuditFilters = useMemo(
    () => ({
      action: actions.length === 0 ? null : actions.join(','),
      actor: actor === '' ? null : actor,
      // Days in the browser's time zone: from its first instant, to the next day's first (exclusive).
      from: from === null ? null : localMidnight(from),
      to: to === null ? null : localMidnight(to, 1),
    }),
    [actions, actor, from, to],
  );
  const log = useAuditLog(filters, offset, PAGE_SIZE);

  useEffect(() => {
    if (log.data !== undefined && !log.isPlaceholderData) markReady('audit');
  }, [log.data, log.isPlaceholderData]);

  // A new filter starts at the newest records again.
  const changeFilters = useCallback(
    (changes: Readonly<Record<string, string | null>>) => set({ ...changes, page: null }, { replace: true }),
    [set],
  );
  const filtered = filters.action !== null || filters.actor !== null || from !== null || to !== null;

  const actionLabel = (entry: AuditLogEntry) =>
    isKnownAction(entry.action) ? t(`action.${entry.action}`) : entry.action;

  return (
    <section>
      <PageHeader title={t('title')} subtitle={t('subtitle')} />
      <AuditFilterBar actions={actions} actor={actor} from={from} to={to} onChange={changeFilters} />
      {log.isPending ? (
        <Loading />
      ) : log.data === undefined ? (
        <ErrorState error={log.error} onRetry={() => log.refetch()} />
      ) : (
        <>
          {log.error ? <ErrorState error={log.error} onRetry={() => log.refetch()} /> : null}
          {log.data.rows.length === 0 ? (
            page > 1 ? (
              <Empty>
                {t('emptyPage')}{' '}
                <Button appearance="transparent" onClick={() => set({ page: null })}>
                  {t('firstPage')}
                </Button>
              </Empty>
            ) : (
              <Empty>{filtered ? t('emptyFiltered') : t('empty')}</Empty>
            )
          ) : (
            <div className={log.isPlaceholderData ? s.stale : undefined} aria-busy={log.isFetching}>
              <div className={s.tableWrap}>
                <Table className={s.table} aria-label={t('tableLabel')} size="small">
                  <TableHeader>
                    <TableRow>
                      <TableHeaderCell style={{ width: 170 }}>{t('col.time')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 200 }}>{t('col.actor')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 190 }}>{t('col.action')}</TableHeaderCell>
                      <TableHeaderCell>{t('col.target')}</TableHeaderCell>
                      <TableHeaderCell style={{ width: 130 }}>{t('col.outcome')}</TableHeaderCell>
                      <TableHeaderCell>{t('col.details')}</TableHeaderCell>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {log.data.rows.map((entry) => {
                      const time = fmtInstant(locale, entry.occurredAt);
                      return (
                        <TableRow key={`${entry.source}:${entry.auditId}`} data-audit={entry.action}>
                          <TableCell className={s.cellTop}>
                            <time dateTime={entry.occurredAt} className={s.time}>
                              {time}
                            </time>
                          </TableCell>
                          <TableCell className={s.cellTop}>
                            <Text className={s.actor}>{entry.actor}</Text>
                          </TableCell>
                          <TableCell className={s.cellTop}>
                            <Text>{actionLabel(entry)}</Text>
                            {isKnownAction(entry.action) ? (
                              <span className={s.actionCode}>{entry.action}</span>
                            ) : null}
                          </TableCell>
                          <TableCell className={s.cellTop}>
                            <AuditTarget entry={entry} />
                          </TableCell>
                          <TableCell className={s.cellTop}>
                            <Outcome outcome={entry.outcome} />
                          </TableCell>
                          <TableCell className={s.cellTop}>
                            <AuditDetails
                              entry={entry}
                              title={t('detailsTitle', { action: actionLabel(entry), time })}
                            />
                          </TableCell>
                        </TableRow>
                      );
                    })}
                  </TableBody>
                </Table>
              </div>
            </div>
          )}
          {log.data.rows.length === 0 ? null : (
            <nav className={s.pager} aria-label={t('paging')}>
              <Text className={s.range} role="status">
                {t('range', { first: offset + 1, last: offset + log.data.rows.length })}
              </Text>
              <Button
                icon={<ArrowLeftRegular />}
                disabled={page <= 1}
                onClick={() => {
                  set({ page: page - 1 <= 1 ? null : page - 1 });
                  toTop();
                }}
              >
                {t('previous')}
              </Button>
              <Button
                icon={<ArrowRightRegular />}
                iconPosition="after"
                disabled={!log.data.hasMore}
                onClick={() => {
                  set({ page: page + 1 });
                  toTop();
                }}
              >
                {t('next')}
              </Button>
            </nav>
          )}
        </>
      )}
    </section>
  );
}
