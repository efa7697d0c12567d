/**
 * recordOutcome: the target step. For each enriched item: record the attempt in the job (a
 * conditional write, so a stale message changes nothing), schedule the retry or finish the job, and
 * notify on terminal states (those config `notifications.on` names). A deferred item (admission
 * control held its call back) is scheduled again with the same attempt number and recorded as
 * RETRYING with a note, spending no attempt. Items that could not be recorded are returned so the
 * pipe retries them. A batch's jobs are recorded together (`JobRepository.recordAll`: one read for
 * the batch, then one conditional write per job).
 */
import type { PipelineConfig } from '../config.js';
import { b2aEnvelope } from '../messages.js';
import { jobIdOf, type Attempt, type Job, type JobStatus } from '../model.js';
import type { DeliveryRequest, DeliveryResult, EnrichedItem } from '../outcome.js';
import type { Clock, JobRepository, JobUpdate, Notifier, RetryScheduler } from '../ports.js';
import { deferredAttemptAt, mayRetry, nextAttemptAt, retryJitter } from '../retry-policy.js';

export interface RecordDeps {
  readonly config: Pick<PipelineConfig, 'environment' | 'retry' | 'notifications' | 'jobs'>;
  readonly jobs: Pick<JobRepository, 'recordAll'>;
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

/** An item whose job update is ready (its retry already scheduled), waiting for the batch's write. */
interface PendingRecord {
  readonly item: EnrichedItem;
  readonly update: JobUpdate;
}

/** Records a batch; returns the messageIds to report in `batchItemFailures`. */
export async function recordBatch(
  deps: RecordDeps,
  items: readonly EnrichedItem[],
): Promise<{ readonly results: RecordResult[]; readonly failedMessageIds: string[] }> {
  const prepared = await Promise.all(items.map((item) => prepareRecord(deps, item)));
  const pending = prepared.filter((p): p is PendingRecord => 'update' in p);
  const written = pending.length > 0 ? await deps.jobs.recordAll(pending.map((p) => p.update)) : [];
  const outcomes = new Map(pending.map((p, i) => [p, written[i]]));
  const results = await Promise.all(
    prepared.map((p) => ('result' in p ? p.result : finishRecord(deps, p, outcomes.get(p)))),
  );
  const failedMessageIds = items
    .filter((_, i) => results[i]?.kind === 'failed')
    .map((item) => item.messageId);
  return { results, failedMessageIds };
}

/** Decides one item's job update (scheduling its retry first). Never throws: a failure is a result. */
async function prepareRecord(
  deps: RecordDeps,
  item: EnrichedItem,
): Promise<{ readonly result: RecordResult } | PendingRecord> {
  const { result, request } = item;
  if (result.kind === 'duplicate' || result.kind === 'ignored')
    return { result: { kind: 'nothing-to-record' } };
  if (result.kind === 'invalid' || result.kind === 'unprocessed' || !request) {
    return { result: { kind: 'failed', reason: 'reason' in result ? result.reason : 'no request' } };
  }
  try {
    const update =
      result.kind === 'deferred'
        ? await deferralUpdate(deps, item, request, result)
        : await attemptUpdate(deps, item, request, result);
    return { item, update };
  } catch (error) {
    return { result: failed(deps, item, error) };
  }
}

/** What the batch's write did for one item: notify on a terminal state the config names. */
async function finishRecord(
  deps: RecordDeps,
  { item, update }: PendingRecord,
  written: PromiseSettledResult<Job | undefined> | undefined,
): Promise<RecordResult> {
  if (!written || written.status === 'rejected') return failed(deps, item, written?.reason ?? 'not recorded');
  const job = written.value;
  if (!job) return { kind: 'stale' };
  deps.onRecorded?.(item, job);
  const { status } = update;
  if ('entry' in update && status !== 'RETRYING' && deps.config.notifications.on.includes(status)) {
    // The job is recorded: a failed notification must not send the message round again (it would
    // come back as a duplicate and notify nobody). It is reported instead, and the job shows its state.
    await deps.notifier
      .notify({ status, environment: deps.config.environment, job })
      .catch((error: unknown) => deps.onError?.(item, error));
  }
  return { kind: 'recorded', job };
}

function failed(deps: RecordDeps, item: EnrichedItem, error: unknown): RecordResult {
  deps.onError?.(item, error);
  return { kind: 'failed', reason: error instanceof Error ? error.message : String(error) };
}

/** An attempt's update: its status, and its retry scheduled when it gets one. */
async function attemptUpdate(
  deps: RecordDeps,
  item: EnrichedItem,
  request: DeliveryRequest,
  result: Exclude<DeliveryResult, { kind: 'duplicate' | 'ignored' | 'invalid' | 'unprocessed' | 'deferred' }>,
): Promise<JobUpdate> {
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
  return {
    object: request.object,
    run: request.run,
    attempt: request.attempt,
    ...(request.deferral ? { deferral: request.deferral } : {}),
    status,
    entry,
    idempotencyKey: request.idempotencyKey,
    ...(nextAttempt ? { nextAttemptAt: nextAttempt } : {}),
    historyLimit: deps.config.jobs.historyLimit,
  };
}

/**
 * A deferral: schedules the same attempt with the next deferral count (the envelope says it is a
 * deferral); its update records the job RETRYING with the deferral's note. Scheduled before recorded,
 * as retries are: a failed record sends the message round again, and the schedule (same name) is
 * made once.
 */
async function deferralUpdate(
  deps: RecordDeps,
  item: EnrichedItem,
  request: DeliveryRequest,
  result: Extract<DeliveryResult, { kind: 'deferred' }>,
): Promise<JobUpdate> {
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
  return {
    object: request.object,
    run: request.run,
    attempt: request.attempt,
    ...(deferral > 0 ? { deferral } : {}),
    status: 'RETRYING',
    deferred: { at: item.at, note: result.reason },
    idempotencyKey: request.idempotencyKey,
    nextAttemptAt: nextAttempt,
    historyLimit: deps.config.jobs.historyLimit,
  };
}
