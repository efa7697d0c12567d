/**
 * Sections 1 and 2: the local runtime end to end (files written to the inbox until their jobs are
 * recorded), the limits of that run (API slots and the job store's measured rates), and the naive
 * one-file-at-a-time design on the same stub API and the same store, in the same run.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { FileFlagAdmin } from '../../pipeline-functions/adapters/local/file-flag.js';
import { FileNotifier } from '../../pipeline-functions/adapters/local/file-notifier.js';
import { DirectoryObjectSource } from '../../pipeline-functions/adapters/local/directory-object-source.js';
import { HttpDownstreamApi } from '../../pipeline-functions/adapters/http/downstream-api.js';
import { mapLimit } from '../../pipeline-functions/core/concurrency.js';
import { AUTO_RUN_ID, jobIdOf, type ObjectRef } from '../../pipeline-functions/core/model.js';
import { systemClock, type JobUpdate } from '../../pipeline-functions/core/ports.js';
import type { LocalRuntime } from '../../pipeline-functions/local/runtime.js';
import type { ApiStub } from './api-stub.js';
import { BenchError } from './errors.js';
import {
  PipelineWatch,
  startFileWriter,
  withLocalRuntime,
  writeFiles,
  type RuntimeTrouble,
  type WrittenFile,
} from './local-pipeline.js';
import { cpuMsSince, mean, median, peakRssMiB, percentile, round } from './measure.js';
import { naiveDeliver, type NaiveDeps } from './naive.js';
import { figureTable, goal, SECTIONS, type SectionResult } from './report.js';

/** Sizes of sections 1 and 2. */
export interface ThroughputSizes {
  /** Files written at once to the inbox. */
  readonly burstFiles: number;
  /** Files written at a steady rate well under the limit, for latency without a backlog. */
  readonly trickleFiles: number;
  readonly trickleRatePerSecond: number;
  /** Writes (and reads) made directly on the job store to measure its rates. */
  readonly storeOperations: number;
  /** Files the naive design handles, one at a time. */
  readonly naiveFiles: number;
  /** Longest wait for a phase before the run fails. */
  readonly timeoutMs: number;
}

/** The enrichment reads each job once (in its batch's BatchGetItem) before calling the API. */
const STORE_READS_PER_JOB = 1;

/** Issue 14's goals for the local runtime. */
const GOAL_FILES_PER_SECOND = 450;
const GOAL_SHARE_OF_BOUND_PCT = 50;
const GOAL_UNLOADED_P50_MS = 300;
const GOAL_UNLOADED_P99_MS = 600;

/** Measures sections 1 and 2 on one local runtime. */
export async function measureThroughput(
  stub: ApiStub,
  sizes: ThroughputSizes,
  progress: (line: string) => void,
): Promise<{ readonly throughput: SectionResult; readonly naive: SectionResult }> {
  const rssBeforeMiB = process.memoryUsage().rss / 2 ** 20;
  return withLocalRuntime({ apiUrl: stub.url }, async (runtime, trouble) => {
    const watch = new PipelineWatch(runtime);
    try {
      progress(`throughput: ${sizes.burstFiles} files written at once to the inbox`);
      const burst = await runBurst(runtime, stub, watch, sizes);
      await runtime.idle({ timeoutMs: sizes.timeoutMs });
      progress(`throughput: ${sizes.trickleFiles} files at ${sizes.trickleRatePerSecond} per second`);
      const trickle = await runTrickle(runtime, watch, sizes);
      await runtime.idle({ timeoutMs: sizes.timeoutMs });
      progress(`throughput: ${sizes.storeOperations} writes and reads straight to the job store`);
      const store = await measureStore(runtime, sizes.storeOperations, slotsOf(runtime));
      progress(`naive: ${sizes.naiveFiles} files one at a time`);
      const naive = await runNaive(runtime, stub, sizes.naiveFiles);
      return {
        throughput: throughputSection(
          runtime,
          stub,
          burst,
          trickle,
          store,
          sizes.trickleRatePerSecond,
          trouble,
          rssBeforeMiB,
        ),
        naive: naiveSection(naive, burst, stub),
      };
    } finally {
      watch.stop();
    }
  });
}

/** API calls a runtime can have in flight: per batch, times the batches it processes at once. */
function slotsOf(runtime: LocalRuntime): number {
  return (
    Math.min(runtime.config.batch.size, runtime.config.api.maxConcurrentCalls) *
    runtime.settings.queue.concurrentBatches
  );
}

interface BurstResult {
  readonly files: number;
  readonly endToEndPerSecond: number;
  readonly drainPerSecond: number;
  readonly latenciesMs: number[];
  readonly cpuMsPerJob: number;
  readonly peakRssMiB: number;
  readonly maxInFlight: number;
  readonly apiCalls: number;
  readonly notSucceeded: number;
  readonly writesPerJob: number;
  /** S3 events the inbox put on the queue per second (first to last). */
  readonly emittedPerSecond: number;
  /** Share of the time the event loop was busy, from the first write to the last job. */
  readonly eventLoopUtilization: number;
  /** The main thread's busy time (event loop active) per job, in ms. */
  readonly mainThreadMsPerJob: number;
  /** The same for the job store's thread (dynalite). */
  readonly storeThreadUtilization: number;
  readonly storeThreadMsPerJob: number;
  /** How long the burst's batches took in the handlers (enrichment then target), in ms. */
  readonly batchMs: readonly number[];
}

async function runBurst(
  runtime: LocalRuntime,
  stub: ApiStub,
  watch: PipelineWatch,
  sizes: ThroughputSizes,
): Promise<BurstResult> {
  await stub.reset();
  const writer = await startFileWriter(runtime.inboxDir, 'burst', sizes.burstFiles);
  const recordsBefore = watch.records;
  const batchesBefore = watch.batchMs.length;
  const cpu = process.cpuUsage();
  const loop = performance.eventLoopUtilization();
  const storeLoop = runtime.storeEventLoopUtilization();
  const started = performance.now();
  const written = await writer.write();
  const keys = written.map((file) => file.key);
  await watch.waitFor(keys, sizes.timeoutMs);
  const recordedAt = keys.map((key) => watch.firstRecorded.get(key) as number);
  const last = Math.max(...recordedAt);
  const first = Math.min(...recordedAt);
  const cpuMs = cpuMsSince(cpu);
  const mainThread = performance.eventLoopUtilization(loop);
  const storeThread = runtime.storeEventLoopUtilization(storeLoop);
  const emittedAt = keys.map((key) => watch.emitted.get(key) ?? Number.NaN);
  const stats = await stub.stats();
  return {
    files: keys.length,
    endToEndPerSecond: keys.length / ((last - started) / 1000),
    drainPerSecond: keys.length > 1 ? (keys.length - 1) / ((last - first) / 1000) : Number.NaN,
    latenciesMs: latencies(written, watch),
    cpuMsPerJob: cpuMs / keys.length,
    peakRssMiB: peakRssMiB(),
    maxInFlight: stats.maxInFlight,
    apiCalls: stats.calls,
    notSucceeded: keys.filter((key) => watch.statuses.get(key) !== 'SUCCEEDED').length,
    writesPerJob: (watch.records - recordsBefore) / keys.length,
    emittedPerSecond: (keys.length - 1) / ((Math.max(...emittedAt) - Math.min(...emittedAt)) / 1000),
    eventLoopUtilization: mainThread.utilization,
    mainThreadMsPerJob: mainThread.active / keys.length,
    storeThreadUtilization: storeThread.utilization,
    storeThreadMsPerJob: storeThread.active / keys.length,
    batchMs: watch.batchMs.slice(batchesBefore),
  };
}

/** Latencies without a backlog, whole and split at the moment the inbox queued the file's event. */
interface TrickleResult {
  readonly latenciesMs: readonly number[];
  /** Written → event queued: the inbox's completeness wait and scan. */
  readonly inboxMs: readonly number[];
  /** Event queued → job recorded: the batching window, the handlers and the store. */
  readonly pipeMs: readonly number[];
}

async function runTrickle(
  runtime: LocalRuntime,
  watch: PipelineWatch,
  sizes: ThroughputSizes,
): Promise<TrickleResult> {
  const written = await writeFiles(
    runtime.inboxDir,
    'trickle',
    sizes.trickleFiles,
    sizes.trickleRatePerSecond,
  );
  await watch.waitFor(
    written.map((file) => file.key),
    sizes.timeoutMs,
  );
  const emittedAt = (key: string): number => watch.emitted.get(key) as number;
  return {
    latenciesMs: latencies(written, watch),
    inboxMs: written.map((file) => emittedAt(file.key) - file.writtenAt),
    pipeMs: written.map((file) => (watch.firstRecorded.get(file.key) as number) - emittedAt(file.key)),
  };
}

function latencies(written: readonly WrittenFile[], watch: PipelineWatch): number[] {
  return written.map((file) => (watch.firstRecorded.get(file.key) as number) - file.writtenAt);
}

interface StoreRates {
  readonly writesPerSecond: number;
  readonly readsPerSecond: number;
  readonly concurrency: number;
}

/**
 * The job store's rates in this run: conditional writes (the target's `record`) and consistent reads
 * (the enrichment's `get`), through the same adapter and store, as many at once as the pipe can issue.
 */
async function measureStore(
  runtime: LocalRuntime,
  operations: number,
  concurrency: number,
): Promise<StoreRates> {
  const at = new Date().toISOString();
  const updates: JobUpdate[] = Array.from({ length: operations }, (_, i) => {
    const object: ObjectRef = { bucket: 'bench-store', key: `store/${i}.json`, etag: `etag-${i}`, size: 200 };
    return {
      object,
      run: { id: AUTO_RUN_ID, startedAt: at },
      attempt: 1,
      status: 'SUCCEEDED',
      entry: {
        at,
        runId: AUTO_RUN_ID,
        attempt: 1,
        origin: 's3-event',
        outcome: 'delivered',
        httpStatus: 200,
        latencyMs: 20,
      },
      idempotencyKey: `store-${i}`,
      historyLimit: 20,
    };
  });
  const writeStarted = performance.now();
  await mapLimit(updates, concurrency, async (update) => {
    if (!(await runtime.jobs.record(update)))
      throw new BenchError(`store write of ${update.object.key} was refused`);
  });
  const writeMs = performance.now() - writeStarted;
  const readStarted = performance.now();
  await mapLimit(updates, concurrency, (update) => runtime.jobs.get(jobIdOf(update.object)));
  const readMs = performance.now() - readStarted;
  return {
    writesPerSecond: operations / (writeMs / 1000),
    readsPerSecond: operations / (readMs / 1000),
    concurrency,
  };
}

interface NaiveResult {
  readonly files: number;
  readonly perSecond: number;
  readonly perFileMs: number[];
  readonly cpuMsPerFile: number;
  readonly maxInFlight: number;
  readonly notSucceeded: number;
}

async function runNaive(runtime: LocalRuntime, stub: ApiStub, count: number): Promise<NaiveResult> {
  const bucket = 'naive-bucket';
  const root = join(runtime.dataDir, bucket);
  const written = await writeFiles(root, 'naive', count);
  const deps: NaiveDeps = {
    environment: runtime.config.environment,
    // The naive function reads the flag on every file: no cache.
    flag: new FileFlagAdmin({ path: runtime.paths.flag }),
    objects: new DirectoryObjectSource({ root, bucket }),
    api: new HttpDownstreamApi({ api: runtime.config.api }),
    jobs: runtime.jobs,
    notifier: new FileNotifier({ path: join(runtime.dataDir, 'naive-notifications.jsonl') }),
    clock: systemClock,
  };
  await stub.reset();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const perFileMs: number[] = [];
  let notSucceeded = 0;
  for (const file of written) {
    const fileStarted = performance.now();
    const status = await naiveDeliver(deps, {
      object: { bucket, key: file.key, etag: file.etag, size: file.size },
      time: new Date().toISOString(),
    });
    perFileMs.push(performance.now() - fileStarted);
    if (status !== 'SUCCEEDED') notSucceeded++;
  }
  const elapsedMs = performance.now() - started;
  return {
    files: count,
    perSecond: count / (elapsedMs / 1000),
    perFileMs,
    cpuMsPerFile: cpuMsSince(cpu) / count,
    maxInFlight: (await stub.stats()).maxInFlight,
    notSucceeded,
  };
}

function throughputSection(
  runtime: LocalRuntime,
  stub: ApiStub,
  burst: BurstResult,
  { latenciesMs: trickle, inboxMs, pipeMs }: TrickleResult,
  store: StoreRates,
  trickleRate: number,
  trouble: RuntimeTrouble,
  rssBeforeMiB: number,
): SectionResult {
  const slots = slotsOf(runtime);
  const apiBound = slots / (stub.latencyMs / 1000);
  const storeWriteBound = store.writesPerSecond / burst.writesPerJob;
  const storeBound =
    1 / (burst.writesPerJob / store.writesPerSecond + STORE_READS_PER_JOB / store.readsPerSecond);
  const cores = availableParallelism();
  const cpuBound = (cores * 1000) / burst.cpuMsPerJob;
  const bound = Math.min(apiBound, storeWriteBound);
  const { concurrentBatches } = runtime.settings.queue;
  const meanBatchMs = mean(burst.batchMs);
  const meanBatchSize = burst.files / burst.batchMs.length;
  const figures = {
    files: burst.files,
    filesPerSecond: round(burst.endToEndPerSecond, 1),
    drainFilesPerSecond: round(burst.drainPerSecond, 1),
    latencyP50Ms: round(percentile(burst.latenciesMs, 50), 0),
    latencyP99Ms: round(percentile(burst.latenciesMs, 99), 0),
    unloadedLatencyP50Ms: round(percentile(trickle, 50), 0),
    unloadedLatencyP99Ms: round(percentile(trickle, 99), 0),
    unloadedInboxP50Ms: round(percentile(inboxMs, 50), 0),
    unloadedPipeP50Ms: round(percentile(pipeMs, 50), 0),
    cpuMsPerJob: round(burst.cpuMsPerJob, 2),
    peakRssMiB: round(burst.peakRssMiB, 0),
    rssBeforeRuntimeMiB: round(rssBeforeMiB, 0),
    peakRssGrowthMiB: round(burst.peakRssMiB - rssBeforeMiB, 0),
    apiSlots: slots,
    observedMaxInFlight: burst.maxInFlight,
    apiBoundFilesPerSecond: round(apiBound, 0),
    storeWritesPerSecond: round(store.writesPerSecond, 0),
    storeReadsPerSecond: round(store.readsPerSecond, 0),
    storeWritesPerJob: round(burst.writesPerJob, 2),
    storeWriteBoundFilesPerSecond: round(storeWriteBound, 0),
    storeReadWriteBoundFilesPerSecond: round(storeBound, 0),
    inboxEventsPerSecond: round(burst.emittedPerSecond, 0),
    cpuBoundFilesPerSecond: round(cpuBound, 0),
    eventLoopUtilization: round(burst.eventLoopUtilization, 2),
    mainThreadMsPerJob: round(burst.mainThreadMsPerJob, 2),
    mainThreadBoundFilesPerSecond: round(1000 / burst.mainThreadMsPerJob, 0),
    storeThreadUtilization: round(burst.storeThreadUtilization, 2),
    storeThreadMsPerJob: round(burst.storeThreadMsPerJob, 2),
    storeThreadBoundFilesPerSecond: round(1000 / burst.storeThreadMsPerJob, 0),
    batchP50Ms: round(percentile(burst.batchMs, 50), 0),
    meanBatchSize: round(meanBatchSize, 1),
    pipeLatencyBoundFilesPerSecond: round((concurrentBatches * meanBatchSize) / (meanBatchMs / 1000), 0),
    boundFilesPerSecond: round(bound, 0),
    ratioToBound: round(burst.endToEndPerSecond / bound, 3),
    drainRatioToBound: round(burst.drainPerSecond / bound, 3),
    apiCallsPerFile: round(burst.apiCalls / burst.files, 3),
    jobsNotSucceeded: burst.notSucceeded,
    runtimeErrorsLogged: trouble.errors,
  };
  const { stableMs } = runtime.settings.inbox;
  const latencyBound = `written → queued ${figures.unloadedInboxP50Ms} ms (p50; the file must stay unchanged ${stableMs} ms), queued → recorded ${figures.unloadedPipeP50Ms} ms`;
  const limits = measuredLimits(figures, concurrentBatches, cores);
  const [held] = limits;
  const throughputBound = `${held?.name}: ${held?.rate} files/s (${held?.how}); main thread ${pct(figures.eventLoopUtilization)} busy (${figures.mainThreadMsPerJob} ms per job), dynalite thread ${pct(figures.storeThreadUtilization)} (${figures.storeThreadMsPerJob} ms per job)`;
  return {
    title: SECTIONS.throughput,
    figures,
    goals: [
      goal(
        'files per second, end to end',
        figures.filesPerSecond,
        'files/s',
        { min: GOAL_FILES_PER_SECOND },
        {
          boundBy: throughputBound,
        },
      ),
      goal(
        'share of the bound',
        round(figures.ratioToBound * 100, 0),
        '%',
        { min: GOAL_SHARE_OF_BOUND_PCT },
        {
          boundBy: throughputBound,
        },
      ),
      goal(
        'p50 without a backlog',
        figures.unloadedLatencyP50Ms,
        'ms',
        { max: GOAL_UNLOADED_P50_MS },
        {
          boundBy: latencyBound,
        },
      ),
      goal(
        'p99 without a backlog',
        figures.unloadedLatencyP99Ms,
        'ms',
        { max: GOAL_UNLOADED_P99_MS },
        {
          boundBy: latencyBound,
        },
      ),
    ],
    tables: [
      figureTable([
        ['files written at once', figures.files, 'small JSON files (~200 B) in one burst'],
        ['files per second, end to end', figures.filesPerSecond, 'first write to last job recorded'],
        [
          'files per second, draining',
          figures.drainFilesPerSecond,
          'first job to last job (the pipe at work)',
        ],
        ['p50 written → recorded', figures.latencyP50Ms, 'ms, in the burst (includes waiting in the queue)'],
        ['p99 written → recorded', figures.latencyP99Ms, 'ms, in the burst'],
        [
          'p50 without a backlog',
          figures.unloadedLatencyP50Ms,
          `ms, ${trickle.length} files written ${trickleRate} per second`,
        ],
        ['p99 without a backlog', figures.unloadedLatencyP99Ms, 'ms'],
        [
          'of which written → queued',
          figures.unloadedInboxP50Ms,
          `ms, p50: the inbox (a file unchanged for ${stableMs} ms is complete)`,
        ],
        ['of which queued → recorded', figures.unloadedPipeP50Ms, 'ms, p50: window, handlers, API, store'],
        [
          'CPU per job',
          figures.cpuMsPerJob,
          'ms of CPU, all threads of the runtime process (pipe, handlers, dynalite)',
        ],
        [
          'main thread busy',
          figures.eventLoopUtilization,
          `share of the burst (event loop utilization): ${figures.mainThreadMsPerJob} ms per job (inbox, queue, pipe, handlers, SDK)`,
        ],
        [
          'dynalite thread busy',
          figures.storeThreadUtilization,
          `share of the burst: ${figures.storeThreadMsPerJob} ms per job (the job store's worker thread)`,
        ],
        [
          'batch in the handlers, p50',
          figures.batchP50Ms,
          `ms, enrichment then target, ${figures.meanBatchSize} messages per batch on average`,
        ],
        [
          'peak RSS',
          figures.peakRssMiB,
          `MiB, process high-water mark: ${figures.rssBeforeRuntimeMiB} MiB before the runtime started, +${figures.peakRssGrowthMiB} MiB`,
        ],
        ['jobs not SUCCEEDED', figures.jobsNotSucceeded, 'should be 0'],
      ]),
      {
        title: 'The bound of this run',
        columns: ['limit', 'files per second', 'how it is derived'],
        rows: [
          [
            'API',
            figures.apiBoundFilesPerSecond,
            `${slots} calls in flight ÷ ${stub.latencyMs} ms (seen at the stub: ${burst.maxInFlight})`,
          ],
          [
            'job store, writes',
            figures.storeWriteBoundFilesPerSecond,
            `${figures.storeWritesPerSecond} conditional writes/s measured ÷ ${figures.storeWritesPerJob} per job`,
          ],
          [
            'job store, reads + writes',
            figures.storeReadWriteBoundFilesPerSecond,
            `with ${STORE_READS_PER_JOB} consistent read per job at ${figures.storeReadsPerSecond}/s`,
          ],
          [
            'bound of the run',
            figures.boundFilesPerSecond,
            `the lower of the two above: end to end reached ${pct(figures.ratioToBound)}, draining ${pct(figures.drainRatioToBound)}`,
          ],
          ...limits.map(({ name, rate, how }, index): [string, number, string] => [
            `${index === 0 ? 'what held it back' : 'then'}: ${name}`,
            rate,
            how,
          ]),
        ],
      },
    ],
    setup: {
      apiLatencyMs: stub.latencyMs,
      batch: runtime.config.batch,
      maxConcurrentCalls: runtime.config.api.maxConcurrentCalls,
      concurrentBatches: runtime.settings.queue.concurrentBatches,
      durableQueue: runtime.settings.queue.durable,
      inbox: runtime.settings.inbox,
      trickle: { files: trickle.length, ratePerSecond: trickleRate },
      storeOperations: { concurrency: store.concurrency },
      firstRuntimeErrors: trouble.firstErrors,
    },
    notes: [
      'The runtime runs in the benchmark process, its job store (dynalite, on disk) on a worker thread of that process; the stub API runs in a process of its own. The burst’s files are written by a process of its own, as a user’s copy would be; the trickle’s by the benchmark’s main thread.',
      `Latency includes the inbox's completeness check (a file is taken once unchanged for ${stableMs} ms; file events start a scan, and the whole inbox is walked every ${runtime.settings.inbox.scanIntervalMs} ms) and the batching window (${runtime.config.batch.windowSeconds} s), which closes early once the inbox has no more events to queue.`,
      'Locally, b2a (inbox, queue, pipe, handlers) shares the main thread, dynalite has a thread of its own, and every queue file is fsynced: the limits below the bound, measured in this run, set the ceiling long before the API slots do. On AWS those parts are SQS, Pipes and DynamoDB.',
    ],
  };
}

const pct = (ratio: number): string => `${Math.round(ratio * 100)}%`;

function naiveSection(naive: NaiveResult, burst: BurstResult, stub: ApiStub): SectionResult {
  const figures = {
    files: naive.files,
    filesPerSecond: round(naive.perSecond, 1),
    perFileP50Ms: round(median(naive.perFileMs), 1),
    perFileP99Ms: round(percentile(naive.perFileMs, 99), 1),
    cpuMsPerFile: round(naive.cpuMsPerFile, 2),
    observedMaxInFlight: naive.maxInFlight,
    b2aFilesPerSecond: round(burst.endToEndPerSecond, 1),
    b2aCpuMsPerJob: round(burst.cpuMsPerJob, 2),
    speedUp: round(burst.endToEndPerSecond / naive.perSecond, 1),
    jobsNotSucceeded: naive.notSucceeded,
  };
  return {
    title: SECTIONS.naive,
    figures,
    tables: [
      {
        columns: ['design', 'files', 'files per second', 'CPU ms per file', 'calls in flight (max)'],
        rows: [
          [
            'naive: flag, read, call, write, publish, in line',
            naive.files,
            figures.filesPerSecond,
            figures.cpuMsPerFile,
            naive.maxInFlight,
          ],
          [
            'b2a local runtime (section 1, end to end)',
            burst.files,
            figures.b2aFilesPerSecond,
            figures.b2aCpuMsPerJob,
            burst.maxInFlight,
          ],
        ],
      },
      figureTable([
        ['speed-up', figures.speedUp, 'b2a files per second ÷ naive files per second'],
        ['naive p50 per file', figures.perFileP50Ms, `ms (the stub alone takes ${stub.latencyMs} ms)`],
        ['naive p99 per file', figures.perFileP99Ms, 'ms'],
      ]),
    ],
    setup: {
      apiLatencyMs: stub.latencyMs,
      store: 'the runtime’s dynalite, through the same DynamoDB adapter',
    },
    notes: [
      'The naive design is the original single function: read the flag (every file), read the object, call the API, write the job, publish; one file at a time.',
      'Run one file at a time, its speed is one API latency per file, whatever the machine: b2a overlaps calls, so it is bounded by its slots or its CPU instead.',
      'On AWS the naive function is invoked once per S3 event, many at once: there its trouble is not speed but an unbounded number of calls to the API, the flag read per file (SSM allows 40 per second) and the scan it needs to reprocess (section 3).',
    ],
  };
}

/** A limit of the run's throughput, measured in it. */
interface MeasuredLimit {
  readonly name: string;
  /** Files per second it allows. */
  readonly rate: number;
  /** How the rate is derived from what was measured. */
  readonly how: string;
}

/** What the run measured that limits its throughput, lowest first: the first one held it back. */
function measuredLimits(
  figures: {
    readonly inboxEventsPerSecond: number;
    readonly pipeLatencyBoundFilesPerSecond: number;
    readonly batchP50Ms: number;
    readonly meanBatchSize: number;
    readonly mainThreadBoundFilesPerSecond: number;
    readonly mainThreadMsPerJob: number;
    readonly storeThreadBoundFilesPerSecond: number;
    readonly storeThreadMsPerJob: number;
    readonly cpuBoundFilesPerSecond: number;
    readonly cpuMsPerJob: number;
  },
  concurrentBatches: number,
  cores: number,
): MeasuredLimit[] {
  const limits: MeasuredLimit[] = [
    {
      name: 'inbox → queue',
      rate: figures.inboxEventsPerSecond,
      how: 'S3 events the inbox watcher put on the durable queue per second',
    },
    {
      name: 'the pipe’s batches',
      rate: figures.pipeLatencyBoundFilesPerSecond,
      how: `${concurrentBatches} batches in flight × ${figures.meanBatchSize} messages ÷ their mean time in the handlers (p50 ${figures.batchP50Ms} ms)`,
    },
    {
      name: 'the main thread',
      rate: figures.mainThreadBoundFilesPerSecond,
      how: `1000 ms ÷ ${figures.mainThreadMsPerJob} ms busy per job`,
    },
    {
      name: 'the dynalite thread',
      rate: figures.storeThreadBoundFilesPerSecond,
      how: `1000 ms ÷ ${figures.storeThreadMsPerJob} ms busy per job`,
    },
    {
      name: 'CPU',
      rate: figures.cpuBoundFilesPerSecond,
      how: `${cores} cores × 1000 ms ÷ ${figures.cpuMsPerJob} ms of CPU per job (all threads)`,
    },
  ];
  return limits.sort((a, b) => a.rate - b.rate);
}
