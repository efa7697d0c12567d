/**
 * The two handlers chained as EventBridge Pipes chains them: the enrichment's output array is the
 * target's input, and the target's batchItemFailures send those messages through the whole pipe again.
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
import { createEnrichmentHandler } from '../../../../pipeline-functions/handlers/enrichment.js';
import { createTargetHandler } from '../../../../pipeline-functions/handlers/target.js';
import {
  FakeApi,
  FakeClock,
  FakeFlag,
  FakeJobs,
  FakeNotifier,
  FakeObjects,
  FakeScheduler,
  s3Event,
  sqsRecord,
} from '../../../support/fakes.js';

const NASTY_KEYS = [
  'plain.txt',
  'with space/and+plus.csv',
  '100%/literal%20percent.json',
  'ünïcödé/日本語/😀.txt',
  `deep/${'a/'.repeat(20)}file.txt`,
  'k'.repeat(1024),
];

describe('Handlers: enrichment then target', () => {
  const config = parsePipelineConfig({ environment: 'dev', api: { url: 'https://api.test/in' } });
  let jobs: FakeJobs,
    api: FakeApi,
    objects: FakeObjects,
    flag: FakeFlag,
    scheduler: FakeScheduler,
    notifier: FakeNotifier;
  let enrichment: ReturnType<typeof createEnrichmentHandler>;
  let target: ReturnType<typeof createTargetHandler>;

  beforeEach(() => {
    jobs = new FakeJobs();
    api = new FakeApi();
    objects = new FakeObjects();
    flag = new FakeFlag(true);
    scheduler = new FakeScheduler();
    notifier = new FakeNotifier();
    const clock = new FakeClock();
    enrichment = createEnrichmentHandler({ config, bucket: 'inbox', flag, jobs, objects, api, clock });
    target = createTargetHandler({ config, jobs, scheduler, notifier, clock });
  });

  it('delivers a batch of nasty keys exactly once each, keeping messageIds', async () => {
    NASTY_KEYS.forEach((key) => objects.put('inbox', key, `body of ${key.length}`));
    const batch = NASTY_KEYS.map((key, i) => sqsRecord(`msg-${i}`, s3Event(key, { size: 5 })));

    const enriched = await enrichment(batch);
    const out = await target(enriched);

    expect(enriched.map((e) => e.messageId)).toEqual(batch.map((r) => r.messageId));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(api.calls.map((c) => decodeURIComponent(c.headers['b2a-key']!))).toEqual(NASTY_KEYS);
    expect([...jobs.jobs.values()].map((j) => [j.key, j.status])).toEqual(
      NASTY_KEYS.map((k) => [k, 'SUCCEEDED']),
    );
  });

  it('decodes a classic notification key once and delivers the raw key', async () => {
    objects.put('inbox', 'a b+c%d', 'x');
    const classic = {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-11-21T11:00:00.000Z',
          s3: { bucket: { name: 'inbox' }, object: { key: 'a+b%2Bc%25d', size: 1, eTag: 'e' } },
        },
      ],
    };
    await target(await enrichment([sqsRecord('m1', classic)]));
    expect(jobs.jobs.get('inbox/a b+c%d#etag:e')?.status).toBe('SUCCEEDED');
  });

  it('returns only the malformed message as a batch item failure; the rest of the batch completes', async () => {
    objects.put('inbox', 'ok', 'x');
    const out = await target(
      await enrichment([sqsRecord('bad', '{"nope":true}'), sqsRecord('good', s3Event('ok'))]),
    );
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(jobs.jobs.size).toBe(1);
  });

  it('survives Pipes re-running the whole pipe for a failed record without calling the API twice after success', async () => {
    objects.put('inbox', 'a', 'x');
    const batch = [sqsRecord('m1', s3Event('a'))];
    jobs.failRecord = new Error('throttled');
    const first = await target(await enrichment(batch));
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    jobs.failRecord = undefined;
    await target(await enrichment(batch)); // Pipes retries m1 through the enrichment again
    const third = await enrichment(batch); // and S3 sends a duplicate event later
    expect(third[0]!.result).toEqual({ kind: 'duplicate', reason: 'already delivered' });
    expect(api.calls.map((c) => c.headers['idempotency-key'])).toEqual([
      api.calls[0]!.headers['idempotency-key'],
      api.calls[0]!.headers['idempotency-key'],
    ]);
    expect(notifier.sent).toHaveLength(1);
  });

  it('follows a retry through Scheduler to success, with one Idempotency-Key for the run', async () => {
    objects.put('inbox', 'a', 'x');
    api.script.push({ status: 503, latencyMs: 1 });
    await target(await enrichment([sqsRecord('m1', s3Event('a'))]));
    const retry = scheduler.scheduled[0]!.envelope;
    await target(await enrichment([sqsRecord('m2', retry)]));
    const job = jobs.jobs.get('inbox/a#etag:d41d8cd98f00b204e9800998ecf8427e')!;
    expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 2, attempt: 2 });
    expect(job.history.map((h) => [h.origin, h.outcome])).toEqual([
      ['s3-event', 'retryable'],
      ['retry', 'delivered'],
    ]);
    expect(new Set(api.calls.map((c) => c.headers['idempotency-key'])).size).toBe(1);
  });

  it('records SKIPPED when the flag is off, and calls nothing', async () => {
    flag.enabled = false;
    objects.put('inbox', 'a', 'x');
    await target(await enrichment([sqsRecord('m1', s3Event('a'))]));
    expect([...jobs.jobs.values()][0]).toMatchObject({ status: 'SKIPPED' });
    expect(api.calls).toHaveLength(0);
    expect(notifier.sent.map((n) => n.status)).toEqual(['SKIPPED']);
  });

  it('fails an object deleted before processing with a clear reason', async () => {
    await target(await enrichment([sqsRecord('m1', s3Event('deleted.txt'))]));
    expect([...jobs.jobs.values()][0]).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringContaining('object not found (deleted before processing?)'),
    });
  });

  it('ends a message for another bucket at once as FAILED, naming both buckets, with no retry and no call', async () => {
    // Prepare
    objects.put('other-bucket', 'a.csv', 'x');

    // Act
    const out = await target(
      await enrichment([sqsRecord('m1', s3Event('a.csv', { bucket: 'other-bucket' }))]),
    );

    // Assess
    expect(out).toEqual({ batchItemFailures: [] });
    expect([...jobs.jobs.values()][0]).toMatchObject({
      status: 'FAILED',
      lastError: 'bucket other-bucket is not the configured bucket inbox',
    });
    expect([objects.heads, objects.reads, api.calls.length, scheduler.scheduled.length]).toEqual([
      0, 0, 0, 0,
    ]);
  });
});
