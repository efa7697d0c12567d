/** Hand-written in-memory fakes of the core ports, for core and handler tests. */
import { answeredIn } from './fake-admin.js';
import { ObjectNotFoundError } from '../../pipeline-functions/core/errors.js';
import type { B2aEnvelope } from '../../pipeline-functions/core/messages.js';
import {
  isNewerThan,
  jobIdOf,
  versionToken,
  type Job,
  type ObjectRef,
} from '../../pipeline-functions/core/model.js';
import type {
  ApiRequest,
  ApiResponse,
  CircuitBreakerStore,
  CircuitNotification,
  CircuitState,
  Clock,
  DownstreamApi,
  EnabledFlag,
  FlagReading,
  JobNotification,
  JobQuery,
  JobRepository,
  JobUpdate,
  LatestVersion,
  LatestVersions,
  Notifier,
  ObjectInfo,
  ObjectSource,
  Page,
  PresignedUrl,
  RateLimitStore,
  RateSlot,
  RetryScheduler,
  ScheduleTiming,
} from '../../pipeline-functions/core/ports.js';
import { compareSequencers } from '../../pipeline-functions/core/versions.js';

export class FakeClock implements Clock {
  public constructor(public current = new Date('2026-11-21T12:00:00.000Z')) {}
  public now(): Date {
    return new Date(this.current);
  }
  public advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

export class FakeFlag implements EnabledFlag {
  public reads = 0;
  /** What the stored value reads as, when set: overrides `enabled`. */
  public reading?: FlagReading;
  public constructor(public enabled = true) {}
  public async read(): Promise<FlagReading> {
    this.reads++;
    return this.reading ?? { state: this.enabled ? 'on' : 'off' };
  }
}

export class FakeObjects implements ObjectSource {
  public readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();
  public reads = 0;
  /** Signs with this clock's time, so each URL names when it was made. */
  public clock: Clock = new FakeClock();
  /** Seconds the signing credentials have left, when they would cut a URL short. */
  public credentialSeconds?: number;
  public heads = 0;
  /** Full-object SHA-256s (base64) the store holds, by `bucket/key`: HeadObject returns them. */
  public readonly sha256s = new Map<string, string>();
  public put(bucket: string, key: string, body: string | Uint8Array, contentType = 'text/plain'): void {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    this.objects.set(`${bucket}/${key}`, { body: bytes, contentType });
  }
  public async head(ref: ObjectRef): Promise<ObjectInfo> {
    this.heads++;
    const o = this.objects.get(`${ref.bucket}/${ref.key}`);
    if (!o) throw new ObjectNotFoundError(`s3://${ref.bucket}/${ref.key}`);
    const sha256 = this.sha256s.get(`${ref.bucket}/${ref.key}`);
    return { size: o.body.byteLength, contentType: o.contentType, ...(sha256 ? { sha256 } : {}) };
  }
  public async read(ref: ObjectRef): Promise<{ body: Uint8Array; info: ObjectInfo }> {
    this.reads++;
    const o = this.objects.get(`${ref.bucket}/${ref.key}`);
    if (!o) throw new ObjectNotFoundError(`s3://${ref.bucket}/${ref.key}`);
    return { body: o.body, info: { size: o.body.byteLength, contentType: o.contentType } };
  }
  public async presign(ref: ObjectRef, expiresInSeconds: number): Promise<PresignedUrl> {
    const now = this.clock.now();
    const lifetime = Math.min(expiresInSeconds, this.credentialSeconds ?? expiresInSeconds);
    return {
      url: `https://signed.example/${encodeURIComponent(ref.key)}?date=${now.toISOString()}&expires=${lifetime}`,
      expiresAt: new Date(now.getTime() + lifetime * 1000),
    };
  }
}

/** A programmable API: answers from a queue of responses (or errors), then with `fallback`. */
export class FakeApi implements DownstreamApi {
  public readonly calls: ApiRequest[] = [];
  public readonly script: (ApiResponse | Error)[] = [];
  public fallback: ApiResponse = { status: 200, latencyMs: 5 };
  public async call(request: ApiRequest): Promise<ApiResponse> {
    this.calls.push(request);
    const next = this.script.shift() ?? this.fallback;
    if (next instanceof Error) throw next;
    return next;
  }
}

/** An in-memory job repository applying the same conditional rule as the DynamoDB one. */
export class FakeJobs implements JobRepository {
  public readonly jobs = new Map<string, Job>();
  public failRecord?: Error;
  public async get(jobId: string): Promise<Job | undefined> {
    return this.jobs.get(jobId);
  }
  public async record(u: JobUpdate): Promise<Job | undefined> {
    if (this.failRecord) throw this.failRecord;
    const jobId = jobIdOf(u.object);
    const previous = this.jobs.get(jobId);
    if (!isNewerThan(previous, u.run, u.attempt, u.deferral)) return undefined;
    const attempt =
      'entry' in u
        ? {
            attempts: (previous?.attempts ?? 0) + 1,
            firstAttemptAt: previous?.firstAttemptAt ?? u.entry.at,
            lastAttemptAt: u.entry.at,
            history: [...(previous?.history ?? []), u.entry].slice(-u.historyLimit),
            ...(u.entry.httpStatus !== undefined ? { lastHttpStatus: u.entry.httpStatus } : {}),
            ...(u.entry.error ? { lastError: u.entry.error } : {}),
          }
        : {
            attempts: previous?.attempts ?? 0,
            firstAttemptAt: previous?.firstAttemptAt ?? u.deferred.at,
            lastAttemptAt: previous?.lastAttemptAt ?? u.deferred.at,
            history: previous?.history ?? [],
            ...(previous?.lastHttpStatus !== undefined ? { lastHttpStatus: previous.lastHttpStatus } : {}),
            ...(previous?.lastError ? { lastError: previous.lastError } : {}),
            note: u.deferred.note,
          };
    const at = 'entry' in u ? u.entry.at : u.deferred.at;
    const job: Job = {
      jobId,
      bucket: u.object.bucket,
      key: u.object.key,
      ...(u.object.versionId ? { versionId: u.object.versionId } : {}),
      ...(u.object.etag ? { etag: u.object.etag } : {}),
      ...((u.object.sequencer ?? previous?.sequencer)
        ? { sequencer: u.object.sequencer ?? previous?.sequencer }
        : {}),
      status: u.status,
      runId: u.run.id,
      runStartedAt: u.run.startedAt,
      attempt: u.attempt,
      ...(u.deferral ? { deferral: u.deferral } : {}),
      runs: !previous ? 1 : previous.runId === u.run.id ? previous.runs : previous.runs + 1,
      ...attempt,
      ...(u.nextAttemptAt ? { nextAttemptAt: u.nextAttemptAt } : {}),
      idempotencyKey: u.idempotencyKey,
      createdAt: previous?.createdAt ?? at,
      updatedAt: at,
    };
    this.jobs.set(jobId, job);
    return job;
  }
  /** Records in order, each update seeing the one before, as the DynamoDB repository does. */
  public async recordAll(updates: readonly JobUpdate[]): Promise<PromiseSettledResult<Job | undefined>[]> {
    this.recordAllCalls.push(updates.length);
    return Promise.allSettled(updates.map((u) => this.record(u)));
  }
  /** The size of each `recordAll` batch. */
  public readonly recordAllCalls: number[] = [];
  public async listByStatus(q: JobQuery): Promise<Page<Job>> {
    const items = [...this.jobs.values()]
      .filter((j) => j.status === q.status && (!q.since || j.updatedAt >= q.since))
      .filter((j) => answeredIn(j, q.lastHttpStatus))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { items: items.slice(0, q.limit ?? items.length) };
  }
  /** The ids each `getMany` was asked for. */
  public readonly batchReads: string[][] = [];
  public async getMany(jobIds: readonly string[]): Promise<ReadonlyMap<string, Job>> {
    this.batchReads.push([...jobIds]);
    return new Map(jobIds.flatMap((id) => (this.jobs.has(id) ? [[id, this.jobs.get(id) as Job]] : [])));
  }
  public async listByKey(bucket: string, key: string): Promise<Job[]> {
    return [...this.jobs.values()].filter((j) => j.bucket === bucket && j.key === key);
  }
  public async countByStatus(status: string): Promise<number> {
    return [...this.jobs.values()].filter((j) => j.status === status).length;
  }
}

/** The newest version of each key, in memory, moving forward only as the DynamoDB one does. */
export class FakeLatestVersions implements LatestVersions {
  public readonly latest = new Map<string, LatestVersion>();
  public async advance(object: ObjectRef & { sequencer: string }, seenAt: string): Promise<LatestVersion> {
    const name = `${object.bucket}/${object.key}`;
    const recorded = this.latest.get(name);
    if (recorded && compareSequencers(recorded.sequencer, object.sequencer) >= 0) return recorded;
    const seen = { sequencer: object.sequencer, version: versionToken(object), seenAt };
    this.latest.set(name, seen);
    return seen;
  }
}

export class FakeScheduler implements RetryScheduler {
  public readonly scheduled: { envelope: B2aEnvelope; at: Date }[] = [];
  public fail?: Error;
  public constructor(
    public readonly timing: ScheduleTiming = { minimumLeadSeconds: 0, precisionSeconds: 1 },
  ) {}
  public async schedule(envelope: B2aEnvelope, at: Date): Promise<void> {
    if (this.fail) throw this.fail;
    this.scheduled.push({ envelope, at });
  }
}

export class FakeNotifier implements Notifier {
  public readonly sent: JobNotification[] = [];
  public readonly circuit: CircuitNotification[] = [];
  public fail?: Error;
  public async notify(n: JobNotification): Promise<void> {
    if (this.fail) throw this.fail;
    this.sent.push(n);
  }
  public async notifyCircuit(n: CircuitNotification): Promise<void> {
    if (this.fail) throw this.fail;
    this.circuit.push(n);
  }
}

/** An EventBridge S3 "Object Created" event, as documented. */
export function s3Event(
  key: string,
  o: {
    bucket?: string;
    size?: number;
    etag?: string;
    versionId?: string;
    time?: string;
    sequencer?: string;
  } = {},
) {
  return {
    version: '0',
    id: `evt-${key.length}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111111111111',
    time: o.time ?? '2026-11-21T11:59:00Z',
    region: 'us-east-1',
    resources: [`arn:aws:s3:::${o.bucket ?? 'inbox'}`],
    detail: {
      version: '0',
      bucket: { name: o.bucket ?? 'inbox' },
      object: {
        key,
        size: o.size ?? 5,
        etag: o.etag ?? 'd41d8cd98f00b204e9800998ecf8427e',
        ...(o.versionId ? { 'version-id': o.versionId } : {}),
        sequencer: o.sequencer ?? '0062E99A88DC407460',
      },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '111111111111',
      'source-ip-address': '1.2.3.4',
      reason: 'PutObject',
    },
  };
}

/** An SQS record as Pipes hands it to the enrichment. */
export function sqsRecord(messageId: string, body: unknown) {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1763726400000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1763726400001',
    },
    messageAttributes: {},
    md5OfBody: 'x',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:111111111111:b2a-dev-source',
    awsRegion: 'us-east-1',
  };
}

/** In-memory admission state: the rate limit slots' counts and the circuit breaker, as the DynamoDB store keeps them. */
export class FakeAdmissionStore implements RateLimitStore, CircuitBreakerStore {
  public readonly slots = new Map<string, number>();
  public circuit: CircuitState = { state: 'closed', failures: 0, deferred: 0 };
  public writes = 0;
  public async add(slot: RateSlot, calls: number): Promise<number> {
    this.writes++;
    const count = (this.slots.get(slot.key) ?? 0) + calls;
    this.slots.set(slot.key, count);
    return count;
  }
  public async read(): Promise<CircuitState> {
    return { ...this.circuit };
  }
  public async addFailures(count: number, lastError: string): Promise<CircuitState> {
    this.circuit = { ...this.circuit, failures: this.circuit.failures + count, lastError };
    return { ...this.circuit };
  }
  public async resetFailures(): Promise<void> {
    if (this.circuit.state === 'closed') this.circuit = { ...this.circuit, failures: 0 };
  }
  public async open(input: {
    at: Date;
    reason: string;
    lastError: string;
    nextProbeAt: Date;
  }): Promise<boolean> {
    if (this.circuit.state === 'open') return false;
    this.circuit = {
      ...this.circuit,
      state: 'open',
      openedAt: input.at.toISOString(),
      reason: input.reason,
      lastError: input.lastError,
      nextProbeAt: input.nextProbeAt.toISOString(),
      deferred: 0,
    };
    return true;
  }
  public async claimProbe(now: Date, nextProbeAt: Date): Promise<boolean> {
    if (this.circuit.state !== 'open' || (this.circuit.nextProbeAt ?? '') > now.toISOString()) return false;
    this.circuit = { ...this.circuit, nextProbeAt: nextProbeAt.toISOString() };
    return true;
  }
  public async close(at: Date): Promise<boolean> {
    if (this.circuit.state !== 'open') return false;
    const { nextProbeAt: _next, ...rest } = this.circuit;
    this.circuit = { ...rest, state: 'closed', failures: 0, closedAt: at.toISOString() };
    return true;
  }
  public async addDeferred(count: number): Promise<void> {
    if (this.circuit.state === 'open')
      this.circuit = { ...this.circuit, deferred: this.circuit.deferred + count };
  }
}
