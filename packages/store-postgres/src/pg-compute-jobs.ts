/**
 * Split compute jobs on PostgreSQL (core use-cases/compute-metrics.ts): a job and its parts
 * opened by the coordinator, parts claimed by workers of any process, the coordinator waiting for
 * the workers of other processes. The staged rows and the publish are pg-metric-writes.ts's.
 *
 * A claim is a row lock: a worker's staging transaction locks its part (`FOR UPDATE SKIP LOCKED`,
 * so workers never wait for each other) and marks it staged in the same transaction that stages
 * its rows. No heartbeat or lease: a worker that fails, is cancelled or dies rolls back, which
 * gives the part back open for another worker. A job is live while its coordinator holds the
 * partner's lock (its write unit holds it from before the job opens until the publish commits or
 * the job is discarded); a worker that can take the partner's lock itself has found a job whose
 * coordinator died, and deletes it.
 */

import { sql } from '@license-insights/core/sql';
import type { ClaimedPart, ComputeJobSpec, ComputePartsState } from '@license-insights/core/store';
import { LOCK_NAMESPACE, type PgClient } from './pg-client';
import { deleteStaged } from './pg-metric-writes';

const NOW = sql`(now() AT TIME ZONE 'UTC')`;

/** Opens a job: its spec and each part's customers, all parts open (the caller commits). */
export async function openComputeJob(
  db: PgClient,
  partnerId: string,
  jobId: string,
  spec: ComputeJobSpec,
  shares: readonly (readonly string[])[],
): Promise<void> {
  await db.run(sql`INSERT INTO compute_jobs (partner_id, job_id, parts, spec, created_at)
    VALUES (${partnerId}, ${jobId}, ${shares.length}::integer, ${JSON.stringify(spec)}::jsonb, ${NOW})`);
  for (const [part, customers] of shares.entries())
    await db.run(sql`INSERT INTO compute_parts (partner_id, job_id, part, customers, state)
      VALUES (${partnerId}, ${jobId}, ${part}::integer, ${[...customers]}::text[], 'open')`);
}

/**
 * Claims an open part, of one job or (`job` null) of the oldest job with one, locking its row
 * until the caller's transaction ends; null when none is open (or every open one is claimed).
 * The first statement of the caller's transaction (a REPEATABLE READ snapshot begins here). A
 * joining worker's claim checks the job is live; a dead job is deleted and 'dead' returned (the
 * caller commits and claims again).
 */
export async function claimComputePart(
  db: PgClient,
  job: { readonly partnerId: string; readonly jobId: string } | null,
): Promise<ClaimedPart | 'dead' | null> {
  const ofJob = job === null ? sql`true` : sql`p.partner_id = ${job.partnerId} AND p.job_id = ${job.jobId}`;
  const rows = await db.all<{
    partner_id: string;
    job_id: string;
    part: number;
    customers: string[];
    spec: ComputeJobSpec;
  }>(sql`SELECT p.partner_id, p.job_id, p.part, p.customers, j.spec
    FROM compute_parts p JOIN compute_jobs j ON j.partner_id = p.partner_id AND j.job_id = p.job_id
    WHERE p.state = 'open' AND ${ofJob}
    ORDER BY j.created_at, p.job_id, p.part LIMIT 1
    FOR UPDATE OF p SKIP LOCKED`);
  const r = rows[0];
  if (r === undefined) return null;
  if (job === null) {
    // The coordinator holds the partner's lock while its job lives: taking it here means it died.
    const { free } = await db.one<{ free: boolean }>(
      sql`SELECT pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, hashtext(${r.partner_id})) AS free`,
    );
    if (free) {
      await deleteStaged(db, sql`partner_id = ${r.partner_id} AND job_id = ${r.job_id}`);
      return 'dead';
    }
  }
  return { partnerId: r.partner_id, jobId: r.job_id, part: r.part, customers: r.customers, spec: r.spec };
}

/** The claimed part staged, with the metric rows it computed (the caller commits). */
export async function markPartStaged(db: PgClient, part: ClaimedPart, rows: number): Promise<void> {
  await db.run(sql`UPDATE compute_parts SET state = 'staged', metric_rows = ${rows}, staged_at = ${NOW}
    WHERE partner_id = ${part.partnerId} AND job_id = ${part.jobId} AND part = ${part.part}::integer`);
}

/**
 * Waits until no worker holds a part of the job (a share lock on every open part waits for the
 * units that claimed them: staged, they are no longer open; rolled back, open again), then counts.
 */
export async function awaitComputeParts(
  db: PgClient,
  partnerId: string,
  jobId: string,
): Promise<ComputePartsState> {
  const ofJob = sql`partner_id = ${partnerId} AND job_id = ${jobId}`;
  await db.all(sql`SELECT part FROM compute_parts WHERE ${ofJob} AND state = 'open' FOR SHARE`);
  return db.one<ComputePartsState>(sql`SELECT count(*) FILTER (WHERE state = 'staged') AS staged,
      count(*) FILTER (WHERE state = 'open') AS open, coalesce(sum(metric_rows), 0)::bigint AS rows
    FROM compute_parts WHERE ${ofJob}`);
}
