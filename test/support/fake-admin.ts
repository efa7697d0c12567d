/** Hand-written in-memory admin ports (what the `b2a` use cases reach), for core and CLI tests. */
import { ObjectAccessDeniedError, ObjectNotFoundError } from '../../pipeline-functions/core/errors.js';
import { encodeEnvelope, type B2aEnvelope } from '../../pipeline-functions/core/messages.js';
import type { Job, JobStatus, ObjectRef } from '../../pipeline-functions/core/model.js';
import type {
  AdminSession,
  BucketListing,
  CheckpointStore,
  DeadLetter,
  DeadLetterQueue,
  FlagAdmin,
  FlagChange,
  FlagReading,
  FlagValue,
  Identity,
  IdentityProvider,
  JobQuery,
  JobRepository,
  JobUpdate,
  ListedObject,
  ListingQuery,
  CircuitBreakerStore,
  ObjectInfo,
  Pacer,
  Page,
  PipeControl,
  PipelineMonitor,
  QueueSendResult,
  QueueStats,
  WorkQueue,
} from '../../pipeline-functions/core/ports.js';

export const NOW = new Date('2026-11-21T12:00:00.000Z');

export class FakeFlagAdmin implements FlagAdmin {
  public readonly changes: FlagChange[] = [];
  public writes = 0;
  /** What the stored value reads as, when set: overrides `enabled`. */
  public reading?: FlagReading;
  public constructor(public enabled = true) {}
  public async read(): Promise<FlagReading> {
    return this.reading ?? { state: this.enabled ? 'on' : 'off' };
  }
  public async isEnabled(): Promise<boolean> {
    return (await this.read()).state === 'on';
  }
  public async set(value: FlagValue): Promise<void> {
    this.writes++;
    this.enabled = value === 'on';
    this.reading = { state: value };
    this.changes.unshift({
      enabled: value === 'on',
      value,
      at: NOW.toISOString(),
      by: 'arn:aws:iam::111111111111:user/admin',
    });
  }
  public async history(limit: number): Promise<FlagChange[]> {
    return this.changes.slice(0, limit);
  }
}

/** Jobs in memory, paginated with cursors like the DynamoDB repository, recording every query. */
export class FakeJobRepository implements JobRepository {
  public readonly jobs = new Map<string, Job>();
  public readonly queries: JobQuery[] = [];
  public readonly gets: string[] = [];
  /** What `get` returns on successive calls for a job id, before falling back to the map. */
  public readonly script = new Map<string, (Job | undefined)[]>();
  public add(...jobs: Job[]): this {
    for (const job of jobs) this.jobs.set(job.jobId, job);
    return this;
  }
  public async get(jobId: string): Promise<Job | undefined> {
    this.gets.push(jobId);
    const scripted = this.script.get(jobId);
    if (scripted && scripted.length > 0) return scripted.shift();
    return this.jobs.get(jobId);
  }
  public async record(_update: JobUpdate): Promise<Job | undefined> {
    throw new Error('the CLI never records jobs');
  }
  public async recordAll(_updates: readonly JobUpdate[]): Promise<PromiseSettledResult<Job | undefined>[]> {
    throw new Error('the CLI never records jobs');
  }
  public async listByStatus(query: JobQuery): Promise<Page<Job>> {
    this.queries.push(query);
    const all = [...this.jobs.values()]
      .filter((job) => job.status === query.status && (!query.since || job.updatedAt >= query.since))
      .filter((job) => answeredIn(job, query.lastHttpStatus))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = start + (query.limit ?? 50);
    return { items: all.slice(start, end), ...(end < all.length ? { cursor: String(end) } : {}) };
  }
  public async listByKey(bucket: string, key: string): Promise<Job[]> {
    return [...this.jobs.values()].filter((job) => job.bucket === bucket && job.key === key);
  }
  public async countByStatus(status: JobStatus, since?: string): Promise<number> {
    return [...this.jobs.values()].filter(
      (job) => job.status === status && (!since || job.updatedAt >= since),
    ).length;
  }
  /** Each call's ids, to check that lookups are batched and each job is read once. */
  public readonly batches: string[][] = [];
  public async getMany(jobIds: readonly string[]): Promise<ReadonlyMap<string, Job>> {
    this.batches.push([...jobIds]);
    return new Map(jobIds.flatMap((id) => (this.jobs.has(id) ? [[id, this.jobs.get(id) as Job]] : [])));
  }
}

export class FakeObjects {
  public readonly objects = new Map<string, ObjectInfo>();
  public readonly heads: ObjectRef[] = [];
  /** `bucket/key`s S3 answers 403 for. */
  public readonly denied = new Set<string>();
  public put(bucket: string, key: string, info: Partial<ObjectInfo> = {}): this {
    this.objects.set(`${bucket}/${key}`, { size: 5, contentType: 'text/plain', ...info });
    return this;
  }
  public async head(ref: ObjectRef): Promise<ObjectInfo> {
    this.heads.push(ref);
    if (this.denied.has(`${ref.bucket}/${ref.key}`)) {
      throw new ObjectAccessDeniedError(`s3://${ref.bucket}/${ref.key}`);
    }
    const info = this.objects.get(`${ref.bucket}/${ref.key}`);
    if (!info || (ref.versionId && info.versionId && ref.versionId !== info.versionId)) {
      throw new ObjectNotFoundError(`s3://${ref.bucket}/${ref.key}`);
    }
    return info;
  }
}

export class FakeWorkQueue implements WorkQueue {
  public readonly sent: B2aEnvelope[] = [];
  /** Sizes of the batches sent. */
  public readonly batches: number[] = [];
  /** Keys the queue refuses in a batch (a partial failure). */
  public readonly refused = new Set<string>();
  public async send(envelope: B2aEnvelope): Promise<void> {
    this.sent.push(envelope);
  }
  /**
   * Through `send`, so a test that replaces `send` sees batched messages too; an envelope whose
   * `send` throws is a refused entry, as SQS answers a partial failure.
   */
  public async sendBatch(envelopes: readonly B2aEnvelope[]): Promise<readonly QueueSendResult[]> {
    this.batches.push(envelopes.length);
    const results: QueueSendResult[] = [];
    for (const envelope of envelopes) {
      try {
        if (this.refused.has(envelope.object.key)) throw new Error('InternalError');
        await this.send(envelope);
        results.push({ sent: true });
      } catch (error) {
        results.push({ sent: false, reason: `${(error as Error).name}: ${(error as Error).message}` });
      }
    }
    return results;
  }
}

/** A bucket listing over objects in memory, in key order, `pageSize` a page. */
export class FakeListing implements BucketListing {
  public readonly objects: ListedObject[] = [];
  public readonly queries: ListingQuery[] = [];
  public constructor(public pageSize = 1000) {}
  public add(key: string, o: Partial<ListedObject> = {}): this {
    this.objects.push({
      bucket: 'inbox',
      key,
      versionId: 'v1',
      etag: '"e1"',
      size: 12,
      lastModified: '2026-11-21T10:00:00.000Z',
      isLatest: true,
      ...o,
    });
    return this;
  }
  public async *pages(query: ListingQuery): AsyncIterable<readonly ListedObject[]> {
    this.queries.push(query);
    const order = (o: Pick<ListedObject, 'key' | 'versionId'>): string =>
      `${o.key}\u0000${o.versionId ?? ''}`;
    const sorted = [...this.objects].sort((a, b) => order(a).localeCompare(order(b)));
    const after = query.startAfter;
    const start = after ? sorted.findIndex((o) => order(o) > order(after)) : 0;
    const selected = (start < 0 ? [] : sorted.slice(start)).filter(
      (o) => o.key.startsWith(query.prefix) && (query.versions === 'all' || o.isLatest),
    );
    for (let i = 0; i < selected.length; i += this.pageSize) yield selected.slice(i, i + this.pageSize);
  }
}

/** Checkpoints in memory. */
export class FakeCheckpoints implements CheckpointStore {
  public readonly values = new Map<string, unknown>();
  public writes = 0;
  public async read(name: string): Promise<unknown> {
    return this.values.get(name);
  }
  public async write(name: string, value: unknown): Promise<void> {
    this.writes++;
    this.values.set(name, structuredClone(value));
  }
  public async remove(name: string): Promise<void> {
    this.values.delete(name);
  }
}

const EMPTY_QUEUE: QueueStats = { visible: 0, inFlight: 0, delayed: 0 };

export class FakeMonitor implements PipelineMonitor {
  public source: QueueStats = { visible: 3, inFlight: 1, delayed: 0, oldestAgeSeconds: 125 };
  public deadLetter: QueueStats = EMPTY_QUEUE;
  public state = 'RUNNING';
  public async queueStats(): Promise<{ source: QueueStats; deadLetter: QueueStats }> {
    return { source: this.source, deadLetter: this.deadLetter };
  }
  public async pipeState(): Promise<string> {
    return this.state;
  }
}

/** A pipe that moves when asked, telling the monitor (as DescribePipe would, once it settles). */
export class FakePipe implements PipeControl {
  public readonly calls: ('stop' | 'start')[] = [];
  public constructor(private readonly monitor: FakeMonitor) {}
  public async stop(): Promise<string> {
    this.calls.push('stop');
    this.monitor.state = 'STOPPED';
    return 'STOPPING';
  }
  public async start(): Promise<string> {
    this.calls.push('start');
    this.monitor.state = 'RUNNING';
    return 'STARTING';
  }
}

/** Records each take, with how many envelopes the queue had been given by then. */
export class FakePacer implements Pacer {
  public readonly takes: { readonly permits: number; readonly sentBefore: number }[] = [];
  public constructor(private readonly queue: FakeWorkQueue) {}
  public async take(permits: number): Promise<void> {
    this.takes.push({ permits, sentBefore: this.queue.sent.length });
  }
}

export class FakeDeadLetters implements DeadLetterQueue {
  public readonly letters: DeadLetter[] = [];
  public redrives = 0;
  public async list(limit: number): Promise<DeadLetter[]> {
    return this.letters.slice(0, limit);
  }
  public async redrive(): Promise<{ moved?: number }> {
    this.redrives++;
    return { moved: this.letters.length };
  }
}

export class FakeIdentity implements IdentityProvider {
  public constructor(
    public identity: Identity = { arn: 'arn:aws:iam::111111111111:user/admin', account: '111111111111' },
  ) {}
  public async whoami(): Promise<Identity> {
    return this.identity;
  }
}

/** A full set of fake admin ports, each part reachable for setup and assertions. */
export class FakeAdmin implements AdminSession {
  public readonly flag = new FakeFlagAdmin();
  public readonly jobs = new FakeJobRepository();
  public readonly objects = new FakeObjects();
  public readonly listing = new FakeListing();
  public filters = { prefix: '', suffix: '' };
  public readonly checkpoints = new FakeCheckpoints();
  public readonly queue = new FakeWorkQueue();
  public readonly monitor = new FakeMonitor();
  /** Absent unless a test gives the fake a pipe to stop (AWS), as `FakePipe`. */
  public pipe?: FakePipe;
  public circuit?: Pick<CircuitBreakerStore, 'read'>;
  public readonly pacer = new FakePacer(this.queue);
  public readonly deadLetters = new FakeDeadLetters();
  public readonly identity = new FakeIdentity();
  public closed = 0;
  public constructor(
    public readonly environment = 'dev',
    public readonly bucket = 'inbox',
  ) {}
  public async close(): Promise<void> {
    this.closed++;
  }
}

/** A job as the pipeline records it, with sensible defaults. */
export function job(key: string, o: Partial<Job> = {}): Job {
  const versionId = o.versionId ?? 'v1';
  const bucket = o.bucket ?? 'inbox';
  return {
    jobId: `${bucket}/${key}#${versionId}`,
    bucket,
    key,
    versionId,
    etag: 'e1',
    size: 12,
    status: 'SUCCEEDED',
    runId: 'auto',
    runStartedAt: '2026-11-21T10:00:00.000Z',
    attempt: 1,
    attempts: 1,
    runs: 1,
    firstAttemptAt: o.updatedAt ?? '2026-11-21T10:00:01.000Z',
    lastAttemptAt: o.updatedAt ?? '2026-11-21T10:00:01.000Z',
    history: [
      {
        at: o.updatedAt ?? '2026-11-21T10:00:01.000Z',
        runId: 'auto',
        attempt: 1,
        origin: 's3-event',
        outcome: 'delivered',
        httpStatus: 200,
        latencyMs: 42,
      },
    ],
    lastHttpStatus: 200,
    idempotencyKey: 'k1',
    createdAt: '2026-11-21T10:00:01.000Z',
    updatedAt: '2026-11-21T10:00:01.000Z',
    ...o,
  };
}

/** Admin ports whose bucket holds `a.csv` (version v7) and `dir/b c.csv` (unversioned). */
export function withObjects(): FakeAdmin {
  const admin = new FakeAdmin();
  admin.objects.put('inbox', 'a.csv', { versionId: 'v7', etag: '"e7"', size: 10 });
  admin.objects.put('inbox', 'dir/b c.csv', { etag: '"eb"', size: 20 });
  return admin;
}

/** Admin ports with one SUCCEEDED, one FAILED (HTTP 503, 8 attempts) and one RETRYING job. */
export function withJobs(): FakeAdmin {
  const admin = new FakeAdmin();
  admin.jobs.add(
    job('ok.csv', { updatedAt: '2026-11-21T11:00:00.000Z' }),
    job('bad.csv', {
      status: 'FAILED',
      attempts: 8,
      lastHttpStatus: 503,
      lastError: 'HTTP 503: upstream unavailable',
      updatedAt: '2026-11-21T11:30:00.000Z',
    }),
    job('later.csv', { status: 'RETRYING', attempts: 2, updatedAt: '2026-11-21T11:45:00.000Z' }),
  );
  return admin;
}

/** Prod admin ports with jobs updated on both sides of 2026-11-20T12:00Z and two dead letters. */
export function statusAdmin(): FakeAdmin {
  const a = new FakeAdmin('prod');
  a.jobs.add(
    job('a', { updatedAt: '2026-11-21T11:00:00.000Z' }),
    job('b', { status: 'FAILED', updatedAt: '2026-11-21T11:00:00.000Z' }),
    job('old', { status: 'FAILED', updatedAt: '2026-11-19T11:00:00.000Z' }),
  );
  a.monitor.deadLetter = { visible: 2, inFlight: 0, delayed: 0 };
  return a;
}

/** Bodies of dead letters: an EventBridge S3 event and a b2a retry envelope. */
export const DEAD_LETTER_BODIES = {
  s3Event: JSON.stringify({
    source: 'aws.s3',
    'detail-type': 'Object Created',
    time: '2026-11-21T10:00:00Z',
    detail: { bucket: { name: 'inbox' }, object: { key: 'a b.csv', size: 3, etag: 'e', 'version-id': 'v1' } },
  }),
  retry: encodeEnvelope({
    kind: 'retry',
    object: { bucket: 'inbox', key: 'r.csv' },
    run: { id: 'auto', startedAt: '2026-11-21T10:00:00Z' },
    attempt: 3,
    sentAt: '2026-11-21T10:05:00Z',
  }),
};

/** Whether a job's latest answer is in one of `ranges` (no ranges: any job), as the repository filters. */
export function answeredIn(job: Job, ranges: JobQuery['lastHttpStatus']): boolean {
  if (!ranges) return true;
  const status = job.lastHttpStatus;
  return status !== undefined && ranges.some((range) => status >= range.from && status <= range.to);
}
