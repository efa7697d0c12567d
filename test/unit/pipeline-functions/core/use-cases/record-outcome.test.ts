import { beforeEach, describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../../pipeline-functions/core/config.js';
import type { DeliveryResult, EnrichedItem } from '../../../../../pipeline-functions/core/outcome.js';
import {
  recordBatch,
  type RecordDeps,
} from '../../../../../pipeline-functions/core/use-cases/record-outcome.js';
import { FakeClock, FakeJobs, FakeNotifier, FakeScheduler } from '../../../../support/fakes.js';

const object = { bucket: 'inbox', key: 'a b', etag: 'e1', size: 3 };
const item = (
  messageId: string,
  result: DeliveryResult,
  attempt = 1,
  run = { id: 'auto', startedAt: '2026-11-21T11:00:00Z' },
): EnrichedItem => ({
  messageId,
  request: { object, run, attempt, origin: attempt === 1 ? 's3-event' : 'retry', idempotencyKey: 'idem' },
  result,
  at: `2026-11-21T12:00:0${attempt}.000Z`,
});

describe('Function: recordBatch', () => {
  let deps: RecordDeps & { jobs: FakeJobs; scheduler: FakeScheduler; notifier: FakeNotifier };
  const errors: unknown[] = [];

  beforeEach(() => {
    errors.length = 0;
    deps = {
      config: parsePipelineConfig({
        environment: 'dev',
        api: { url: 'https://x.test' },
        retry: { maxAttempts: 3, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
      }),
      jobs: new FakeJobs(),
      scheduler: new FakeScheduler(),
      notifier: new FakeNotifier(),
      clock: new FakeClock(),
      onError: (_item, error) => errors.push(error),
    };
  });

  it('records a delivery as SUCCEEDED and notifies with status and environment', async () => {
    const { failedMessageIds } = await recordBatch(deps, [
      item('m1', { kind: 'delivered', httpStatus: 202, latencyMs: 12 }),
    ]);
    expect(failedMessageIds).toEqual([]);
    const job = deps.jobs.jobs.get('inbox/a b#etag:e1')!;
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 1, lastHttpStatus: 202 });
    expect(job.history[0]).toMatchObject({
      outcome: 'delivered',
      httpStatus: 202,
      latencyMs: 12,
      origin: 's3-event',
    });
    expect(deps.notifier.sent).toEqual([
      expect.objectContaining({ status: 'SUCCEEDED', environment: 'dev' }),
    ]);
  });

  it('keeps each attempt’s request and response in the job’s history: the delivery log', async () => {
    // Prepare
    const request = {
      method: 'POST',
      url: 'https://api.test/in',
      headers: { authorization: '[redacted]', 'idempotency-key': 'idem' },
      bodyBytes: 3,
      bodySha256: 'a'.repeat(64),
    };
    const unavailable = { status: 503, retryAfter: '30', body: 'maintenance' };
    const accepted = { status: 201, requestId: { header: 'x-request-id', value: 'r-2' }, body: '{"id":7}' };

    // Act
    await recordBatch(deps, [
      item('m1', {
        kind: 'retryable',
        reason: 'HTTP 503: maintenance',
        httpStatus: 503,
        latencyMs: 40,
        exchange: { request, response: unavailable },
      }),
    ]);
    await recordBatch(deps, [
      item(
        'm2',
        { kind: 'delivered', httpStatus: 201, latencyMs: 9, exchange: { request, response: accepted } },
        2,
      ),
    ]);

    // Assess
    const job = deps.jobs.jobs.get('inbox/a b#etag:e1')!;
    expect(job.history).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'retryable', request, response: unavailable }),
      expect.objectContaining({ attempt: 2, outcome: 'delivered', request, response: accepted }),
    ]);
  });

  it('records the request of a call that got no answer, and no response', async () => {
    // Prepare
    const request = {
      method: 'POST',
      url: 'https://api.test/in',
      headers: {},
      bodyBytes: 1,
      bodySha256: 'b',
    };

    // Act
    await recordBatch(deps, [item('m1', { kind: 'retryable', reason: 'timeout: …', exchange: { request } })]);

    // Assess
    const [attempt] = deps.jobs.jobs.get('inbox/a b#etag:e1')!.history;
    expect(attempt?.request).toEqual(request);
    expect(attempt).not.toHaveProperty('response');
  });

  it('schedules the next attempt with backoff and records RETRYING', async () => {
    await recordBatch(deps, [item('m1', { kind: 'retryable', reason: 'HTTP 503', httpStatus: 503 })]);
    expect(deps.scheduler.scheduled).toHaveLength(1);
    const { envelope, at } = deps.scheduler.scheduled[0]!;
    expect(envelope).toMatchObject({ b2a: 1, kind: 'retry', attempt: 2, object, run: { id: 'auto' } });
    // 60 s base: half fixed, half jittered, on the fake scheduler's one-second grain.
    expect(at.getTime() - Date.parse('2026-11-21T12:00:00.000Z')).toBeGreaterThanOrEqual(30_000);
    expect(at.getTime() - Date.parse('2026-11-21T12:00:00.000Z')).toBeLessThanOrEqual(60_000);
    expect(deps.jobs.jobs.get('inbox/a b#etag:e1')).toMatchObject({
      status: 'RETRYING',
      nextAttemptAt: at.toISOString(),
      lastError: 'HTTP 503',
    });
    expect(deps.notifier.sent).toHaveLength(0);
  });

  it('records the time Scheduler really fires the retry, and spreads a batch that failed together', async () => {
    // Prepare: Scheduler's timing (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html:
    // 60 second precision), the clock 20 s into the minute
    deps = {
      ...deps,
      scheduler: new FakeScheduler({ minimumLeadSeconds: 60, precisionSeconds: 60 }),
      clock: new FakeClock(new Date('2026-11-21T12:00:20.000Z')),
    };
    const failed = Array.from({ length: 20 }, (_, i) => ({
      ...item(`m${i}`, { kind: 'retryable', reason: 'HTTP 503', httpStatus: 503 }),
      request: {
        ...item('x', { kind: 'delivered', httpStatus: 200, latencyMs: 1 }).request!,
        object: { ...object, key: `k${i}` },
      },
    }));

    // Act
    await recordBatch(deps, failed);

    // Assess
    const times = deps.scheduler.scheduled.map(({ at }) => at.toISOString());
    for (const [i, at] of times.entries()) {
      expect(Date.parse(at) % 60_000).toBe(0);
      expect(Date.parse(at) - Date.parse('2026-11-21T12:00:20.000Z')).toBeGreaterThanOrEqual(60_000);
      expect(deps.jobs.jobs.get(`inbox/k${i}#etag:e1`)?.nextAttemptAt).toBe(at);
    }
    expect(new Set(times)).toEqual(new Set(['2026-11-21T12:02:00.000Z', '2026-11-21T12:03:00.000Z']));
  });

  it('honours Retry-After when scheduling', async () => {
    await recordBatch(deps, [
      item('m1', { kind: 'retryable', reason: 'HTTP 429', httpStatus: 429, retryAfterSeconds: 600 }),
    ]);
    expect(deps.scheduler.scheduled[0]!.at.toISOString()).toBe('2026-11-21T12:10:00.000Z');
    expect(deps.jobs.jobs.get('inbox/a b#etag:e1')?.nextAttemptAt).toBe('2026-11-21T12:10:00.000Z');
  });

  it('fails the job after the last attempt and notifies', async () => {
    await recordBatch(deps, [item('m1', { kind: 'retryable', reason: 'HTTP 500' }, 1)]);
    await recordBatch(deps, [item('m2', { kind: 'retryable', reason: 'HTTP 500' }, 2)]);
    await recordBatch(deps, [item('m3', { kind: 'retryable', reason: 'HTTP 500' }, 3)]);
    expect(deps.scheduler.scheduled).toHaveLength(2);
    const job = deps.jobs.jobs.get('inbox/a b#etag:e1')!;
    expect(job).toMatchObject({
      status: 'FAILED',
      attempts: 3,
      lastError: 'gave up after 3 attempts: HTTP 500',
    });
    expect(deps.notifier.sent.map((n) => n.status)).toEqual(['FAILED']);
  });

  it('records a terminal answer as FAILED at once and a skipped one as SKIPPED', async () => {
    await recordBatch(deps, [
      item('m1', { kind: 'terminal', reason: 'HTTP 422: bad', httpStatus: 422 }),
      {
        ...item('m2', { kind: 'skipped', reason: 'the enabled flag is off' }),
        request: {
          ...item('x', { kind: 'skipped', reason: '' }).request!,
          object: { ...object, key: 'other' },
        },
      },
    ]);
    expect(deps.jobs.jobs.get('inbox/a b#etag:e1')).toMatchObject({
      status: 'FAILED',
      lastError: 'HTTP 422: bad',
    });
    expect(deps.jobs.jobs.get('inbox/other#etag:e1')).toMatchObject({ status: 'SKIPPED' });
    expect(deps.scheduler.scheduled).toHaveLength(0);
  });

  it('changes nothing for a stale message and does not notify again', async () => {
    await recordBatch(deps, [item('m1', { kind: 'delivered', httpStatus: 200, latencyMs: 1 })]);
    const { results } = await recordBatch(deps, [item('m2', { kind: 'retryable', reason: 'late' }, 1)]);
    expect(results).toEqual([{ kind: 'stale' }]);
    expect(deps.jobs.jobs.get('inbox/a b#etag:e1')!.status).toBe('SUCCEEDED');
    expect(deps.notifier.sent).toHaveLength(1);
  });

  it('reports invalid and unprocessed messages and failed records as batch item failures, only those', async () => {
    deps.jobs.failRecord = new Error('throttled');
    const { failedMessageIds } = await recordBatch(deps, [
      { messageId: 'bad', result: { kind: 'invalid', reason: 'not JSON' }, at: 'x' },
      { messageId: 'dup', result: { kind: 'duplicate', reason: 'already delivered' }, at: 'x' },
      { messageId: 'ign', result: { kind: 'ignored', reason: 'test event' }, at: 'x' },
      item('store', { kind: 'delivered', httpStatus: 200, latencyMs: 1 }),
    ]);
    expect(failedMessageIds).toEqual(['bad', 'store']);
    expect(errors).toEqual([new Error('throttled')]);
  });

  it('records a batch with one recordAll, two attempts of one job in their order', async () => {
    // Act
    const { results, failedMessageIds } = await recordBatch(deps, [
      item('m1', { kind: 'retryable', reason: 'HTTP 503', httpStatus: 503 }, 1),
      { messageId: 'dup', result: { kind: 'duplicate', reason: 'already delivered' }, at: 'x' },
      item('m2', { kind: 'delivered', httpStatus: 200, latencyMs: 1 }, 2),
    ]);

    // Assess
    expect(failedMessageIds).toEqual([]);
    expect(results.map((r) => r.kind)).toEqual(['recorded', 'nothing-to-record', 'recorded']);
    expect(deps.jobs.recordAllCalls).toEqual([2]);
    expect(deps.jobs.jobs.get('inbox/a b#etag:e1')).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
    expect(deps.notifier.sent).toEqual([expect.objectContaining({ status: 'SUCCEEDED' })]);
  });

  it('fails only the item whose update the store rejected, and notifies for the others', async () => {
    // Prepare
    const recordAll = deps.jobs.recordAll.bind(deps.jobs);
    const conflict = new Error('job changed under 5 writes in a row');
    deps.jobs.recordAll = async (updates) => [
      ...(await recordAll(updates.slice(0, 1))),
      { status: 'rejected', reason: conflict },
    ];

    // Act
    const { results, failedMessageIds } = await recordBatch(deps, [
      item('m1', { kind: 'terminal', reason: 'HTTP 400', httpStatus: 400 }),
      item('m2', { kind: 'terminal', reason: 'HTTP 400', httpStatus: 400 }),
    ]);

    // Assess
    expect(failedMessageIds).toEqual(['m2']);
    expect(results[1]).toEqual({ kind: 'failed', reason: conflict.message });
    expect(errors).toEqual([conflict]);
    expect(deps.notifier.sent).toEqual([expect.objectContaining({ status: 'FAILED' })]);
  });

  it('writes nothing when no item of the batch has anything to record', async () => {
    // Act
    await recordBatch(deps, [
      { messageId: 'dup', result: { kind: 'duplicate', reason: 'already delivered' }, at: 'x' },
    ]);

    // Assess
    expect(deps.jobs.recordAllCalls).toEqual([]);
  });

  it('fails the item (so the pipe retries) when the retry cannot be scheduled, recording nothing', async () => {
    deps.scheduler.fail = new Error('scheduler down');
    const { failedMessageIds } = await recordBatch(deps, [
      item('m1', { kind: 'retryable', reason: 'HTTP 503' }),
    ]);
    expect(failedMessageIds).toEqual(['m1']);
    expect(deps.jobs.jobs.size).toBe(0);
  });

  it('keeps the recorded job when the notification fails, and reports the error', async () => {
    deps.notifier.fail = new Error('SNS down');
    const { failedMessageIds } = await recordBatch(deps, [
      item('m1', { kind: 'terminal', reason: 'HTTP 400' }),
    ]);
    expect(failedMessageIds).toEqual([]);
    expect(deps.jobs.jobs.get('inbox/a b#etag:e1')!.status).toBe('FAILED');
    expect(errors).toEqual([new Error('SNS down')]);
  });

  it('notifies only for the states the config names', async () => {
    deps = { ...deps, config: { ...deps.config, notifications: { on: ['FAILED'] } } };
    await recordBatch(deps, [item('m1', { kind: 'delivered', httpStatus: 200, latencyMs: 1 })]);
    expect(deps.notifier.sent).toHaveLength(0);
  });

  describe('a deferred item', () => {
    const deferred = (notBefore = '2026-11-21T12:00:30.000Z'): DeliveryResult => ({
      kind: 'deferred',
      cause: 'circuit open',
      reason: 'deferred: circuit open (HTTP 503)',
      notBefore,
      spreadSeconds: 1,
    });

    it('schedules the same attempt as a deferral and records RETRYING with a note, spending no attempt', async () => {
      // Prepare: attempt 2 of a job whose first attempt failed
      await recordBatch(deps, [item('m1', { kind: 'retryable', reason: 'HTTP 503', httpStatus: 503 })]);
      deps.scheduler.scheduled.length = 0;

      // Act
      const { failedMessageIds } = await recordBatch(deps, [item('m2', deferred(), 2)]);

      // Assess
      expect(failedMessageIds).toEqual([]);
      expect(deps.scheduler.scheduled).toHaveLength(1);
      const [{ envelope, at }] = deps.scheduler.scheduled as [(typeof deps.scheduler.scheduled)[number]];
      expect(envelope).toMatchObject({ kind: 'deferral', origin: 'retry', attempt: 2, deferral: 1 });
      expect(at.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-11-21T12:00:30.000Z'));
      expect(deps.jobs.jobs.get('inbox/a b#etag:e1')).toMatchObject({
        status: 'RETRYING',
        attempt: 2,
        attempts: 1,
        note: 'deferred: circuit open (HTTP 503)',
        lastError: 'HTTP 503',
        nextAttemptAt: at.toISOString(),
      });
      expect(deps.jobs.jobs.get('inbox/a b#etag:e1')?.history).toHaveLength(1);
      expect(deps.notifier.sent).toEqual([]);
    });

    it('lets the deferred attempt, once made, count as that attempt and clear the note', async () => {
      // Prepare
      await recordBatch(deps, [item('m1', deferred())]);
      const [{ envelope }] = deps.scheduler.scheduled as [(typeof deps.scheduler.scheduled)[number]];
      const back: EnrichedItem = {
        ...item('m2', { kind: 'delivered', httpStatus: 200, latencyMs: 4 }),
        request: { ...item('m2', deferred()).request!, deferral: envelope.deferral ?? 0 },
      };

      // Act
      await recordBatch(deps, [back]);

      // Assess
      const job = deps.jobs.jobs.get('inbox/a b#etag:e1');
      expect(job).toMatchObject({ status: 'SUCCEEDED', attempt: 1, attempts: 1 });
      expect(job?.note).toBeUndefined();
    });

    it('changes nothing when a duplicate of an earlier deferral arrives after a newer one', async () => {
      // Prepare: deferral 1 of attempt 1 is recorded
      const second: EnrichedItem = {
        ...item('m2', deferred()),
        request: { ...item('m2', deferred()).request!, deferral: 1 },
      };
      await recordBatch(deps, [item('m1', deferred()), second]);
      const before = deps.jobs.jobs.get('inbox/a b#etag:e1');

      // Act: the first message again
      const { results } = await recordBatch(deps, [item('m1', deferred('2026-11-21T13:00:00.000Z'))]);

      // Assess
      expect(results.map((r) => r.kind)).toEqual(['stale']);
      expect(deps.jobs.jobs.get('inbox/a b#etag:e1')).toEqual(before);
    });
  });
});
