/**
 * Imports (SPEC §3, §5 — admin agents): upload canonical files or Graph / Partner Center exports
 * with an upload progress bar, follow the import job live (Server-Sent Events), cancel it, read the
 * validation report (file:line:column, value, expected) and download the rejected rows; then the
 * compute of the metrics, queued with the import or started here. The job shown is in the URL.
 */
import {
  Button,
  Card,
  MessageBar,
  MessageBarBody,
  makeStyles,
  Text,
  tokens,
} from '@fluentui/react-components';
import { CalculatorRegular } from '@fluentui/react-icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { startCompute } from '../api/ops';
import { useMe } from '../app/auth';
import { clearReady, markReady } from '../app/ready';
import { useSearchState } from '../app/search-state';
import { PageHeader } from '../components/PageHeader';
import { useT } from '../i18n';
import { importsMessages } from './ImportsPage.messages';
import { JobPanel } from './ops/JobPanel';
import { JobsTable } from './ops/JobsTable';
import { OpsToaster, useNotify } from './ops/notify';
import { UploadForm } from './ops/UploadForm';

const useStyles = makeStyles({
  section: { display: 'flex', flexDirection: 'column', gap: '12px', marginBottom: '28px' },
  heading: { margin: 0 },
  card: { padding: '20px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

export default function ImportsPage() {
  const s = useStyles();
  const t = useT(importsMessages);
  const me = useMe();
  const notify = useNotify();
  const queryClient = useQueryClient();
  const { get, set } = useSearchState();
  const jobId = get('job');
  const panel = useRef<HTMLDivElement>(null);
  const scoped = me.data?.scope !== null && me.data?.scope !== undefined;

  useEffect(() => {
    clearReady();
    markReady('imports');
  }, []);

  const show = (id: string) => {
    set({ job: id });
    // The panel is drawn on the next render; bring it into view then.
    requestAnimationFrame(() => panel.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
  };

  const compute = useMutation({
    mutationFn: () => startCompute(false),
    onSuccess: (job) => {
      queryClient.setQueryData(['jobs', job.jobId], job);
      void queryClient.invalidateQueries({ queryKey: ['jobs'], exact: true });
      notify.success(t('computeStarted'));
      show(job.jobId);
    },
    onError: (e) => notify.failure(e),
  });

  return (
    <>
      <OpsToaster />
      <PageHeader
        title={t('title')}
        subtitle={t('subtitle')}
        actions={
          scoped ? undefined : (
            <Button
              icon={<CalculatorRegular />}
              onClick={() => compute.mutate()}
              disabled={compute.isPending}
            >
              {t('computeNow')}
            </Button>
          )
        }
      />
      {scoped ? (
        <MessageBar intent="warning">
          <MessageBarBody>{t('scoped')}</MessageBarBody>
        </MessageBar>
      ) : (
        <>
          <section className={s.section} aria-labelledby="upload-title">
            <Text as="h2" size={500} weight="semibold" id="upload-title" className={s.heading}>
              {t('upload.title')}
            </Text>
            <Card className={s.card}>
              <UploadForm
                onStarted={(job) => {
                  notify.success(t('upload.started'));
                  queryClient.setQueryData(['jobs', job.jobId], job);
                  void queryClient.invalidateQueries({ queryKey: ['jobs'], exact: true });
                  show(job.jobId);
                }}
              />
            </Card>
          </section>
          <div ref={panel} className={s.section} style={{ scrollMarginTop: 16 }}>
            {jobId === null ? null : (
              <JobPanel key={jobId} jobId={jobId} onClose={() => set({ job: null })} />
            )}
          </div>
          <section className={s.section} aria-labelledby="jobs-title">
            <Text as="h2" size={500} weight="semibold" id="jobs-title" className={s.heading}>
              {t('jobs.title')}
            </Text>
            <Text className={s.muted}>{t('jobs.intro')}</Text>
            <JobsTable selected={jobId} onShow={show} />
          </section>
        </>
      )}
    </>
  );
}
