/**
 * recordOutcome: the target step. For each enriched item: record the attempt in the job (a
 * conditional write, so a stale message changes nothing), schedule the retry or finish the job, and
 * notify on terminal states (those config `notifications.on` names). A deferred item (admission
 * control held its call back) is scheduled again with the same attempt number and recorded as
 * RETRYING with a note, spending no attempt. Items that could not be recorded are returned so the
 * pipe retries them.
 */
import type { PipelineConfig } from '../config.js';
import { b2aEnvelope } from '../messages.js';
import { jobIdOf, type Attempt, type Job, type JobStatus } from '../model.js';
import type { DeliveryRequest, DeliveryResult, EnrichedItem } from '../outcome.js';
import type { Clock, JobRepository, Notifier, RetryScheduler } from '../ports.js';
import { deferredAttemptAt, mayRetry, nextAttemptAt, retryJitter } from '../retry-policy.js';

export interface RecordDeps {
  readonly config: Pick<PipelineConfig, 'environment' | 'retry' | 'notifications' | 'jobs'>;
  readonly jobs: Pick<JobRepository, 'record'>;
  readonly scheduler: RetryScheduler;
  readonly notifier: Notifier;
  readonly clock: Clock;
  /** Told about errors: a failed record (the item is returned as a failure) or a failed notification. */
  readonly onError?: (item: EnrichedItem, error: unknown) => void;
  /** Told about every job this step wrote (for logs, metrics and the local dashboard). */
  readonly onRecorded?: (item: EnrichedItem, job: Job) => void;
}

/** What became of one item. */
export type RecordResult =
  | { readonly kind: 'recorded'; readonly job: Job }
  | { readonly kind: 'stale' }
  | { readonly kind: 'nothing-to-record' }
  /** Not recorded: the pipe must retry the message (in the end, to the DLQ). */
  | { readonly kind: 'failed'; readonly reason: string };

/** Records a batch; returns the messageIds to report in `batchItemFailures`. */
export async function recordBatch(
  deps: RecordDeps,
  items: readonly EnrichedItem[],
): Promise<{ readonly results: RecordResult[]; readonly failedMessageIds: string[] }> {
  const results = await Promise.all(items.map((item) => recordOutcome(deps, item)));
  const failedMessageIds = items
    .filter((_, i) => results[i]?.kind === 'failed')
    .map((item) => item.messageId);
  return { results, failedMessageIds };
}

/** Records one item. Never throws: a failure to record is a `failed` result. */
export async function recordOutcome(deps: RecordDeps, item: EnrichedItem): Promise<RecordResult> {
  const { result, request } = item;
  if (result.kind === 'duplicate' || result.kind === 'ignored') return { kind: 'nothing-to-record' };
  if (result.kind === 'invalid' || result.kind === 'unprocessed' || !request) {
    return { kind: 'failed', reason: 'reason' in result ? result.reason : 'no request' };
  }
  try {
    if (result.kind === 'deferred') return await recordDeferral(deps, item, request, result);
    return await record(deps, item, request, result);
  } catch (error) {
    deps.onError?.(item, error);
    return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
  }
}

async function record(
  deps: RecordDeps,
  item: EnrichedItem,
  request: DeliveryRequest,
  result: Exclude<DeliveryResult, { kind: 'duplicate' | 'ignored' | 'invalid' | 'unprocessed' | 'deferred' }>,
): Promise<RecordResult> {
  let status: JobStatus;
  let error = 'reason' in result ? result.reason : undefined;
  let nextAttempt: string | undefined;
  switch (result.kind) {
    case 'delivered':
    case 'unchanged':
      status = 'SUCCEEDED';
      break;
    case 'skipped':
      status = 'SKIPPED';
      break;
    case 'superseded':
      status = 'SUPERSEDED';
      break;
    case 'terminal':
      status = 'FAILED';
      break;
    case 'retryable':
      if (mayRetry(request.attempt, deps.config.retry)) {
        status = 'RETRYING';
        const at = nextAttemptAt({
          now: deps.clock.now(),
          attempt: request.attempt,
          settings: deps.config.retry,
          timing: deps.scheduler.timing,
          jitter: retryJitter(jobIdOf(request.object), request.run.id, request.attempt),
          ...(result.retryAfterSeconds !== undefined ? { retryAfterSeconds: result.retryAfterSeconds } : {}),
        });
        nextAttempt = at.toISOString();
        // Schedule before recording: if the record fails, the pipe retries and the schedule (same
        // name) is not made twice; the other order could leave a RETRYING job with no retry.
        await deps.scheduler.schedule(
          b2aEnvelope({
            kind: 'retry',
            object: request.object,
            run: request.run,
            attempt: request.attempt + 1,
            requestedBy: request.requestedBy,
            backfillId: request.backfillId,
            // When the envelope is sent, not when it was scheduled: the envelope is part of the
            // schedule request, which must be the same each time this retry is scheduled.
            sentAt: nextAttempt,
          }),
          at,
        );
      } else {
        status = 'FAILED';
        error = `gave up after ${request.attempt} attempts: ${result.reason}`;
      }
      break;
  }
  const entry: Attempt = {
    at: item.at,
    runId: request.run.id,
    attempt: request.attempt,
    origin: request.origin,
    outcome: result.kind,
    ...('httpStatus' in result && result.httpStatus !== undefined ? { httpStatus: result.httpStatus } : {}),
    ...('latencyMs' in result && result.latencyMs !== undefined ? { latencyMs: result.latencyMs } : {}),
    ...(error ? { error } : {}),
    ...(request.requestedBy ? { requestedBy: request.requestedBy } : {}),
    ...(request.backfillId ? { backfillId: request.backfillId } : {}),
    ...('exchange' in result && result.exchange ? result.exchange : {}),
  };
  const job = await deps.jobs.record({
    object: request.object,
    run: request.run,
    attempt: request.attempt,
    ...(request.deferral ? { deferral: request.deferral } : {}),
    status,
    entry,
    idempotencyKey: request.idempotencyKey,
    ...(nextAttempt ? { nextAttemptAt: nextAttempt } : {}),
    historyLimit: deps.config.jobs.historyLimit,
  });
  if (!job) return { kind: 'stale' };
  deps.onRecorded?.(item, job);
  if (status !== 'RETRYING' && deps.config.notifications.on.includes(status)) {
    // The job is recorded: a failed notification must not send the message round again (it would
    // come back as a duplicate and notify nobody). It is reported instead, and the job shows its state.
    await deps.notifier
      .notify({ status, environment: deps.config.environment, job })
      .catch((error: unknown) => deps.onError?.(item, error));
  }
  return { kind: 'recorded', job };
}

/**
 * A deferral: schedules the same attempt with the next deferral count (the envelope says it is a
 * deferral), then records the job RETRYING with the deferral's note. Scheduled before recorded, as
 * retries are: a failed record sends the message round again, and the schedule (same name) is made
 * once.
 */
async function recordDeferral(
  deps: RecordDeps,
  item: EnrichedItem,
  request: DeliveryRequest,
  result: Extract<DeliveryResult, { kind: 'deferred' }>,
): Promise<RecordResult> {
  const deferral = request.deferral ?? 0;
  const at = deferredAttemptAt({
    now: deps.clock.now(),
    notBefore: new Date(result.notBefore),
    spreadSeconds: result.spreadSeconds,
    timing: deps.scheduler.timing,
    jitter: retryJitter(jobIdOf(request.object), request.run.id, request.attempt, deferral + 1),
  });
  const nextAttempt = at.toISOString();
  await deps.scheduler.schedule(
    b2aEnvelope({
      kind: 'deferral',
      object: request.object,
      run: request.run,
      attempt: request.attempt,
      deferral: deferral + 1,
      origin: request.origin,
      requestedBy: request.requestedBy,
      backfillId: request.backfillId,
      sentAt: nextAttempt,
    }),
    at,
  );
  const job = await deps.jobs.record({
    object: request.object,
    run: request.run,
    attempt: request.attempt,
    ...(deferral > 0 ? { deferral } : {}),
    status: 'RETRYING',
    deferred: { at: item.at, note: result.reason },
    idempotencyKey: request.idempotencyKey,
    nextAttemptAt: nextAttempt,
    historyLimit: deps.config.jobs.historyLimit,
  });
  if (!job) return { kind: 'stale' };
  deps.onRecorded?.(item, job);
  return { kind: 'recorded', job };
}
