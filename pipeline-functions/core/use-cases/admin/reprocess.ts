/**
 * Reprocess: send objects through the pipeline again, each as a new run (so with a new
 * Idempotency-Key), as the caller's identity. By key, or in bulk by a selection of jobs.
 */
import { randomUUID } from 'node:crypto';
import { mapLimit } from '../../concurrency.js';
import { ObjectAccessDeniedError, ObjectNotFoundError } from '../../errors.js';
import { b2aEnvelope } from '../../messages.js';
import { jobIdOf, type Job, type ObjectRef } from '../../model.js';
import type { AdminPorts, BucketListing, Clock, JobRepository, Pacer } from '../../ports.js';
import { KeysNotFoundError, ObjectsNotSentError } from './errors.js';
import { selectJobs, type JobFilter } from './job-selection.js';
import { sendInBatches } from './send-in-batches.js';

/** HEADs, sends and reads in flight at once. */
export const REPROCESS_CONCURRENCY = 8;

/** A reprocess that was sent: the job it starts (or restarts) and the run it starts. */
export interface StartedJob {
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly runId: string;
  readonly startedAt: string;
}

/** An object that was not sent, and why. */
export interface NotSent extends ObjectRef {
  readonly reason: string;
}

/** What a reprocess did, object by object: each object is in exactly one list. */
export interface ReprocessResult {
  readonly started: StartedJob[];
  /** Objects (versions) that no longer exist: nothing was sent for them. */
  readonly missing: ObjectRef[];
  /** Objects S3 would not let the caller read (403): not sent. */
  readonly denied: NotSent[];
  /** Objects whose check or send failed otherwise (throttled, network, SQS refused): not sent. */
  readonly failed: NotSent[];
}

/** What to reprocess: keys in the bucket (their current versions), or the jobs a filter selects. */
export type ReprocessSelection = { readonly keys: readonly string[] } | { readonly jobs: JobFilter };

/** How to send. */
export interface SendOptions {
  readonly clock: Clock;
  /** Check each object still exists first, counting the missing ones instead of sending. */
  readonly verify: boolean;
  /** A new run id per object. @default randomUUID */
  readonly newRunId?: () => string;
  /** Called after each object, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
  /** Admits each batch of messages (the API's rate limit). @default ports.pacer */
  readonly pace?: Pacer;
}

/**
 * The object versions a selection names: each key's current version, or one per selected job.
 * @throws KeysNotFoundError naming every key that does not exist
 */
export async function selectForReprocess(
  ports: AdminPorts,
  selection: ReprocessSelection,
): Promise<ObjectRef[]> {
  return 'keys' in selection
    ? resolveKeys(ports, selection.keys)
    : selectObjects(ports.jobs, selection.jobs, ports.listing);
}

/**
 * Looks up the current version of each key (HeadObject), every key before anything is sent, so that
 * nothing is sent when any key is wrong.
 * @throws KeysNotFoundError naming every key that does not exist
 * @throws the first other failure (e.g. ObjectAccessDeniedError) when no key is missing
 */
export async function resolveKeys(ports: AdminPorts, keys: readonly string[]): Promise<ObjectRef[]> {
  const unique = [...new Set(keys)];
  type Checked = { readonly ref: ObjectRef } | { readonly key: string; readonly error: unknown };
  const checked = await mapLimit(unique, REPROCESS_CONCURRENCY, async (key): Promise<Checked> => {
    try {
      return { ref: await head(ports, { bucket: ports.bucket, key }) };
    } catch (error) {
      return { key, error };
    }
  });
  const missing = checked.flatMap((c) =>
    'error' in c && c.error instanceof ObjectNotFoundError ? [c.key] : [],
  );
  if (missing.length > 0) throw new KeysNotFoundError(missing, ports.bucket, ports.environment);
  const failure = checked.find((c) => 'error' in c);
  if (failure && 'error' in failure) throw failure.error;
  return checked.flatMap((c) => ('ref' in c ? [c.ref] : []));
}

/**
 * The object versions of the jobs a bulk filter selects, one per job.
 * @param listing lists the bucket for SUCCEEDED jobs (see `selectJobs`)
 */
export async function selectObjects(
  jobs: JobRepository,
  filter: JobFilter,
  listing?: BucketListing,
): Promise<ObjectRef[]> {
  const selected = await selectJobs(jobs, filter, listing);
  const byId = new Map(selected.map((job) => [job.jobId, job]));
  return [...byId.values()].map(objectOfJob);
}

/**
 * Sends one reprocess envelope per object, each starting a new run (so a new Idempotency-Key), as
 * the caller's identity, in batches through {@link sendInBatches}. One object's failure never stops
 * the others: once some messages are out, stopping half-way would leave the admin guessing which ones
 * were, so every object ends in one of the result's lists.
 */
export async function sendReprocess(
  ports: AdminPorts,
  objects: readonly ObjectRef[],
  options: SendOptions,
): Promise<ReprocessResult> {
  const { arn } = await ports.identity.whoami();
  const newRunId = options.newRunId ?? randomUUID;
  let done = 0;
  const progress = (count: number): void => {
    for (let i = 0; i < count; i++) options.onProgress?.(++done, objects.length);
  };
  const checked = await mapLimit(objects, REPROCESS_CONCURRENCY, async (ref): Promise<Checked> => {
    try {
      return { object: options.verify ? await head(ports, ref) : ref };
    } catch (error) {
      progress(1);
      return notSent(ref, error);
    }
  });
  const envelopes = checked.flatMap((c) => {
    if (!('object' in c)) return [];
    const now = options.clock.now().toISOString();
    const run = { id: newRunId(), startedAt: now };
    return [
      b2aEnvelope({ kind: 'reprocess', object: c.object, run, attempt: 1, requestedBy: arn, sentAt: now }),
    ];
  });
  const { sent, failed } = await sendInBatches(ports.queue, envelopes, {
    pace: options.pace ?? ports.pacer,
    onBatch: (batch) => progress(batch.sent.length + batch.failed.length),
  });
  const outcomes: SendOutcome[] = [
    ...checked.filter((c): c is Exclude<Checked, { object: ObjectRef }> => !('object' in c)),
    ...sent.map((e) => ({ started: startedJob(e.object, e.run.id, e.run.startedAt) })),
    ...failed.map(({ envelope, reason }) => ({ failed: { ...envelope.object, reason } })),
  ];
  return {
    started: outcomes.flatMap((o) => ('started' in o ? [o.started] : [])),
    missing: outcomes.flatMap((o) => ('missing' in o ? [o.missing] : [])),
    denied: outcomes.flatMap((o) => ('denied' in o ? [o.denied] : [])),
    failed: outcomes.flatMap((o) => ('failed' in o ? [o.failed] : [])),
  };
}

/** An object after its check: to send, or not sent and why. */
type Checked = { readonly object: ObjectRef } | Exclude<SendOutcome, { readonly started: StartedJob }>;

type SendOutcome =
  | { readonly started: StartedJob }
  | { readonly missing: ObjectRef }
  | { readonly denied: NotSent }
  | { readonly failed: NotSent };

function notSent(ref: ObjectRef, error: unknown): Exclude<SendOutcome, { readonly started: StartedJob }> {
  if (error instanceof ObjectNotFoundError) return { missing: ref };
  if (error instanceof ObjectAccessDeniedError) return { denied: { ...ref, reason: error.reason } };
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { failed: { ...ref, reason } };
}

/**
 * Decides how a reprocess ended: an object that was denied or failed fails it, after every object
 * was tried and the results were shown. Objects that no longer exist do not: there is nothing left
 * to send for them.
 * @throws ObjectsNotSentError
 */
export function assertAllSent(result: ReprocessResult): void {
  const { started, missing, denied, failed } = result;
  if (denied.length + failed.length === 0) return;
  throw new ObjectsNotSentError({
    started: started.length,
    missing: missing.length,
    denied: denied.length,
    failed: failed.length,
  });
}

async function head(ports: AdminPorts, ref: ObjectRef): Promise<ObjectRef> {
  const info = await ports.objects.head(ref);
  return compact({
    bucket: ref.bucket,
    key: ref.key,
    versionId: info.versionId ?? ref.versionId,
    etag: info.etag ?? ref.etag,
    size: info.size,
  });
}

/** The object version a job is about. */
export function objectOfJob(job: Job): ObjectRef {
  return compact({
    bucket: job.bucket,
    key: job.key,
    versionId: job.versionId,
    etag: job.etag,
    size: job.size,
    sequencer: job.sequencer,
  });
}

function startedJob(object: ObjectRef, runId: string, startedAt: string): StartedJob {
  return compact({
    jobId: jobIdOf(object),
    bucket: object.bucket,
    key: object.key,
    versionId: object.versionId,
    etag: object.etag,
    runId,
    startedAt,
  });
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
