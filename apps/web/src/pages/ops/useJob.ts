/**
 * A job as the page follows it: GET /api/v1/jobs/:jobId through the cache, kept current by the
 * job's Server-Sent Events while it is queued or running (each `progress` event updates the cached
 * job; `done`/`failed` reload it and the jobs list). When the stream cannot be opened the job is
 * polled instead. A job that ended with new data reloads every other answer (the numbers changed).
 */
import {
  computeProgressSchema,
  importProgressSchema,
  type Job,
  type JobList,
  type JobProgressEvent,
} from '@license-insights/contracts';
import { type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { followJob, jobQuery, jobsQuery } from '../../api/ops';
import { ME_KEY } from '../../app/auth';

export const isActive = (job: Pick<Job, 'state'> | undefined): boolean =>
  job?.state === 'queued' || job?.state === 'running';

function withProgress(job: Job, e: JobProgressEvent): Job {
  const base = { ...job, state: e.state, queuePosition: e.queuePosition, fraction: e.fraction };
  if (job.kind === 'import') {
    const p = importProgressSchema.safeParse(e.progress);
    return { ...base, kind: 'import', progress: p.success ? p.data : job.progress } as Job;
  }
  const p = computeProgressSchema.safeParse(e.progress);
  return { ...base, kind: 'compute', progress: p.success ? p.data : job.progress } as Job;
}

/** After a job that may have changed the data: every answer but the session is out of date. */
export function reloadData(queryClient: QueryClient): void {
  void queryClient.invalidateQueries({
    predicate: (q) => q.queryKey[0] !== ME_KEY[0] && q.queryKey[0] !== 'jobs',
  });
}

export function useJob(jobId: string | null) {
  const queryClient = useQueryClient();
  // The job whose stream could not be opened (it is polled instead).
  const [brokenFor, setBrokenFor] = useState<string | null>(null);
  const streamBroken = jobId !== null && brokenFor === jobId;
  const query = useQuery({
    ...jobQuery(jobId ?? ''),
    enabled: jobId !== null,
    staleTime: 0,
    // Only when the event stream is not available.
    refetchInterval: (q) => (streamBroken && isActive(q.state.data) ? 2000 : false),
  });
  const active = isActive(query.data);

  // The jobs list shows the same job: keep its row as current as the job itself.
  useEffect(() => {
    const job = query.data;
    if (job === undefined) return;
    queryClient.setQueryData(jobsQuery().queryKey, (list: JobList | undefined) =>
      list === undefined || !list.jobs.some((j) => j.jobId === job.jobId)
        ? list
        : { jobs: list.jobs.map((j) => (j.jobId === job.jobId ? job : j)) },
    );
  }, [query.data, queryClient]);

  useEffect(() => {
    if (jobId === null || !active) return;
    const key = jobQuery(jobId).queryKey;
    return followJob(
      jobId,
      (e) => {
        if (e.event === 'progress') {
          queryClient.setQueryData(key, (old: Job | undefined) =>
            old === undefined ? old : withProgress(old, e.data),
          );
          return;
        }
        void queryClient.invalidateQueries({ queryKey: ['jobs'] });
        if (e.event === 'done') reloadData(queryClient);
      },
      () => setBrokenFor(jobId),
    );
  }, [jobId, active, queryClient]);

  return { query, streamBroken };
}
