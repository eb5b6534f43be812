/**
 * The jobs the server still keeps (GET /api/v1/jobs): running and queued first, then the newest;
 * reloaded every few seconds while one is running. "Show" opens a job above (its id in the URL).
 */
import {
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
import type { Job } from '@license-insights/contracts';
import { useQuery } from '@tanstack/react-query';
import { jobsQuery } from '../../api/ops';
import { Empty, QueryView } from '../../components/states';
import { fmtInstant } from '../../format';
import { useLocale, useT } from '../../i18n';
import { importsMessages } from '../ImportsPage.messages';
import { JobResultBadge } from './JobPanel';
import { isActive } from './useJob';

const useStyles = makeStyles({
  wrap: { overflowX: 'auto' },
  selected: { backgroundColor: tokens.colorNeutralBackground1Selected },
  muted: { color: tokens.colorNeutralForeground3 },
  what: { overflowWrap: 'anywhere' },
});

function useJobSummary() {
  const t = useT(importsMessages);
  return (job: Job): string => {
    if (job.kind === 'import') {
      const files = t('jobs.files', { n: job.files.length, names: job.files.slice(0, 3).join(', ') });
      const more = job.files.length > 3 ? ' …' : '';
      return `${files}${more}`;
    }
    const what = t(job.full ? 'jobs.full' : 'jobs.changed');
    return job.report === null ? what : `${what} — ${t('jobs.customers', { n: job.report.customers })}`;
  };
}

export function JobsTable({
  selected,
  onShow,
}: {
  selected: string | null;
  onShow: (jobId: string) => void;
}) {
  const s = useStyles();
  const t = useT(importsMessages);
  const { locale } = useLocale();
  const summary = useJobSummary();
  const query = useQuery({
    ...jobsQuery(),
    staleTime: 0,
    refetchInterval: (q) => (q.state.data?.jobs.some(isActive) ? 3000 : false),
  });
  return (
    <QueryView query={query}>
      {({ jobs }) =>
        jobs.length === 0 ? (
          <Empty>{t('jobs.empty')}</Empty>
        ) : (
          <div className={s.wrap}>
            <Table size="small" aria-label={t('jobs.title')} style={{ minWidth: 760 }}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell style={{ width: 190 }}>{t('jobs.started')}</TableHeaderCell>
                  <TableHeaderCell style={{ width: 170 }}>{t('jobs.kind')}</TableHeaderCell>
                  <TableHeaderCell>{t('jobs.what')}</TableHeaderCell>
                  <TableHeaderCell style={{ width: 180 }}>{t('jobs.state')}</TableHeaderCell>
                  <TableHeaderCell style={{ width: 180 }}>{t('jobs.by')}</TableHeaderCell>
                  <TableHeaderCell style={{ width: 130 }}>{t('jobs.actions')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {jobs.map((j) => (
                  <TableRow
                    key={j.jobId}
                    className={j.jobId === selected ? s.selected : undefined}
                    aria-current={j.jobId === selected ? 'true' : undefined}
                  >
                    <TableCell>{fmtInstant(locale, j.createdAt)}</TableCell>
                    <TableCell>{t(`job.title.${j.kind}`)}</TableCell>
                    <TableCell className={s.what}>{summary(j)}</TableCell>
                    <TableCell>
                      <JobResultBadge job={j} />
                    </TableCell>
                    <TableCell>{j.createdBy}</TableCell>
                    <TableCell>
                      {j.jobId === selected ? (
                        <Text className={s.muted}>{t('jobs.shown')}</Text>
                      ) : (
                        <Button
                          size="small"
                          onClick={() => onShow(j.jobId)}
                          aria-label={t('jobs.showLabel', { at: fmtInstant(locale, j.createdAt) })}
                        >
                          {t('jobs.show')}
                        </Button>
                      )}
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
