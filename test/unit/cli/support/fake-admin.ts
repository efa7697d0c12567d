/** Hand-written in-memory admin ports, a fake terminal, and a way to run the CLI in-process against them. */
import { PassThrough } from 'node:stream';
import { ObjectAccessDeniedError, ObjectNotFoundError } from '../../../../pipeline-functions/core/errors.js';
import type { B2aEnvelope } from '../../../../pipeline-functions/core/messages.js';
import type { Job, JobStatus, ObjectRef } from '../../../../pipeline-functions/core/model.js';
import type {
  DeadLetter,
  DeadLetterQueue,
  FlagAdmin,
  FlagChange,
  FlagReading,
  Identity,
  IdentityProvider,
  JobQuery,
  JobRepository,
  JobUpdate,
  ObjectInfo,
  Page,
  PipelineMonitor,
  QueueStats,
  WorkQueue,
} from '../../../../pipeline-functions/core/ports.js';
import type { AdminSession } from '../../../../cli/backends/index.js';
import type { CliDeps } from '../../../../cli/context.js';
import type { GlobalOptions } from '../../../../cli/global-options.js';
import { main } from '../../../../cli/main.js';
import type { Terminal } from '../../../../cli/terminal.js';

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
  public async setEnabled(enabled: boolean): Promise<void> {
    this.writes++;
    this.enabled = enabled;
    this.changes.unshift({ enabled, at: NOW.toISOString(), by: 'arn:aws:iam::111111111111:user/admin' });
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
  public async listByStatus(query: JobQuery): Promise<Page<Job>> {
    this.queries.push(query);
    const all = [...this.jobs.values()]
      .filter((job) => job.status === query.status && (!query.since || job.updatedAt >= query.since))
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
  public async send(envelope: B2aEnvelope): Promise<void> {
    this.sent.push(envelope);
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
  public readonly queue = new FakeWorkQueue();
  public readonly monitor = new FakeMonitor();
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

/** A stream that keeps what is written to it. */
export interface CapturedStream {
  readonly stream: NodeJS.WriteStream;
  text(): string;
}

/** A writable stream (not a TTY unless asked) that records its text. */
export function capture(options: { isTTY?: boolean; columns?: number } = {}): CapturedStream {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  Object.assign(stream, { isTTY: options.isTTY ?? false, columns: options.columns ?? 80 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

/** A terminal whose streams are captured, with an empty environment unless given one. */
export function fakeTerminal(
  options: { isTTY?: boolean; columns?: number; env?: Record<string, string> } = {},
): { terminal: Terminal; stdout: CapturedStream; stderr: CapturedStream } {
  const stdout = capture(options);
  const stderr = capture(options);
  const input = new PassThrough();
  // What ink calls on a TTY's stdin to read keys in raw mode.
  const stdin = Object.assign(input, {
    isTTY: options.isTTY ?? false,
    setRawMode: () => input,
    ref: () => input,
    unref: () => input,
  }) as unknown as NodeJS.ReadStream;
  return {
    terminal: { stdout: stdout.stream, stderr: stderr.stream, stdin, env: options.env ?? {} },
    stdout,
    stderr,
  };
}

/** What one in-process run of the CLI did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The global options the backend was opened with, when it was. */
  readonly opened?: GlobalOptions;
}

/**
 * Runs `b2a <args>` in-process against fake ports: every environment opens `admin`.
 * @example const { code, stdout } = await runCli(['jobs', '--json'], admin);
 */
export async function runCli(
  args: readonly string[],
  admin: FakeAdmin,
  overrides: Partial<Omit<CliDeps, 'terminal' | 'openAdmin'>> & {
    env?: Record<string, string>;
    tty?: boolean;
  } = {},
): Promise<CliRun> {
  const { terminal, stdout, stderr } = fakeTerminal({
    env: overrides.env ?? {},
    isTTY: overrides.tty ?? false,
    columns: 100,
  });
  let opened: GlobalOptions | undefined;
  const deps: CliDeps = {
    terminal,
    openAdmin: async (options) => {
      opened = options;
      return admin;
    },
    clock: overrides.clock ?? { now: () => new Date(NOW) },
    ask: overrides.ask ?? (async () => false),
    sleep: overrides.sleep ?? (async () => undefined),
  };
  const code = await main(['node', 'b2a', ...args], deps);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text(), ...(opened ? { opened } : {}) };
}
