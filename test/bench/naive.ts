/**
 * The naive design b2a replaced, kept as a yardstick: one function invoked by each S3 event that reads
 * the flag (no cache), reads the object, calls the API, writes the job and publishes a notification,
 * one file at a time. It has no retry of its own: a periodic scan of the jobs table finds the failed
 * jobs and invokes it again. It runs on the same ports (and so the same adapters) as b2a.
 */
import {
  AUTO_RUN_ID,
  idempotencyKeyOf,
  type Attempt,
  type JobStatus,
  type ObjectRef,
} from '../../pipeline-functions/core/model.js';
import type {
  Clock,
  DownstreamApi,
  EnabledFlag,
  JobRepository,
  Notifier,
  ObjectSource,
} from '../../pipeline-functions/core/ports.js';

/** What the naive function is built from. */
export interface NaiveDeps {
  readonly environment: string;
  readonly flag: EnabledFlag;
  readonly objects: Pick<ObjectSource, 'read'>;
  readonly api: DownstreamApi;
  readonly jobs: Pick<JobRepository, 'record'>;
  readonly notifier: Notifier;
  readonly clock: Clock;
}

/** What the naive function is invoked with: the object and the time of its S3 event. */
export interface NaiveEvent {
  readonly object: ObjectRef;
  readonly time: string;
}

/**
 * Handles one object as the naive function does: every step in line, one notification per file.
 * `attempt` is 1 for the S3 event and 2 or more when the periodic scan sends a failed job again.
 * @returns the status recorded
 */
export async function naiveDeliver(deps: NaiveDeps, event: NaiveEvent, attempt = 1): Promise<JobStatus> {
  const { object } = event;
  const run = { id: AUTO_RUN_ID, startedAt: event.time };
  const idempotencyKey = idempotencyKeyOf(object, run.id);
  const at = deps.clock.now().toISOString();
  const base = { at, runId: run.id, attempt, origin: attempt === 1 ? 's3-event' : 'reprocess' } as const;
  let status: JobStatus;
  let entry: Attempt;
  if ((await deps.flag.read()).state === 'on') {
    const { body, info } = await deps.objects.read(object);
    const response = await deps.api.call({
      headers: {
        'content-type': info.contentType,
        'idempotency-key': idempotencyKey,
        'b2a-bucket': object.bucket,
        'b2a-key': encodeURIComponent(object.key),
        'b2a-attempt': String(attempt),
      },
      body,
    });
    const delivered = response.status >= 200 && response.status < 300;
    status = delivered ? 'SUCCEEDED' : 'FAILED';
    entry = {
      ...base,
      outcome: delivered ? 'delivered' : 'terminal',
      httpStatus: response.status,
      latencyMs: response.latencyMs,
      ...(delivered ? {} : { error: `HTTP ${response.status}` }),
    };
  } else {
    status = 'SKIPPED';
    entry = { ...base, outcome: 'skipped' };
  }
  const job = await deps.jobs.record({
    object,
    run,
    attempt,
    status,
    entry,
    idempotencyKey,
    historyLimit: 20,
  });
  if (job) await deps.notifier.notify({ status, environment: deps.environment, job });
  return status;
}
