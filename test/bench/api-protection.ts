/**
 * Section 6: does `api.maxConcurrentCalls` protect the API? A backlog is dropped in the inbox of a
 * runtime limited to N calls in flight, and the stub reports the most calls it ever held at once.
 */
import type { ApiStub } from './api-stub.js';
import { PipelineWatch, withLocalRuntime, writeFiles } from './local-pipeline.js';
import { SECTIONS, type SectionResult } from './report.js';

/** Sizes of section 6. */
export interface ApiProtectionSizes {
  /** The limit under test (`api.maxConcurrentCalls`). */
  readonly maxConcurrentCalls: number;
  /** Files dropped at once: enough for many batches. */
  readonly backlogFiles: number;
  readonly timeoutMs: number;
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
    title: SECTIONS.apiProtection,
    figures,
    tables: [
      {
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
    ],
    setup: { apiLatencyMs: stub.latencyMs, backlogFiles: sizes.backlogFiles, batchSize: cases[0]?.batchSize },
    notes: [
      'The limit holds per batch: calls in flight are at most maxConcurrentCalls × the batches processed at once (locally `local.queue.concurrentBatches`; on AWS the enrichment’s reserved concurrency).',
      'To give an API N calls at most, set maxConcurrentCalls × concurrent batches (or reserved concurrency) = N.',
    ],
  };
}
