/**
 * The local runtime: the whole pipeline on one machine with no AWS account, the composition root
 * of the local adapters. It runs the same handlers as the Lambda functions
 * (`createEnrichmentHandler`, `createTargetHandler`) on events in the AWS shapes.
 *
 * Services start in order and stop in reverse: the jobs store (dynalite), the object server behind
 * presigned URLs, the demo API (when no API URL is given), the retry timers, the pipe, the inbox.
 *
 * @example
 * const runtime = await startLocalRuntime({ dataDir: '.b2a' });
 * await writeFile(join(runtime.inboxDir, 'hello.json'), '{"hello":"world"}');
 * await runtime.idle();
 * await runtime.stop();
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { HttpDownstreamApi } from '../adapters/http/downstream-api.js';
import { DirectoryObjectSource } from '../adapters/local/directory-object-source.js';
import { DurableQueue } from '../adapters/local/durable-queue.js';
import { FileFlagAdmin } from '../adapters/local/file-flag.js';
import { FileNotifier, type NotificationLine } from '../adapters/local/file-notifier.js';
import { hasErrorCode, writeFileAtomic } from '../adapters/local/files.js';
import { localUserName } from '../adapters/local/local-identity.js';
import { LocalRetryScheduler } from '../adapters/local/local-retry-scheduler.js';
import { LocalWorkQueue } from '../adapters/local/local-work-queue.js';
import { credentialFromEnv, type PipelineConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { JOB_STATUSES, type Job, type JobStatus } from '../core/model.js';
import {
  systemClock,
  type Clock,
  type FlagAdmin,
  type JobRepository,
  type WorkQueue,
} from '../core/ports.js';
import { createEnrichmentHandler } from '../handlers/enrichment.js';
import { createTargetHandler } from '../handlers/target.js';
import { Activity, type ActivitySnapshot } from './activity.js';
import { localPaths, LOCAL_TABLE_NAME, type LocalPaths } from './data-dir.js';
import { DemoApi } from './demo-api.js';
import { DynamoStore } from './dynamo-store.js';
import { IdleTimeoutError, RuntimeAlreadyRunningError } from './errors.js';
import { InboxWatcher } from './inbox-watcher.js';
import { describeError, RuntimeLog, type LogSink } from './log.js';
import { ObjectServer } from './object-server.js';
import { LocalPipe, type BatchSummary } from './pipe.js';
import { findLiveRuntime, removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.js';
import {
  loadLocalConfig,
  resolvePipelineConfig,
  type LocalConfigInput,
  type LocalSettings,
} from './settings.js';
import { startServices } from './service.js';

/** Options of {@link startLocalRuntime}. */
export interface LocalRuntimeOptions {
  /** The data directory (created if missing). */
  readonly dataDir: string;
  /** A real downstream API; without it (and without `api.url` in the config) the demo API is started. */
  readonly apiUrl?: string;
  /** A config file; default `<dataDir>/config.json` when it exists. */
  readonly configFile?: string;
  /** Config on top of the file (same shape: pipeline schema plus `local`). */
  readonly config?: LocalConfigInput;
  /** Where log entries go. @default nowhere */
  readonly log?: LogSink;
  /** Let the demo API misbehave for keys containing `reject` or `flaky` (the demo tour). @default false */
  readonly demoApiScenarios?: boolean;
  /** Environment variables for `api.auth` of type `env`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** Something the runtime did, for tests, the dashboard and the benchmark. */
export type RuntimeEvent =
  | { readonly type: 'object-created'; readonly key: string; readonly etag: string; readonly size: number }
  | { readonly type: 'job'; readonly job: Job }
  | { readonly type: 'notification'; readonly notification: NotificationLine }
  | { readonly type: 'batch'; readonly summary: BatchSummary }
  | { readonly type: 'dead-letter'; readonly messageId: string; readonly reason: string }
  | { readonly type: 'retry-sent'; readonly jobId: string; readonly attempt: number };

/** What is still going on, as `idle()` sees it. */
export interface PendingWork {
  /** Files in the inbox not yet turned into events. */
  readonly inbox: number;
  /** Messages on the source queue (visible, in flight or waiting for their visibility timeout). */
  readonly queued: number;
  /** Retries scheduled for later. */
  readonly retries: number;
}

/** A running local runtime. */
export interface LocalRuntime {
  readonly dataDir: string;
  readonly paths: LocalPaths;
  /** Drop files here: the directory is the bucket {@link bucket}, subfolders are key prefixes. */
  readonly inboxDir: string;
  readonly bucket: string;
  readonly config: PipelineConfig;
  readonly settings: LocalSettings;
  /** The API called for each object. */
  readonly apiUrl: string;
  /** The built-in demo API's delivery URL, when it runs. */
  readonly demoApi?: DemoApi;
  /** dynalite, `http://127.0.0.1:<port>`: the CLI reaches the jobs here. */
  readonly dynamodbEndpoint: string;
  readonly objectServerUrl: string;
  readonly jobs: JobRepository;
  readonly flag: FlagAdmin;
  /** The source queue (a reprocess sends here). */
  readonly queue: WorkQueue;
  /** Subscribes to what happens. @returns unsubscribe */
  onEvent(listener: (event: RuntimeEvent) => void): () => void;
  activity(): ActivitySnapshot;
  /** Jobs in the store by status. */
  jobCounts(): Promise<Record<JobStatus, number>>;
  /** What is still pending. */
  pending(): Promise<PendingWork>;
  /**
   * Resolves once nothing is pending: every inbox file emitted, the queue empty, no retry scheduled.
   * @throws IdleTimeoutError after `timeoutMs` (default 30 s), saying what is still pending.
   */
  idle(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Stops cleanly: stops taking files, finishes the batches in hand, stops the servers. */
  stop(): Promise<void>;
}

/** Reads the data directory's HMAC secret, creating it on first use. */
async function loadSecret(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
  }
  try {
    await writeFileAtomic(path, randomBytes(32), { exclusive: true });
  } catch (error) {
    if (!hasErrorCode(error, 'EEXIST')) throw error;
  }
  return readFile(path);
}

/** The credential for `api.auth`, locally from an environment variable. */
function resolveCredential(
  config: PipelineConfig,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  const { auth } = config.api;
  if (auth.type === 'none') return undefined;
  if (auth.type === 'secret') {
    throw new ConfigError(
      'api.auth',
      'type "secret" reads Secrets Manager, which is AWS-only; locally use {"type": "env", "variable": "MY_API_TOKEN"}',
    );
  }
  return credentialFromEnv(auth, env);
}

/** A job repository that reports every recorded job. */
function observed(jobs: JobRepository, onRecorded: (job: Job) => void): JobRepository {
  return {
    get: (jobId) => jobs.get(jobId),
    record: async (update) => {
      const job = await jobs.record(update);
      if (job) onRecorded(job);
      return job;
    },
    listByStatus: (query) => jobs.listByStatus(query),
    listByKey: (bucket, key) => jobs.listByKey(bucket, key),
    countByStatus: (status, since) => jobs.countByStatus(status, since),
  };
}

/**
 * Starts the local runtime on a data directory.
 * @throws RuntimeAlreadyRunningError, StoreLockedError, PortInUseError, ConfigError
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const dataDir = resolve(options.dataDir);
  const paths = localPaths(dataDir);
  const clock = options.clock ?? systemClock;
  const log = new RuntimeLog(options.log);
  const listeners = new Set<(event: RuntimeEvent) => void>();
  const emit = (event: RuntimeEvent): void => {
    for (const listener of listeners) {
      // A subscriber's bug must not turn into a delivery failure: it is logged, the pipeline goes on.
      try {
        listener(event);
      } catch (error) {
        log.error('listener', `a runtime event listener failed on ${event.type}: ${describeError(error)}`);
      }
    }
  };
  const activity = new Activity();

  const loaded = await loadLocalConfig({
    defaultFile: paths.config,
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.config ? { overrides: options.config } : {}),
  });
  const { settings } = loaded;
  const configSource = loaded.file ?? 'local configuration';
  const givenApiUrl = options.apiUrl ?? loaded.input.api?.url;

  await mkdir(paths.inbox, { recursive: true });
  const running = await findLiveRuntime(paths.runtime);
  if (running) throw new RuntimeAlreadyRunningError(dataDir, running.pid);

  const secret = await loadSecret(paths.secret);
  const durable = settings.queue.durable;
  const source = new DurableQueue({
    dir: paths.sourceQueue,
    durable,
    clock,
    onBadFile: (file, error) =>
      log.error('queue', `skipping unreadable message file ${file}: ${describeError(error)}`),
  });
  const deadLetter = new DurableQueue({ dir: paths.deadLetterQueue, durable, clock });

  const store = new DynamoStore({
    path: paths.dynamodb,
    dataDir,
    tableName: LOCAL_TABLE_NAME,
    port: settings.ports.dynamodb,
  });
  const objects = new DirectoryObjectSource({
    root: paths.inbox,
    bucket: settings.bucket,
    // The object server's URL is known once it listens, before anything presigns.
    signer: { secret, baseUrl: (): string => objectServer.url },
    clock,
  });
  const objectServer = new ObjectServer({
    source: objects,
    secret,
    port: settings.ports.objects,
    log,
    clock,
  });
  const demoApi = givenApiUrl
    ? undefined
    : new DemoApi({
        port: settings.ports.demoApi,
        logFile: paths.demoApiLog,
        log,
        scenarios: options.demoApiScenarios ?? false,
        clock,
      });
  const scheduler = new LocalRetryScheduler({
    dir: paths.schedules,
    queue: source,
    timeScale: settings.timeScale,
    durable,
    clock,
    onFired: (retry) => {
      log.debug('retry', `retry ${retry.envelope.attempt} of ${retry.envelope.object.key} sent to the queue`);
      emit({ type: 'retry-sent', jobId: retry.name, attempt: retry.envelope.attempt });
    },
    onError: (retry, error) =>
      log.error('retry', `cannot send the retry of ${retry.envelope.object.key}: ${describeError(error)}`),
  });
  // The servers first: the pipe needs the API URL, known once the demo API listens.
  const stopServers = await startServices([store, objectServer, ...(demoApi ? [demoApi] : [])]);
  const apiUrl = givenApiUrl ?? demoApi?.url ?? '';
  let stopPipeline: (() => Promise<void>) | undefined;
  let config: PipelineConfig;
  let flag: FileFlagAdmin;
  let inbox: InboxWatcher;
  let jobs: JobRepository;
  let pipe: LocalPipe;
  try {
    config = resolvePipelineConfig(loaded.input, apiUrl, configSource);
    flag = new FileFlagAdmin({
      path: paths.flag,
      cacheSeconds: config.flag.cacheSeconds,
      changedBy: `local:${localUserName()}`,
      clock,
    });
    jobs = new DynamoDbJobRepository(store.client, { tableName: LOCAL_TABLE_NAME, clock });
    const api = activity.countCalls(
      new HttpDownstreamApi({
        api: config.api,
        credential: resolveCredential(config, options.env ?? process.env),
        clock,
      }),
    );
    const notifier = new FileNotifier({
      path: paths.notifications,
      onNotify: (line) => {
        activity.notified(line);
        emit({ type: 'notification', notification: line });
      },
    });
    const enrichment = createEnrichmentHandler({
      config,
      bucket: settings.bucket,
      flag,
      jobs,
      objects,
      api,
      clock,
    });
    const target = createTargetHandler({
      config,
      jobs: observed(jobs, (job) => {
        activity.jobRecorded(job);
        logJob(log, job);
        emit({ type: 'job', job });
      }),
      scheduler,
      notifier,
      clock,
      onError: (item, error) =>
        log.error('target', `message ${item.messageId}: ${describeError(error)}`, {
          messageId: item.messageId,
        }),
    });
    pipe = new LocalPipe({
      source,
      deadLetter,
      enrichment,
      target,
      batchSize: config.batch.size,
      batchWindowMs: config.batch.windowSeconds * 1000,
      visibilityTimeoutMs: settings.queue.visibilityTimeoutSeconds * 1000,
      maxReceiveCount: settings.queue.maxReceiveCount,
      concurrentBatches: settings.queue.concurrentBatches,
      pollIntervalMs: settings.queue.pollIntervalMs,
      log,
      clock,
      onBatch: (summary) => {
        log.debug('batch', `batch of ${summary.size}: ${summary.failed} to retry, ${summary.durationMs} ms`);
        emit({ type: 'batch', summary });
      },
      onDeadLetter: (message, reason) => {
        activity.deadLetter();
        emit({ type: 'dead-letter', messageId: message.messageId, reason });
      },
    });
    inbox = new InboxWatcher({
      inboxDir: paths.inbox,
      ledgerFile: paths.ledger,
      bucket: settings.bucket,
      queue: source,
      scanIntervalMs: settings.inbox.scanIntervalMs,
      stableMs: settings.inbox.stableMs,
      log,
      clock,
      onObjectCreated: (event) => {
        const { key, size, etag } = event.detail.object;
        activity.objectCreated();
        log.info('object-created', `new object ${settings.bucket}/${key} (${size} bytes)`, {
          key,
          size,
          etag,
        });
        emit({ type: 'object-created', key, etag, size });
      },
    });
    stopPipeline = await startServices([
      { name: 'retries', start: () => scheduler.start(), stop: () => scheduler.stop() },
      pipe,
      inbox,
    ]);
    await writeRuntimeInfo(paths.runtime, {
      pid: process.pid,
      startedAt: clock.now().toISOString(),
      dataDir,
      bucket: settings.bucket,
      inboxDir: paths.inbox,
      dynamodbEndpoint: store.endpoint,
      apiUrl,
      ...(demoApi ? { demoApiUrl: demoApi.url } : {}),
      objectServerUrl: objectServer.url,
    });
  } catch (error) {
    await stopPipeline?.();
    await stopServers();
    throw error;
  }
  log.info(
    'ready',
    `b2a local runtime ready: inbox ${paths.inbox} is bucket ${settings.bucket}, API ${apiUrl}`,
    {
      inboxDir: paths.inbox,
      bucket: settings.bucket,
      apiUrl,
      dynamodbEndpoint: store.endpoint,
    },
  );

  const pending = async (): Promise<PendingWork> => {
    await source.refresh();
    return { inbox: await inbox.pendingCount(), queued: source.size, retries: scheduler.size };
  };
  let stopping: Promise<void> | undefined;

  return {
    dataDir,
    paths,
    inboxDir: paths.inbox,
    bucket: settings.bucket,
    config,
    settings,
    apiUrl,
    ...(demoApi ? { demoApi } : {}),
    dynamodbEndpoint: store.endpoint,
    objectServerUrl: objectServer.url,
    jobs,
    flag,
    queue: new LocalWorkQueue(source),
    onEvent: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    activity: () => activity.snapshot(),
    jobCounts: async () => {
      const counts = await Promise.all(JOB_STATUSES.map((status) => jobs.countByStatus(status)));
      return Object.fromEntries(JOB_STATUSES.map((status, i) => [status, counts[i] ?? 0])) as Record<
        JobStatus,
        number
      >;
    },
    pending,
    idle: async ({ timeoutMs = 30_000 } = {}) => {
      const deadline = Date.now() + timeoutMs;
      let quiet = 0;
      for (;;) {
        const work = await pending();
        const busy = work.inbox + work.queued + work.retries + pipe.batchesInFlight > 0;
        quiet = busy ? 0 : quiet + 1;
        if (quiet >= 2) return;
        if (Date.now() > deadline) {
          throw new IdleTimeoutError(
            `still busy after ${timeoutMs} ms: ${work.inbox} inbox file(s), ${work.queued} queued message(s), ${work.retries} scheduled retry(ies)`,
          );
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => {
      stopping ??= (async () => {
        log.info('stopping', 'stopping: finishing the batches in hand');
        await removeRuntimeInfo(paths.runtime, process.pid);
        await stopPipeline?.();
        await stopServers();
        log.info('stopped', 'stopped');
      })();
      return stopping;
    },
  };
}

/** One log line per recorded job. */
function logJob(log: RuntimeLog, job: Job): void {
  const name = `${job.bucket}/${job.key}`;
  const last = job.history[job.history.length - 1];
  const http = last?.httpStatus !== undefined ? `HTTP ${last.httpStatus}` : undefined;
  const latency = last?.latencyMs !== undefined ? `${last.latencyMs} ms` : undefined;
  const data = {
    jobId: job.jobId,
    key: job.key,
    status: job.status,
    attempt: job.attempt,
    runId: job.runId,
    // The whole attempt: the job keeps only the newest `jobs.historyLimit`, the log every one.
    ...(last ? { entry: last } : {}),
  };
  switch (job.status) {
    case 'SUCCEEDED':
      log.info(
        'job',
        `SUCCEEDED ${name} (${[http, latency, `attempt ${job.attempt}`].filter(Boolean).join(', ')})`,
        data,
      );
      break;
    case 'RETRYING':
      log.warn(
        'job',
        `RETRYING  ${name}: ${last?.error ?? 'retryable'}; attempt ${job.attempt + 1} at ${job.nextAttemptAt ?? '?'}`,
        data,
      );
      break;
    case 'FAILED':
      log.error('job', `FAILED    ${name}: ${last?.error ?? job.lastError ?? 'failed'}`, data);
      break;
    case 'SKIPPED':
      log.info(
        'job',
        `SKIPPED   ${name}: ${last?.error ?? 'the enabled flag is off'} (b2a reprocess --skipped sends it again)`,
        data,
      );
      break;
  }
}
