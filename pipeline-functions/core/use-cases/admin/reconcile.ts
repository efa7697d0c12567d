/**
 * Reconcile: what the bucket holds against what the jobs say. Reports objects the pipeline never
 * heard of (missed), jobs whose object version is gone, RETRYING jobs whose retry never came, and
 * SKIPPED jobs; `fixDrift` sends the missed ones (as a backfill does) and the stuck retries.
 */
import { randomUUID } from 'node:crypto';
import { b2aEnvelope } from '../../messages.js';
import { ATTENTION_STATUSES, jobIdOf, type Job } from '../../model.js';
import type { AdminPorts, Clock, ListedObject, Pacer } from '../../ports.js';
import { backfillEnvelope, narrowestPrefix, type BackfillNotSent } from './backfill.js';
import { selectJobs } from './job-selection.js';
import { objectOfJob } from './reprocess.js';
import { sendInBatches } from './send-in-batches.js';

/** How late a retry may be before it counts as stuck: Scheduler fires within a minute, so 15 minutes is plenty. */
export const DEFAULT_STUCK_MARGIN_MS = 15 * 60_000;

/** What to reconcile. */
export interface ReconcileRequest {
  readonly prefix?: string;
  /** ISO-8601: only objects modified, and jobs updated, at or after this time. */
  readonly after?: string;
  /** @default DEFAULT_STUCK_MARGIN_MS */
  readonly stuckMarginMs?: number;
}

/** The drift between the bucket and the jobs. */
export interface ReconcileReport {
  readonly environment: string;
  /** Object versions listed. */
  readonly listed: number;
  /** Current object versions the pipeline's filters let through that have no job. */
  readonly missed: ListedObject[];
  /** Jobs whose object version no longer exists in the bucket. */
  readonly gone: Job[];
  /** RETRYING jobs past their next attempt by more than the margin: a retry that never came. */
  readonly stuck: Job[];
  readonly skipped: Job[];
}

/**
 * Lists every version under the prefix (so that a job of an older version is not taken for gone),
 * looks up the current ones' jobs in batches, and reads the jobs that need attention through the
 * status index (a SUCCEEDED job whose version is gone is not reported).
 * @example const report = await reconcile(ports, { after: '2026-11-21T00:00:00Z' }, { clock });
 */
export async function reconcile(
  ports: AdminPorts,
  request: ReconcileRequest,
  options: { readonly clock: Clock },
): Promise<ReconcileReport> {
  const { filters } = ports;
  const prefix = narrowestPrefix(request.prefix ?? '', filters.prefix);
  const inScope = (key: string): boolean =>
    prefix !== undefined && key.startsWith(prefix) && key.endsWith(filters.suffix);
  const existing = new Set<string>();
  const missed: ListedObject[] = [];
  let listed = 0;
  if (prefix !== undefined) {
    for await (const page of ports.listing.pages({ prefix, versions: 'all' })) {
      listed += page.length;
      for (const object of page) existing.add(jobIdOf(object));
      const current = page.filter(
        (o) =>
          o.isLatest && inScope(o.key) && (request.after === undefined || o.lastModified >= request.after),
      );
      if (current.length === 0) continue;
      const jobs = await ports.jobs.getMany(current.map(jobIdOf));
      missed.push(...current.filter((o) => !jobs.has(jobIdOf(o))));
    }
  }
  // The jobs that can drift: SUCCEEDED ones are not indexed, and a success whose object was deleted
  // since is no drift to act on.
  const jobs = (
    await selectJobs(ports.jobs, {
      statuses: ATTENTION_STATUSES,
      ...(request.after ? { since: request.after } : {}),
      ...(prefix !== undefined ? { prefix } : {}),
    })
  ).filter((job) => inScope(job.key));
  const now = options.clock.now().getTime();
  const margin = request.stuckMarginMs ?? DEFAULT_STUCK_MARGIN_MS;
  return {
    environment: ports.environment,
    listed,
    missed,
    gone: jobs.filter((job) => !existing.has(job.jobId)),
    stuck: jobs.filter(
      (job) =>
        job.status === 'RETRYING' &&
        job.nextAttemptAt !== undefined &&
        Date.parse(job.nextAttemptAt) + margin < now,
    ),
    skipped: jobs.filter((job) => job.status === 'SKIPPED'),
  };
}

/** What `fixDrift` sent. */
export interface DriftFixResult {
  readonly backfillId: string;
  /** Missed object versions sent as a backfill. */
  readonly backfilled: number;
  /** Stuck jobs whose next attempt was sent now. */
  readonly retried: number;
  readonly failed: BackfillNotSent[];
}

/**
 * Sends each missed object version as a backfill (the same message `b2a backfill` sends) and each
 * stuck job's next attempt now, all through the one batched sending path. A stuck retry that fires
 * after all is then a duplicate of an attempt already recorded, and changes nothing.
 */
export async function fixDrift(
  ports: AdminPorts,
  report: Pick<ReconcileReport, 'missed' | 'stuck'>,
  options: { readonly clock: Clock; readonly pace?: Pacer; readonly newId?: () => string },
): Promise<DriftFixResult> {
  const { arn } = await ports.identity.whoami();
  const backfillId = (options.newId ?? (() => randomUUID().slice(0, 8)))();
  const sentAt = options.clock.now().toISOString();
  const envelopes = [
    ...report.missed.map((object) => backfillEnvelope(object, { backfillId, requestedBy: arn, sentAt })),
    ...report.stuck.map((job) =>
      b2aEnvelope({
        kind: 'retry',
        object: objectOfJob(job),
        run: { id: job.runId, startedAt: job.runStartedAt },
        attempt: job.attempt + 1,
        requestedBy: arn,
        sentAt,
      }),
    ),
  ];
  const { sent, failed } = await sendInBatches(ports.queue, envelopes, {
    pace: options.pace ?? ports.pacer,
  });
  return {
    backfillId,
    backfilled: sent.filter((e) => e.kind === 'backfill').length,
    retried: sent.filter((e) => e.kind === 'retry').length,
    failed: failed.map(({ envelope, reason }) => ({ ...envelope.object, reason })),
  };
}
