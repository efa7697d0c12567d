/**
 * The local runtime: the whole pipeline on one machine with no AWS account. It runs the same
 * handlers as the Lambda functions on events in the AWS shapes (see `composition-root.ts`).
 *
 * It is a list of services, started in order and stopped in reverse: the jobs store (dynalite), the
 * object server behind presigned URLs, the demo API (when no API URL is given), the pipeline's
 * composition, the retry timers, the pipe, the inbox, and `runtime.json` (how the CLI finds it).
 *
 * @example
 * const runtime = await startLocalRuntime({ dataDir: '.b2a' });
 * await writeFile(join(runtime.inboxDir, 'hello.json'), '{"hello":"world"}');
 * await runtime.idle();
 * await runtime.stop();
 */
import type { EventLoopUtilization } from 'node:perf_hooks';
import { LocalWorkQueue } from '../adapters/local/local-work-queue.js';
import { readCircuitStatus, type CircuitStatus } from '../core/admission/circuit-status.js';
import type { PipelineConfig } from '../core/config.js';
import type { AttentionStatus } from '../core/model.js';
import type { FlagAdmin, JobRepository, WorkQueue } from '../core/ports.js';
import { countJobsByStatus } from '../core/use-cases/count-jobs.js';
import type { ActivitySnapshot } from './activity.js';
import { LocalCompositionRoot } from './composition-root.js';
import type { LocalPaths } from './data-dir.js';
import type { DemoApi } from './demo-api.js';
import type { RuntimeEvent } from './events.js';
import { waitUntilIdle, type PendingWork } from './idle.js';
import { removeRuntimeInfo, writeRuntimeInfo } from './runtime-file.js';
import { deferredService, startServices, startStep, type Service } from './service.js';
import type { LocalSettings } from './settings.js';
import { prepareRuntime, type LocalRuntimeOptions, type RuntimeSetup } from './setup.js';

export type { RuntimeEvent } from './events.js';
export type { PendingWork } from './idle.js';
export type { LocalRuntimeOptions } from './setup.js';

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
  /**
   * The job store's thread: its event loop utilization, as `performance.eventLoopUtilization` gives
   * the main thread's (pass an earlier reading to get the utilization since).
   */
  storeEventLoopUtilization(previous?: EventLoopUtilization): EventLoopUtilization;
  /** Subscribes to what happens. @returns unsubscribe */
  onEvent(listener: (event: RuntimeEvent) => void): () => void;
  activity(): ActivitySnapshot;
  /** Jobs in the store by status that needs attention (SUCCEEDED jobs are not indexed: see `activity()`). */
  jobCounts(): Promise<Record<AttentionStatus, number>>;
  /** What is still pending. */
  pending(): Promise<PendingWork>;
  /** The circuit breaker, when `api.circuitBreaker` is configured. */
  circuit(): Promise<CircuitStatus | undefined>;
  /**
   * Resolves once nothing is pending: every inbox file emitted, the queue empty, no retry scheduled.
   * @throws IdleTimeoutError after `timeoutMs` (default 30 s), saying what is still pending.
   */
  idle(options?: { readonly timeoutMs?: number }): Promise<void>;
  /** Stops cleanly: stops taking files, finishes the batches in hand, stops the servers. */
  stop(): Promise<void>;
}

/**
 * Starts the local runtime on a data directory.
 * @throws RuntimeAlreadyRunningError, StoreLockedError, PortInUseError, ConfigError
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const setup = await prepareRuntime(options);
  const root = new LocalCompositionRoot(setup);
  const stopServices = await startServices(localServices(setup, root));
  const { paths, settings, log } = setup;
  log.info(
    'ready',
    `b2a local runtime ready: inbox ${paths.inbox} is bucket ${settings.bucket}, API ${root.apiUrl}`,
    {
      inboxDir: paths.inbox,
      bucket: settings.bucket,
      apiUrl: root.apiUrl,
      dynamodbEndpoint: root.store.endpoint,
    },
  );
  return runtimeFacade(setup, root, stopServices);
}

/** The runtime's services in start order; they stop in reverse. */
function localServices(setup: RuntimeSetup, root: LocalCompositionRoot): Service[] {
  const { scheduler } = root;
  return [
    root.store,
    root.objectServer,
    ...(root.demoApi ? [root.demoApi] : []),
    // Not earlier: the pipeline needs the store's client and the API URL (the demo API's, once it listens).
    startStep('pipeline', () => root.composePipeline()),
    { name: 'retries', start: () => scheduler.start(), stop: () => scheduler.stop() },
    deferredService('admission-sweep', () => root.pipeline.sweeper),
    deferredService('pipe', () => root.pipeline.pipe),
    deferredService('inbox', () => root.pipeline.inbox),
    runtimeFileService(setup, root),
  ];
}

/** `runtime.json`, written last so that the CLI finds the runtime only once it runs. */
function runtimeFileService(setup: RuntimeSetup, root: LocalCompositionRoot): Service {
  const { paths, settings, clock, dataDir } = setup;
  return {
    name: 'runtime-file',
    start: () =>
      writeRuntimeInfo(paths.runtime, {
        pid: process.pid,
        startedAt: clock.now().toISOString(),
        dataDir,
        bucket: settings.bucket,
        inboxDir: paths.inbox,
        dynamodbEndpoint: root.store.endpoint,
        apiUrl: root.apiUrl,
        ...(root.demoApi ? { demoApiUrl: root.demoApi.url } : {}),
        objectServerUrl: root.objectServer.url,
      }),
    stop: () => removeRuntimeInfo(paths.runtime, process.pid),
  };
}

/** What callers hold: the started runtime's parts and what they can ask it. */
function runtimeFacade(
  setup: RuntimeSetup,
  root: LocalCompositionRoot,
  stopServices: () => Promise<void>,
): LocalRuntime {
  const { dataDir, paths, settings, log } = setup;
  const { config, flag, jobs, pipe, inbox } = root.pipeline;
  const pending = async (): Promise<PendingWork> => {
    await root.source.refresh();
    return { inbox: await inbox.pendingCount(), queued: root.source.size, retries: root.scheduler.size };
  };
  let stopping: Promise<void> | undefined;
  return {
    dataDir,
    paths,
    inboxDir: paths.inbox,
    bucket: settings.bucket,
    config,
    settings,
    apiUrl: root.apiUrl,
    ...(root.demoApi ? { demoApi: root.demoApi } : {}),
    dynamodbEndpoint: root.store.endpoint,
    objectServerUrl: root.objectServer.url,
    jobs,
    flag,
    queue: new LocalWorkQueue(root.source),
    storeEventLoopUtilization: (previous) => root.store.worker.performance.eventLoopUtilization(previous),
    onEvent: (listener) => root.events.on(listener),
    activity: () => root.activity.snapshot(),
    jobCounts: () => countJobsByStatus(jobs),
    pending,
    circuit: async () =>
      config.api.circuitBreaker ? readCircuitStatus(root.pipeline.admission, setup.clock) : undefined,
    idle: ({ timeoutMs = 30_000 } = {}) =>
      waitUntilIdle({ pending, batchesInFlight: () => pipe.batchesInFlight }, timeoutMs),
    stop: () => {
      stopping ??= (async () => {
        log.info('stopping', 'stopping: finishing the batches in hand');
        await stopServices();
        log.info('stopped', 'stopped');
      })();
      return stopping;
    },
  };
}
