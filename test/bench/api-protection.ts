/**
 * Section 6: does b2a protect the API? Three scenarios against the local runtime:
 * - `api.maxConcurrentCalls`: a backlog under N calls in flight; the stub reports the most it held;
 * - `api.rateLimit.perSecond`: a backlog drained under a fleet-wide limit; a loopback API records
 *   each call's arrival: the peak in any sliding second, the mean rate and the drain time;
 * - `api.circuitBreaker`: an API that answers 503 for a while; the calls that reached it during the
 *   outage with the breaker and without it.
 * The rate and outage scenarios use an in-process loopback API (their figures are counts and times
 * of arrival, not CPU).
 */
import { readFile } from 'node:fs/promises';
import type { CircuitNotificationLine } from '../../pipeline-functions/adapters/local/file-notifier.js';
import { drainRate } from '../../pipeline-functions/core/admission/rate-limiter.js';
import type { LocalRuntime } from '../../pipeline-functions/local/runtime.js';
import type { LocalConfigInput } from '../../pipeline-functions/local/settings.js';
import { peakInWindow } from '../support/arrivals.js';
import { startHttpStub, type StubResponse } from '../support/http-stub.js';
import type { ApiStub } from './api-stub.js';
import { PipelineWatch, withLocalRuntime, writeFiles } from './local-pipeline.js';
import { round } from './measure.js';
import { SECTIONS, type SectionResult } from './report.js';

/** Sizes of section 6. */
export interface ApiProtectionSizes {
  /** The limit under test (`api.maxConcurrentCalls`). */
  readonly maxConcurrentCalls: number;
  /** Files dropped at once: enough for many batches. */
  readonly backlogFiles: number;
  readonly timeoutMs: number;
  /** The rate limit scenario: files dropped at once under `api.rateLimit.perSecond`. */
  readonly rateLimit: { readonly perSecond: number; readonly files: number };
  /** The outage scenario: the API answers 503 for `outageSeconds`. */
  readonly outage: {
    readonly files: number;
    readonly outageSeconds: number;
    readonly failureThreshold: number;
    readonly probeSeconds: number;
  };
}

/** The pipe's batches in flight tried: one, and the local default. */
const CONCURRENT_BATCHES = [1, 2] as const;

interface Case {
  readonly concurrentBatches: number;
  readonly batchSize: number;
  readonly ceiling: number;
  readonly observedMax: number;
  readonly calls: number;
}

/** Measures section 6. */
export async function measureApiProtection(
  stub: ApiStub,
  sizes: ApiProtectionSizes,
  progress: (line: string) => void,
): Promise<SectionResult> {
  const concurrency = await measureConcurrency(stub, sizes, progress);
  progress(
    `api protection: ${sizes.rateLimit.files} files under rateLimit.perSecond ${sizes.rateLimit.perSecond}`,
  );
  const rate = await measureRateLimit(sizes);
  const outage = {
    withBreaker: await measureOutage(sizes, true, progress),
    withoutBreaker: await measureOutage(sizes, false, progress),
  };
  const limit = sizes.rateLimit.perSecond;
  const { outageSeconds, probeSeconds } = sizes.outage;
  const figures = {
    rateLimitPerSecond: limit,
    rateLimitFiles: sizes.rateLimit.files,
    rateLimitPeakCallsInAnySecond: rate.peak,
    rateLimitMeanCallsPerSecond: round(rate.meanPerSecond, 1),
    rateLimitDrainSeconds: round(rate.drainSeconds, 1),
    rateLimitIdealDrainSeconds: round(sizes.rateLimit.files / limit, 1),
    rateLimitDrainPercentOfLimit: round((100 * rate.meanPerSecond) / limit, 1),
    rateLimitDeadLetters: rate.deadLetters,
    outageSeconds,
    outageProbeSeconds: probeSeconds,
    outageCallsWithBreaker: outage.withBreaker.callsDuringOutage,
    outageCallsWithoutBreaker: outage.withoutBreaker.callsDuringOutage,
    outageCallsWhileOpen: outage.withBreaker.callsWhileOpen,
    outageOpenSeconds: round(outage.withBreaker.openSeconds, 1),
    outageProbeIntervalsWhileOpen: Math.ceil(outage.withBreaker.openSeconds / probeSeconds),
    outageSucceededWithBreaker: outage.withBreaker.succeeded,
    outageSucceededWithoutBreaker: outage.withoutBreaker.succeeded,
    outageFailedWithoutBreaker: outage.withoutBreaker.failed,
  };
  return {
    title: SECTIONS.apiProtection,
    figures: { ...concurrency.figures, ...figures },
    tables: [
      concurrency.table,
      {
        title: 'rate limit: a backlog against api.rateLimit.perSecond',
        columns: [
          'limit (calls/s)',
          'files',
          'peak in any 1 s',
          'mean calls/s',
          '% of limit',
          'drain (s)',
          'ideal: files ÷ limit (s)',
        ],
        rows: [
          [
            limit,
            figures.rateLimitFiles,
            figures.rateLimitPeakCallsInAnySecond,
            figures.rateLimitMeanCallsPerSecond,
            figures.rateLimitDrainPercentOfLimit,
            figures.rateLimitDrainSeconds,
            figures.rateLimitIdealDrainSeconds,
          ],
        ],
      },
      {
        title: `outage: the API answers 503 for ${outageSeconds} s`,
        columns: [
          'circuit breaker',
          'calls during the outage',
          'calls while open',
          'probe intervals while open',
          'open (s)',
          'SUCCEEDED',
          'FAILED',
        ],
        rows: [
          [
            `threshold ${sizes.outage.failureThreshold}, probe every ${probeSeconds} s`,
            outage.withBreaker.callsDuringOutage,
            outage.withBreaker.callsWhileOpen,
            figures.outageProbeIntervalsWhileOpen,
            figures.outageOpenSeconds,
            outage.withBreaker.succeeded,
            outage.withBreaker.failed,
          ],
          [
            'none',
            outage.withoutBreaker.callsDuringOutage,
            '-',
            '-',
            '-',
            outage.withoutBreaker.succeeded,
            outage.withoutBreaker.failed,
          ],
        ],
      },
    ],
    setup: {
      apiLatencyMs: stub.latencyMs,
      backlogFiles: sizes.backlogFiles,
      batchSize: concurrency.batchSize,
      rateLimitFiles: sizes.rateLimit.files,
      outageFiles: sizes.outage.files,
    },
    notes: [
      ...concurrency.notes,
      `Rate limit: the limit is spread over eleven 100 ms slots (any sliding second touches at most eleven), so the peak stays at or under the limit and a backlog drains at ${round(drainRate(limit), 1)} calls/s (10/11 of it) at best. The limit is kept well under the local runtime's own throughput (section 1), so the drain measures the limiter, not the machine.`,
      `Outage: with the breaker, at most the calls in flight when it opened plus one probe per ${probeSeconds} s reach the API, and no attempt is spent while open; without it every file keeps retrying on its backoff.`,
    ],
  };
}

/** A loopback API that answers `answer` and records when each call arrived (Date.now()). */
async function recordingApi(
  answer: (now: number) => StubResponse,
): Promise<{ readonly url: string; readonly arrivals: number[]; close(): Promise<void> }> {
  const arrivals: number[] = [];
  const api = await startHttpStub(() => {
    const now = Date.now();
    arrivals.push(now);
    return answer(now);
  });
  return { url: api.url, arrivals, close: () => api.close() };
}

async function measureRateLimit(sizes: ApiProtectionSizes): Promise<{
  peak: number;
  meanPerSecond: number;
  drainSeconds: number;
  deadLetters: number;
}> {
  const api = await recordingApi(() => ({ status: 200 }));
  try {
    return await withLocalRuntime(
      {
        apiUrl: api.url,
        config: { api: { rateLimit: { perSecond: sizes.rateLimit.perSecond } } },
      },
      async (runtime) => {
        let deadLetters = 0;
        const unsubscribe = runtime.onEvent((event) => {
          if (event.type === 'dead-letter') deadLetters++;
        });
        try {
          await writeFiles(runtime.inboxDir, 'rate', sizes.rateLimit.files);
          await runtime.idle({
            timeoutMs: sizes.timeoutMs + (1000 * sizes.rateLimit.files) / sizes.rateLimit.perSecond,
          });
        } finally {
          unsubscribe();
        }
        const first = Math.min(...api.arrivals);
        const last = Math.max(...api.arrivals);
        const drainSeconds = Math.max(0.001, (last - first) / 1000);
        return {
          peak: peakInWindow(api.arrivals, 1000),
          // Calls after the first, over the time between the first and the last.
          meanPerSecond: (api.arrivals.length - 1) / drainSeconds,
          drainSeconds,
          deadLetters,
        };
      },
    );
  } finally {
    await api.close();
  }
}

interface OutageResult {
  readonly callsDuringOutage: number;
  readonly callsWhileOpen: number;
  readonly openSeconds: number;
  readonly succeeded: number;
  readonly failed: number;
}

async function measureOutage(
  sizes: ApiProtectionSizes,
  withBreaker: boolean,
  progress: (line: string) => void,
): Promise<OutageResult> {
  const { files, outageSeconds, failureThreshold, probeSeconds } = sizes.outage;
  progress(
    `api protection: ${files} files, ${outageSeconds} s of 503, ${withBreaker ? 'with' : 'without'} a breaker`,
  );
  let outageEnds = Number.POSITIVE_INFINITY;
  const api = await recordingApi((now) => (now < outageEnds ? { status: 503 } : { status: 200 }));
  const config: LocalConfigInput = {
    retry: { maxAttempts: 3, baseDelaySeconds: 1, maxDelaySeconds: 4 },
    ...(withBreaker ? { api: { circuitBreaker: { failureThreshold, probeSeconds } } } : {}),
  };
  try {
    return await withLocalRuntime({ apiUrl: api.url, config }, async (runtime) => {
      const started = Date.now();
      outageEnds = started + outageSeconds * 1000;
      const keys = (await writeFiles(runtime.inboxDir, 'outage', files)).map((file) => file.key);
      await runtime.idle({ timeoutMs: sizes.timeoutMs + outageSeconds * 2000 });
      const circuit = await circuitTimes(runtime);
      const jobs = (await Promise.all(keys.map((key) => runtime.jobs.listByKey(runtime.bucket, key)))).flat();
      return {
        callsDuringOutage: api.arrivals.filter((at) => at < outageEnds).length,
        callsWhileOpen: circuit
          ? api.arrivals.filter((at) => at > circuit.openedAt && at < circuit.closedAt).length
          : 0,
        openSeconds: circuit ? (circuit.closedAt - circuit.openedAt) / 1000 : 0,
        succeeded: jobs.filter((job) => job.status === 'SUCCEEDED').length,
        failed: jobs.filter((job) => job.status === 'FAILED').length,
      };
    });
  } finally {
    await api.close();
  }
}

/** When the circuit first opened and then closed, from the runtime's notifications file. */
async function circuitTimes(
  runtime: LocalRuntime,
): Promise<{ openedAt: number; closedAt: number } | undefined> {
  let text: string;
  try {
    text = await readFile(runtime.paths.notifications, 'utf8');
  } catch {
    return undefined;
  }
  const lines = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Partial<CircuitNotificationLine>);
  const opened = lines.find((line) => line.event === 'circuit-open');
  const closed = lines.find((line) => line.event === 'circuit-closed');
  if (!opened?.at || !closed?.at) return undefined;
  return { openedAt: Date.parse(opened.at), closedAt: Date.parse(closed.at) };
}

/** The `api.maxConcurrentCalls` scenario: calls in flight under a backlog. */
async function measureConcurrency(
  stub: ApiStub,
  sizes: ApiProtectionSizes,
  progress: (line: string) => void,
): Promise<{
  figures: Record<string, number>;
  table: SectionResult['tables'][number];
  batchSize: number | undefined;
  notes: string[];
}> {
  const cases: Case[] = [];
  for (const concurrentBatches of CONCURRENT_BATCHES) {
    progress(
      `api protection: ${sizes.backlogFiles} files, maxConcurrentCalls ${sizes.maxConcurrentCalls}, ${concurrentBatches} batch(es) at once`,
    );
    cases.push(
      await withLocalRuntime(
        {
          apiUrl: stub.url,
          config: {
            api: { maxConcurrentCalls: sizes.maxConcurrentCalls },
            local: { queue: { concurrentBatches } },
          },
        },
        async (runtime) => {
          const times = new PipelineWatch(runtime);
          try {
            await stub.reset();
            const written = await writeFiles(runtime.inboxDir, 'backlog', sizes.backlogFiles);
            await times.waitFor(
              written.map((file) => file.key),
              sizes.timeoutMs,
            );
            const stats = await stub.stats();
            const batchSize = runtime.config.batch.size;
            return {
              concurrentBatches,
              batchSize,
              ceiling: Math.min(batchSize, sizes.maxConcurrentCalls) * concurrentBatches,
              observedMax: stats.maxInFlight,
              calls: stats.calls,
            };
          } finally {
            times.stop();
          }
        },
      ),
    );
  }
  const figures: Record<string, number> = {
    maxConcurrentCalls: sizes.maxConcurrentCalls,
    backlogFiles: sizes.backlogFiles,
  };
  for (const c of cases) {
    figures[`ceilingWith${c.concurrentBatches}Batches`] = c.ceiling;
    figures[`observedMaxInFlightWith${c.concurrentBatches}Batches`] = c.observedMax;
    figures[`apiCallsWith${c.concurrentBatches}Batches`] = c.calls;
  }
  return {
    figures,
    batchSize: cases[0]?.batchSize,
    table: {
      title: 'calls in flight: a backlog against api.maxConcurrentCalls',
      columns: [
        'api.maxConcurrentCalls',
        'batches at once',
        'ceiling',
        'max in flight at the stub',
        'API calls',
      ],
      rows: cases.map((c) => [
        sizes.maxConcurrentCalls,
        c.concurrentBatches,
        c.ceiling,
        c.observedMax,
        c.calls,
      ]),
    },
    notes: [
      'The concurrency limit holds per batch: calls in flight are at most maxConcurrentCalls × the batches processed at once (locally `local.queue.concurrentBatches`; on AWS the enrichment invocations running at once, capped only by a reserved concurrency when one is set); api.rateLimit is what bounds the fleet.',
    ],
  };
}
