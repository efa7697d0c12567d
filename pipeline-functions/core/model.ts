import { createHash } from 'node:crypto';
import type { RequestRecord, ResponseRecord } from './delivery-log.js';

/**
 * The job model: one job is one object version's delivery to the downstream API.
 * The job keeps its newest attempts (config `jobs.historyLimit`) and totals of all of them.
 */

/**
 * Status vocabulary shown by the CLI and in `--json`. SUPERSEDED (config `versions: latest`): a newer
 * version of the key was recorded, so this one was not sent.
 */
export const JOB_STATUSES = ['SUCCEEDED', 'RETRYING', 'FAILED', 'SKIPPED', 'SUPERSEDED'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The statuses that need an admin's attention, the only ones the job repository indexes: most jobs
 * succeed, and an index entry per success would cost a write each for listings that admins rarely
 * ask for. SUCCEEDED jobs are found by key instead (the bucket listing, then the jobs by id).
 */
export const ATTENTION_STATUSES = [
  'RETRYING',
  'FAILED',
  'SKIPPED',
  'SUPERSEDED',
] as const satisfies readonly JobStatus[];
export type AttentionStatus = (typeof ATTENTION_STATUSES)[number];

/** Whether the job repository indexes a status (see {@link ATTENTION_STATUSES}). */
export function isAttentionStatus(status: JobStatus): status is AttentionStatus {
  return (ATTENTION_STATUSES as readonly JobStatus[]).includes(status);
}

/**
 * Terminal states: a notification goes out when a job reaches one (config `notifications.on`).
 * SKIPPED can be reprocessed.
 */
export const TERMINAL_STATUSES: readonly JobStatus[] = ['SUCCEEDED', 'FAILED', 'SKIPPED', 'SUPERSEDED'];

/** Where an attempt came from. */
export type Origin = 's3-event' | 'retry' | 'reprocess' | 'backfill';

/**
 * One object version in a bucket. `versionId` is set on versioned buckets; `etag` is always known
 * from the event, and names the version on unversioned buckets.
 */
export interface ObjectRef {
  readonly bucket: string;
  /** The raw (decoded) key, exactly as S3 stores it. */
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly size?: number;
  /**
   * S3's sequencer of the event that created this version (hex): orders the versions of one key
   * (see `compareSequencers`). Carried by retries and kept on the job; absent on a backfill's objects.
   */
  readonly sequencer?: string;
}

/**
 * A run is one series of attempts sharing an Idempotency-Key: the automatic run started by the S3
 * event, or one explicit reprocess. Runs are ordered by `startedAt`; a later run supersedes earlier ones.
 */
export interface Run {
  /** `auto` for the run started by the S3 event, a fresh id for each reprocess. */
  readonly id: string;
  /** ISO-8601 time the run started (the S3 event time, or when the reprocess was asked for). */
  readonly startedAt: string;
}

export const AUTO_RUN_ID = 'auto';

/** One attempt in a job's history. */
export interface Attempt {
  readonly at: string;
  readonly runId: string;
  readonly attempt: number;
  readonly origin: Origin;
  /**
   * `superseded`: a newer version of the key was recorded, nothing was sent; `unchanged`: the content
   * equals the last delivered version's (config `dedupe: content`), nothing was sent.
   */
  readonly outcome: 'delivered' | 'retryable' | 'terminal' | 'skipped' | 'superseded' | 'unchanged';
  readonly httpStatus?: number;
  readonly latencyMs?: number;
  /** What went wrong or, when nothing was sent (skipped, superseded, unchanged), why. */
  readonly error?: string;
  readonly requestedBy?: string;
  /** The backfill (`b2a backfill`, `b2a reconcile --fix`) this attempt belongs to, when one sent it. */
  readonly backfillId?: string;
  /** What was sent to the API (absent when nothing was: skipped, the object could not be read). */
  readonly request?: RequestRecord;
  /** What the API answered (absent when no answer came: a timeout, a network error). */
  readonly response?: ResponseRecord;
}

/** A job as stored in the job repository. */
export interface Job {
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly size?: number;
  /** The S3 sequencer of the version's event, when one was seen (see `ObjectRef.sequencer`). */
  readonly sequencer?: string;
  readonly status: JobStatus;
  readonly runId: string;
  readonly runStartedAt: string;
  /** Attempt number within the current run (1-based). */
  readonly attempt: number;
  /** Attempts across all runs, including those no longer in `history`. */
  readonly attempts: number;
  /** Runs in all: the automatic run and each reprocess. */
  readonly runs: number;
  /** When the first attempt was made. */
  readonly firstAttemptAt: string;
  /** When the latest attempt was made. */
  readonly lastAttemptAt: string;
  /** The newest attempts (at most config `jobs.historyLimit`), oldest first. */
  readonly history: readonly Attempt[];
  readonly lastHttpStatus?: number;
  readonly lastError?: string;
  readonly nextAttemptAt?: string;
  /**
   * How many times the attempt `attempt` was deferred by admission control (rate limit, open
   * circuit, hold) before the message this job last recorded: with `attempt`, the message's place in
   * the run, so that a deferral (which spends no attempt) still orders after what it follows.
   * Absent: 0.
   */
  readonly deferral?: number;
  /** Why the job waits without spending an attempt, e.g. `deferred: rate limit`; absent otherwise. */
  readonly note?: string;
  readonly idempotencyKey: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/**
 * The Idempotency-Key sent with every API call: stable across automatic retries and duplicate
 * deliveries of one object version, new for each explicit reprocess (each has its own run id).
 */
export function idempotencyKeyOf(ref: ObjectRef, runId: string): string {
  return createHash('sha256')
    .update(`${jobIdOf(ref)}\n${runId}`)
    .digest('hex')
    .slice(0, 40);
}

/** The token that names an object version: its version id, else its ETag, else `null`. */
export function versionToken(ref: ObjectRef): string {
  return ref.versionId ?? (ref.etag ? `etag:${ref.etag.replace(/"/g, '')}` : 'null');
}

/** The job id of an object version: `<bucket>/<key>#<version token>`. */
export function jobIdOf(ref: ObjectRef): string {
  return `${ref.bucket}/${ref.key}#${versionToken(ref)}`;
}

/**
 * Whether an attempt (run, attempt number, and how often that attempt was deferred) is newer than
 * what the job records, i.e. whether it may act (call the API) and overwrite the job. The job
 * repository enforces the same rule with a conditional write, so a stale or duplicate message never
 * overwrites newer state. Within a run, messages order by attempt, then by deferral: a deferral
 * comes back with the same attempt number and the next deferral count.
 */
export function isNewerThan(job: Job | undefined, run: Run, attempt: number, deferral = 0): boolean {
  if (!job) return true;
  if (run.id !== job.runId) return isLaterRun(run, runOf(job));
  if (job.status === 'SUCCEEDED') return false;
  return attempt > job.attempt || (attempt === job.attempt && deferral > (job.deferral ?? 0));
}

/**
 * Whether `run` supersedes `other`: it is another run that started later. The one ordering of runs,
 * used to decide whether an attempt may act ({@link isNewerThan}) and whether a run someone waits
 * for was taken over by a newer one.
 */
export function isLaterRun(run: Run, other: Run): boolean {
  return run.id !== other.id && run.startedAt > other.startedAt;
}

/** The run a job is in. */
export function runOf(job: Pick<Job, 'runId' | 'runStartedAt'>): Run {
  return { id: job.runId, startedAt: job.runStartedAt };
}
