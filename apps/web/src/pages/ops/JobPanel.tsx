/**
 * One job, followed live: its state, a progress bar with the phase in words (file i of n, customers
 * computed), cancel (after a confirmation), and once it ended the import's validation report or the
 * compute's summary, or the error. After an import that stored data, the compute that follows it is
 * shown too — or offered, when the upload asked for none.
 */
import {
  Badge,
  Button,
  Card,
  Field,
  MessageBar,
  MessageBarBody,
  MessageBarTitle,
  makeStyles,
  ProgressBar,
  Text,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowSyncRegular,
  CalculatorRegular,
  CheckmarkCircleRegular,
  ClockRegular,
  DismissCircleRegular,
  DismissRegular,
  ErrorCircleRegular,
  WarningRegular,
} from '@fluentui/react-icons';
import type {
  ComputeJob,
  ImportReport as ImportReportData,
  Job,
  JobState,
} from '@license-insights/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactElement, useState } from 'react';
import { ApiError } from '../../api/http';
import { cancelJob, startCompute } from '../../api/ops';
import { ErrorState, Loading } from '../../components/states';
import { fmtDay, fmtInstant, fmtPct } from '../../format';
import { useLocale, useT } from '../../i18n';
import { importsMessages } from '../ImportsPage.messages';
import { ConfirmDialog } from './ConfirmDialog';
import { ImportReport, ProblemsTable } from './ImportReport';
import { FailureBar, useNotify } from './notify';
import { isActive, useJob } from './useJob';

const STATE_LOOK: Readonly<
  Record<JobState, { color: 'informative' | 'brand' | 'success' | 'danger' | 'subtle'; icon: ReactElement }>
> = {
  queued: { color: 'informative', icon: <ClockRegular /> },
  running: { color: 'brand', icon: <ArrowSyncRegular /> },
  succeeded: { color: 'success', icon: <CheckmarkCircleRegular /> },
  failed: { color: 'danger', icon: <ErrorCircleRegular /> },
  cancelled: { color: 'subtle', icon: <DismissCircleRegular /> },
};

export function JobStateBadge({ state }: { state: JobState }) {
  const t = useT(importsMessages);
  const look = STATE_LOOK[state];
  return (
    <Badge appearance="tint" color={look.color} icon={look.icon}>
      {t(`job.state.${state}`)}
    </Badge>
  );
}

const OUTCOME_LOOK: Readonly<
  Record<
    ImportReportData['outcome'],
    { color: 'success' | 'informative' | 'danger' | 'warning'; icon: ReactElement }
  >
> = {
  committed: { color: 'success', icon: <CheckmarkCircleRegular /> },
  unchanged: { color: 'informative', icon: <CheckmarkCircleRegular /> },
  rejected: { color: 'danger', icon: <ErrorCircleRegular /> },
  partial: { color: 'warning', icon: <WarningRegular /> },
};

/** What a finished job came to: an import's outcome (stored, rejected…), else its state. */
export function JobResultBadge({ job }: { job: Job }) {
  const t = useT(importsMessages);
  if (job.kind === 'import' && job.state === 'succeeded' && job.report !== null) {
    const look = OUTCOME_LOOK[job.report.outcome];
    return (
      <Badge appearance="tint" color={look.color} icon={look.icon}>
        {t(`outcome.${job.report.outcome}`)}
      </Badge>
    );
  }
  return <JobStateBadge state={job.state} />;
}

const useStyles = makeStyles({
  card: { padding: '16px 20px', gap: '12px' },
  head: { display: 'flex', alignItems: 'flex-start', gap: '12px', flexWrap: 'wrap' },
  titles: { flexGrow: 1, display: 'flex', flexDirection: 'column', gap: '2px', minWidth: '240px' },
  titleLine: { display: 'flex', alignItems: 'center', gap: '8px', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3, fontSize: tokens.fontSizeBase200 },
  progress: { display: 'flex', flexDirection: 'column', gap: '6px' },
  follow: {
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    paddingTop: '12px',
    display: 'flex',
    flexDirection: 'column',
    gap: '8px',
  },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
});

/** The phase of a running job in words. */
function usePhaseText() {
  const t = useT(importsMessages);
  return (job: Job): string => {
    if (job.state === 'queued') {
      return job.queuePosition !== null && job.queuePosition > 1
        ? t('job.queue', { n: job.queuePosition - 1 })
        : t('job.waiting');
    }
    if (job.progress === null) return t('job.waiting');
    if (job.kind === 'import') {
      const p = job.progress;
      const file =
        p.phase === 'committing' || p.phase === 'done'
          ? t(`job.phase.${p.phase}`)
          : t(`job.phase.${p.phase}`, { file: p.file });
      return p.fileCount > 1 && p.phase !== 'committing' && p.phase !== 'done'
        ? `${file} (${t('job.fileOf', { i: Math.min(p.fileIndex + 1, p.fileCount), n: p.fileCount })})`
        : file;
    }
    const p = job.progress;
    return p.phase === 'loading' || p.phase === 'committing'
      ? t(p.phase === 'loading' ? 'job.phase.loading' : 'job.phase.committing')
      : t(`job.phase.${p.phase}`, { done: p.done, total: p.total });
  };
}

/** Progress bar, phase and cancel of a queued or running job. */
function ActiveJob({ job }: { job: Job }) {
  const s = useStyles();
  const t = useT(importsMessages);
  const { locale } = useLocale();
  const phase = usePhaseText();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => cancelJob(job.jobId),
    onSuccess: (j) => {
      queryClient.setQueryData(['jobs', job.jobId], j);
      void queryClient.invalidateQueries({ queryKey: ['jobs'], exact: true });
      notify.success(t('job.cancelAsked'));
      setAsking(false);
    },
  });
  const text = phase(job);
  return (
    <div className={s.progress}>
      <Field
        label={t('job.progressLabel')}
        validationState="none"
        validationMessage={`${text} · ${fmtPct(locale, job.fraction * 100, 0)}`}
        validationMessageIcon={null}
      >
        <ProgressBar
          {...(job.state === 'queued' ? {} : { value: job.fraction })}
          max={1}
          thickness="large"
          aria-valuetext={text}
        />
      </Field>
      <div className={s.row}>
        <Button
          icon={<DismissRegular />}
          disabled={job.cancelRequested || cancel.isPending}
          onClick={() => {
            cancel.reset();
            setAsking(true);
          }}
        >
          {job.cancelRequested ? t('job.cancelling') : t('job.cancel')}
        </Button>
      </div>
      <ConfirmDialog
        open={asking}
        title={t('job.confirmCancelTitle')}
        confirmLabel={t('job.cancel')}
        cancelLabel={t('job.keepRunning')}
        busy={cancel.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() => cancel.mutate()}
      >
        <Text as="p" block>
          {t('job.confirmCancelText')}
        </Text>
        {cancel.error ? <FailureBar error={cancel.error} /> : null}
      </ConfirmDialog>
    </div>
  );
}

function ComputeSummary({ job }: { job: ComputeJob }) {
  const t = useT(importsMessages);
  const { locale } = useLocale();
  const r = job.report;
  if (r === null) return null;
  return (
    <MessageBar intent="success">
      <MessageBarBody>
        {r.mode === 'up_to_date'
          ? t('job.computeUpToDate')
          : r.firstDay === null || r.lastDay === null || r.customers === 0
            ? t('job.computeDoneEmpty')
            : t('job.computeDone', {
                n: r.customers,
                first: fmtDay(locale, r.fromDay ?? r.firstDay),
                last: fmtDay(locale, r.lastDay),
                seconds: Math.round(r.seconds * 10) / 10,
              })}
      </MessageBarBody>
    </MessageBar>
  );
}

function EndedWithError({ job }: { job: Job }) {
  const t = useT(importsMessages);
  if (job.error === null) return null;
  return (
    <>
      <MessageBar intent={job.state === 'cancelled' ? 'info' : 'error'} layout="multiline">
        <MessageBarBody>
          <MessageBarTitle>
            {t(job.state === 'cancelled' ? 'job.cancelledText' : 'job.failedText')}
          </MessageBarTitle>
          {job.error.message}
        </MessageBarBody>
      </MessageBar>
      {job.error.problems.length > 0 ? <ProblemsTable problems={job.error.problems} /> : null}
    </>
  );
}

/** The body of a job: live progress, or what it ended with. */
function JobBody({ job }: { job: Job }) {
  if (isActive(job)) return <ActiveJob job={job} />;
  if (job.state !== 'succeeded') return <EndedWithError job={job} />;
  return job.kind === 'import' ? (
    job.report === null ? null : (
      <ImportReport report={job.report} />
    )
  ) : (
    <ComputeSummary job={job} />
  );
}

/** The compute after an import: followed when queued with it, offered when not. */
function ComputeFollowUp({ job }: { job: Job }) {
  const s = useStyles();
  const t = useT(importsMessages);
  const notify = useNotify();
  const queryClient = useQueryClient();
  const [started, setStarted] = useState<string | null>(null);
  const computeId = job.kind === 'import' ? (job.computeJobId ?? started) : null;
  const { query } = useJob(computeId);
  const compute = useMutation({
    mutationFn: () => startCompute(false),
    onSuccess: (j) => {
      queryClient.setQueryData(['jobs', j.jobId], j);
      void queryClient.invalidateQueries({ queryKey: ['jobs'], exact: true });
      setStarted(j.jobId);
      notify.success(t('computeStarted'));
    },
  });
  if (job.kind !== 'import' || job.state !== 'succeeded' || job.report === null) return null;
  if (job.report.outcome !== 'committed' && job.report.outcome !== 'partial') return null;
  // A partial import whose valid rows were all stored already changed nothing: no compute to offer.
  const changed = job.report.files.some((f) => f.inserted + f.updated > 0);
  if (!changed && computeId === null) return null;
  return (
    <section className={s.follow} aria-label={t('job.computeAfter')}>
      <div className={s.row}>
        <CalculatorRegular />
        <Text weight="semibold">{t('job.computeAfter')}</Text>
        {query.data === undefined ? null : <JobStateBadge state={query.data.state} />}
      </div>
      {computeId === null ? (
        <>
          <Text>{t('job.computeOffer')}</Text>
          <div className={s.row}>
            <Button appearance="primary" icon={<CalculatorRegular />} onClick={() => compute.mutate()}>
              {t('job.computeButton')}
            </Button>
          </div>
          {compute.error ? <FailureBar error={compute.error} /> : null}
        </>
      ) : query.isPending ? (
        <Loading />
      ) : query.error ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : query.data === undefined ? null : (
        <JobBody job={query.data} />
      )}
    </section>
  );
}

export function JobPanel({ jobId, onClose }: { jobId: string; onClose: () => void }) {
  const s = useStyles();
  const t = useT(importsMessages);
  const { locale } = useLocale();
  const { query, streamBroken } = useJob(jobId);

  if (query.isPending) return <Loading />;
  if (query.error) {
    if (query.error instanceof ApiError && query.error.status === 404) {
      return (
        <MessageBar intent="info">
          <MessageBarBody>{t('job.gone')}</MessageBarBody>
          <Button appearance="transparent" onClick={onClose}>
            {t('job.close')}
          </Button>
        </MessageBar>
      );
    }
    return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  }
  const job = query.data;
  return (
    <Card className={s.card} data-job={job.jobId} data-state={job.state}>
      <div className={s.head}>
        <div className={s.titles}>
          <div className={s.titleLine}>
            <Text as="h2" size={500} weight="semibold" style={{ margin: 0 }}>
              {t(`job.title.${job.kind}`)}
            </Text>
            <JobResultBadge job={job} />
          </div>
          <Text className={s.muted}>
            {t('job.meta', { by: job.createdBy, at: fmtInstant(locale, job.createdAt) })} ·{' '}
            {job.kind === 'import' ? job.files.join(', ') : t('job.id', { id: job.jobId })}
          </Text>
        </div>
        <Button appearance="subtle" icon={<DismissRegular />} aria-label={t('job.close')} onClick={onClose} />
      </div>
      {streamBroken && isActive(job) ? (
        <MessageBar intent="info">
          <MessageBarBody>{t('job.streamLost')}</MessageBarBody>
        </MessageBar>
      ) : null}
      <JobBody job={job} />
      <ComputeFollowUp job={job} />
    </Card>
  );
}
