import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  parsePipelineConfig,
  type PipelineConfigInput,
} from '../../../../../pipeline-functions/core/config.js';
import { encodeEnvelope, type B2aEnvelope } from '../../../../../pipeline-functions/core/messages.js';
import type { Job, ObjectRef } from '../../../../../pipeline-functions/core/model.js';
import {
  deliverBatch,
  type DeliverDeps,
} from '../../../../../pipeline-functions/core/use-cases/deliver-object.js';
import {
  recordBatch,
  type RecordDeps,
} from '../../../../../pipeline-functions/core/use-cases/record-outcome.js';
import { objectOfJob } from '../../../../../pipeline-functions/core/use-cases/admin/reprocess.js';
import {
  FakeApi,
  FakeClock,
  FakeFlag,
  FakeJobs,
  FakeLatestVersions,
  FakeNotifier,
  FakeObjects,
  FakeScheduler,
  s3Event,
} from '../../../../support/fakes.js';

/**
 * S3 sequencers of one key's versions, as events carry them. v2's is shorter than v1's: S3 compares
 * them after right-padding the shorter with zeros, so v2 (…4075 → …407500) came after v1 (…407460)
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 */
const V1 = { versionId: 'v1', sequencer: '0062E99A88DC407460', etag: 'aaa', time: '2026-11-21T11:00:00Z' };
const V2 = { versionId: 'v2', sequencer: '0062E99A88DC4075', etag: 'bbb', time: '2026-11-21T11:00:01Z' };
const V3 = { versionId: 'v3', sequencer: '0062E99A88DC407600', etag: 'ccc', time: '2026-11-21T11:00:02Z' };
const KEY = 'reports/daily.csv';

/** The enrichment and the target over in-memory ports: one message at a time through the pipe. */
class Pipeline {
  public readonly clock = new FakeClock();
  public readonly jobs = new FakeJobs();
  public readonly versions = new FakeLatestVersions();
  public readonly api = new FakeApi();
  public readonly flag = new FakeFlag(true);
  public readonly objects = new FakeObjects();
  public readonly scheduler = new FakeScheduler();
  public readonly notifier = new FakeNotifier();
  private readonly deliver: DeliverDeps;
  private readonly record: RecordDeps;
  private sent = 0;

  public constructor(config: Partial<PipelineConfigInput>) {
    const parsed = parsePipelineConfig({
      environment: 'dev',
      api: { url: 'http://127.0.0.1:1/in' },
      ...config,
    });
    this.objects.clock = this.clock;
    this.objects.put('inbox', KEY, 'a,b\n1,2\n');
    this.deliver = {
      config: parsed,
      bucket: 'inbox',
      flag: this.flag,
      jobs: this.jobs,
      versions: this.versions,
      objects: this.objects,
      api: this.api,
      clock: this.clock,
    };
    this.record = {
      config: parsed,
      jobs: this.jobs,
      scheduler: this.scheduler,
      notifier: this.notifier,
      clock: this.clock,
    };
  }

  /** Sends one queue message (an S3 event or an envelope) through the enrichment, then the target. */
  public async send(body: unknown): Promise<void> {
    this.clock.advance(1000);
    const items = await deliverBatch(this.deliver, [
      { messageId: `m${++this.sent}`, body: JSON.stringify(body), sentAt: this.clock.now().toISOString() },
    ]);
    const { failedMessageIds } = await recordBatch(this.record, items);
    expect(failedMessageIds).toEqual([]);
  }

  /** The retries scheduled so far, as Scheduler would send them. */
  public retries(): B2aEnvelope[] {
    return this.scheduler.scheduled.map((s) => s.envelope);
  }

  public job(versionId: string): Job | undefined {
    return this.jobs.jobs.get(`inbox/${KEY}#${versionId}`);
  }
}

const event = (version: typeof V1) => s3Event(KEY, { ...version, size: 8 });

describe('Versions: latest', () => {
  let pipeline: Pipeline;

  beforeEach(() => {
    pipeline = new Pipeline({ versions: 'latest' });
  });

  it('records an older version whose event arrives after the newer one SUPERSEDED, calling nothing', async () => {
    // Act: S3 delivers v2's event first, then v1's.
    await pipeline.send(event(V2));
    await pipeline.send(event(V1));
    // Assess
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v2']);
    expect(pipeline.job('v2')).toMatchObject({ status: 'SUCCEEDED' });
    expect(pipeline.job('v1')).toMatchObject({ status: 'SUPERSEDED', attempts: 1 });
    expect(pipeline.job('v1')?.history).toEqual([
      expect.objectContaining({
        outcome: 'superseded',
        error: expect.stringContaining('newer version (v2)'),
      }),
    ]);
    expect(pipeline.retries()).toEqual([]);
    // SUPERSEDED is terminal but not in notifications.on by default.
    expect(pipeline.notifier.sent.map((n) => n.status)).toEqual(['SUCCEEDED']);
  });

  it('ends an older version that is RETRYING when a newer one succeeds: its retry arrives and calls nothing', async () => {
    // Prepare: v1 gets a 503 and is RETRYING; v2 lands and succeeds.
    pipeline.api.script.push({ status: 503, latencyMs: 5 });
    await pipeline.send(event(V1));
    expect(pipeline.job('v1')).toMatchObject({ status: 'RETRYING' });
    await pipeline.send(event(V2));
    expect(pipeline.job('v2')).toMatchObject({ status: 'SUCCEEDED' });
    const [retry] = pipeline.retries();
    // Act: Scheduler sends v1's retry.
    await pipeline.send(retry);
    // Assess
    expect(retry?.object.sequencer).toBe(V1.sequencer);
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v1', 'v2']);
    expect(pipeline.job('v1')).toMatchObject({ status: 'SUPERSEDED', attempt: 2, attempts: 2 });
    expect(pipeline.job('v1')).not.toHaveProperty('nextAttemptAt');
    expect(pipeline.retries()).toHaveLength(1);
  });

  it('does nothing with a retry of a superseded version that arrives again later', async () => {
    // Prepare: v1 RETRYING, v2 delivered, v1's retry superseded.
    pipeline.api.script.push({ status: 503, latencyMs: 5 });
    await pipeline.send(event(V1));
    await pipeline.send(event(V2));
    const [retry] = pipeline.retries();
    await pipeline.send(retry);
    const superseded = pipeline.job('v1');
    // Act: the same retry comes again (Scheduler and SQS deliver at least once), then v1's event.
    await pipeline.send(retry);
    await pipeline.send(event(V1));
    // Assess
    expect(pipeline.api.calls).toHaveLength(2);
    expect(pipeline.job('v1')).toEqual(superseded);
  });

  it('makes SKIPPED older versions SUPERSEDED when they are reprocessed, and delivers the newest', async () => {
    // Prepare: both versions land while the flag is off.
    pipeline.flag.enabled = false;
    await pipeline.send(event(V1));
    await pipeline.send(event(V2));
    pipeline.flag.enabled = true;
    // Act: b2a reprocess --skipped, which builds each envelope from the job.
    for (const job of [pipeline.job('v2'), pipeline.job('v1')]) {
      const object: ObjectRef = objectOfJob(job!);
      const run = { id: `r-${job!.versionId}`, startedAt: pipeline.clock.now().toISOString() };
      await pipeline.send(
        JSON.parse(encodeEnvelope({ kind: 'reprocess', object, run, attempt: 1, sentAt: run.startedAt })),
      );
    }
    // Assess
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v2']);
    expect(pipeline.job('v1')).toMatchObject({ status: 'SUPERSEDED', runId: 'r-v1' });
    expect(pipeline.job('v2')).toMatchObject({ status: 'SUCCEEDED', runId: 'r-v2' });
  });

  it('delivers the versions of a key that arrive in order, and duplicates of the newest once', async () => {
    await pipeline.send(event(V1));
    await pipeline.send(event(V2));
    await pipeline.send(event(V2));
    await pipeline.send(event(V3));
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v1', 'v2', 'v3']);
  });

  it('neither supersedes nor records a message that carries no sequencer (a backfill)', async () => {
    // Prepare
    await pipeline.send(event(V2));
    const object = { bucket: 'inbox', key: KEY, versionId: 'v1', etag: 'aaa', size: 8 };
    const run = { id: 'auto', startedAt: '2026-11-21T11:00:00.000Z' };
    // Act
    await pipeline.send(
      JSON.parse(encodeEnvelope({ kind: 'backfill', object, run, attempt: 1, sentAt: run.startedAt })),
    );
    // Assess
    expect(pipeline.job('v1')).toMatchObject({ status: 'SUCCEEDED' });
    expect(pipeline.versions.latest.get(`inbox/${KEY}`)).toMatchObject({ version: 'v2' });
  });

  it('notifies SUPERSEDED when notifications.on names it', async () => {
    pipeline = new Pipeline({ versions: 'latest', notifications: { on: ['FAILED', 'SUPERSEDED'] } });
    await pipeline.send(event(V2));
    await pipeline.send(event(V1));
    expect(pipeline.notifier.sent).toEqual([
      expect.objectContaining({ status: 'SUPERSEDED', job: expect.objectContaining({ versionId: 'v1' }) }),
    ]);
  });
});

describe('Versions: every (the default)', () => {
  it('delivers an older version whose event arrives late, as before', async () => {
    const pipeline = new Pipeline({});
    await pipeline.send(event(V2));
    await pipeline.send(event(V1));
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v2', 'v1']);
    expect(pipeline.versions.latest.size).toBe(0);
  });
});

describe('Dedupe: content', () => {
  it('records a new version with the last delivered version’s ETag SUCCEEDED without a call', async () => {
    // Prepare
    const pipeline = new Pipeline({ dedupe: 'content' });
    // Act: v2 re-uploads v1's content; v3 changes it; v4 puts v1's content back.
    await pipeline.send(event(V1));
    await pipeline.send(event({ ...V2, etag: '"aaa"' }));
    await pipeline.send(event(V3));
    await pipeline.send(event({ ...V3, versionId: 'v4', sequencer: '0062E99A88DC407700', etag: 'aaa' }));
    // Assess
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v1', 'v3', 'v4']);
    expect(pipeline.job('v2')).toMatchObject({ status: 'SUCCEEDED' });
    expect(pipeline.job('v2')?.history).toEqual([
      expect.objectContaining({
        outcome: 'unchanged',
        error: 'content unchanged since version v1 (ETag aaa): not sent',
      }),
    ]);
    expect(pipeline.notifier.sent.map((n) => [n.job.versionId, n.status])).toEqual([
      ['v1', 'SUCCEEDED'],
      ['v2', 'SUCCEEDED'],
      ['v3', 'SUCCEEDED'],
      ['v4', 'SUCCEEDED'],
    ]);
  });

  it('sends an explicit reprocess of unchanged content', async () => {
    const pipeline = new Pipeline({ dedupe: 'content' });
    await pipeline.send(event(V1));
    await pipeline.send(event({ ...V2, etag: 'aaa' }));
    const object = objectOfJob(pipeline.job('v2')!);
    const run = { id: 'r-1', startedAt: pipeline.clock.now().toISOString() };
    await pipeline.send(
      JSON.parse(
        encodeEnvelope({
          kind: 'reprocess',
          object,
          run,
          attempt: 1,
          requestedBy: 'alice',
          sentAt: run.startedAt,
        }),
      ),
    );
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v1', 'v2']);
  });

  it('sends identical content again with dedupe none (the default)', async () => {
    const pipeline = new Pipeline({});
    await pipeline.send(event(V1));
    await pipeline.send(event({ ...V2, etag: 'aaa' }));
    expect(pipeline.api.calls.map((c) => c.headers['b2a-version-id'])).toEqual(['v1', 'v2']);
  });
});
