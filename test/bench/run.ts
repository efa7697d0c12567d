/**
 * `npm run bench` (`node bin/bench.js`): measures b2a against its limits and against the naive design,
 * prints one table per section and writes every figure, with the machine, to a JSON file.
 *
 *   node bin/bench.js                 the full run (a few minutes); writes test/bench/results.json
 *   node bin/bench.js --quick         small sizes, a smoke test (writes nothing unless --out is given)
 *   node bin/bench.js --out f.json    write the figures there
 *   node bin/bench.js --only cli,bundles   some sections only
 *   node bin/bench.js --backfill-objects 100000   the backfill section on a bigger inbox
 *
 * It asserts nothing about time: the figures are for reading.
 */
import { fileURLToPath } from 'node:url';
import { writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ApiProtectionSizes } from './api-protection.js';
import { startApiStub } from './api-stub.js';
import type { AwsCostSizes } from './aws-cost.js';
import type { BackfillSizes } from './backfill-planning.js';
import type { BundleSizes } from './bundles.js';
import type { CliSizes } from './cli-timing.js';
import { BenchUsageError } from './errors.js';
import {
  machineInfo,
  formatSection,
  SECTIONS,
  type BenchResults,
  type SectionKey,
  type SectionResult,
} from './report.js';
import type { ThroughputSizes } from './throughput.js';

/** Every size of a run. */
export interface BenchSizes {
  /** Fixed latency of the stub API. */
  readonly apiLatencyMs: number;
  readonly throughput: ThroughputSizes;
  readonly apiProtection: ApiProtectionSizes;
  readonly awsCost: AwsCostSizes;
  readonly bundles: BundleSizes;
  readonly cli: CliSizes;
  readonly backfill: BackfillSizes;
}

const FULL: BenchSizes = {
  apiLatencyMs: 20,
  throughput: {
    burstFiles: 3000,
    trickleFiles: 100,
    trickleRatePerSecond: 20,
    storeOperations: 2000,
    naiveFiles: 500,
    timeoutMs: 180_000,
  },
  apiProtection: {
    maxConcurrentCalls: 4,
    backlogFiles: 400,
    timeoutMs: 60_000,
    rateLimit: { perSecond: 20, files: 500 },
    outage: { files: 100, outageSeconds: 20, failureThreshold: 5, probeSeconds: 2 },
  },
  awsCost: { files: 1000, naiveFiles: 200 },
  bundles: { importRuns: 7 },
  cli: { helpRuns: 21, jobs: 100_000, failedJobs: 1000, listRuns: 11, scanRuns: 3 },
  // The sends are paced at the rate limit: half of 20,000 objects take 200 s at 50/s, where 100,000
  // took 19 of a 23-minute run for the same per-object figures (--backfill-objects 100000 for those).
  backfill: { objects: 20_000, apiRateLimitPerSecond: 50 },
};

const QUICK: BenchSizes = {
  apiLatencyMs: 20,
  throughput: {
    burstFiles: 200,
    trickleFiles: 10,
    trickleRatePerSecond: 20,
    storeOperations: 200,
    naiveFiles: 30,
    timeoutMs: 60_000,
  },
  apiProtection: {
    maxConcurrentCalls: 4,
    backlogFiles: 60,
    timeoutMs: 30_000,
    rateLimit: { perSecond: 20, files: 30 },
    outage: { files: 8, outageSeconds: 2, failureThreshold: 3, probeSeconds: 1 },
  },
  awsCost: { files: 100, naiveFiles: 20 },
  bundles: { importRuns: 3 },
  cli: { helpRuns: 5, jobs: 2000, failedJobs: 20, listRuns: 3, scanRuns: 2 },
  backfill: { objects: 2000, apiRateLimitPerSecond: 50 },
};

/** Where a full run of every section writes its figures (committed with docs/benchmarks.md). */
export const DEFAULT_RESULTS_FILE = resolve(fileURLToPath(new URL('.', import.meta.url)), 'results.json');

const USAGE = `usage: node bin/bench.js [--quick] [--out <file.json>] [--only <section,...>] [--backfill-objects <n>]

  --quick             small sizes: a smoke test of every section (about 20 s)
  --out               where to write the figures (default: test/bench/results.json, for a full run of every section)
  --only              some sections: ${Object.keys(SECTIONS).join(', ')}
  --backfill-objects  objects in the backfill section's inbox (default: ${FULL.backfill.objects.toLocaleString('en-US')}, --quick: ${QUICK.backfill.objects.toLocaleString('en-US')})
`;

interface RunOptions {
  readonly quick: boolean;
  readonly help: boolean;
  readonly out?: string;
  readonly only?: readonly SectionKey[];
  readonly backfillObjects?: number;
}

/** @throws BenchUsageError when the arguments are not understood */
function parseOptions(argv: readonly string[]): RunOptions {
  let values: { quick?: boolean; help?: boolean; out?: string; only?: string; 'backfill-objects'?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        out: { type: 'string' },
        only: { type: 'string' },
        'backfill-objects': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error), { cause: error });
  }
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !(name in SECTIONS));
  if (unknown && unknown.length > 0) {
    throw new BenchUsageError(`--only: unknown section(s) ${unknown.join(', ')}`);
  }
  const backfillObjects = values['backfill-objects'];
  // Two objects at least: the section gives a job to every second one and backfills the others.
  if (backfillObjects !== undefined && !/^[0-9]+$/.test(backfillObjects)) {
    throw new BenchUsageError(`--backfill-objects: expected a whole number, got ${backfillObjects}`);
  }
  if (backfillObjects !== undefined && Number(backfillObjects) < 2) {
    throw new BenchUsageError('--backfill-objects: 2 at least (half of them get a job first)');
  }
  return {
    quick: values.quick ?? false,
    help: values.help ?? false,
    ...(values.out ? { out: resolve(values.out) } : {}),
    ...(only ? { only: only as SectionKey[] } : {}),
    ...(backfillObjects !== undefined ? { backfillObjects: Number(backfillObjects) } : {}),
  };
}

/** The sections that call the stub API. */
const NEEDS_API: readonly SectionKey[] = ['throughput', 'naive', 'awsCost', 'apiProtection'];

/** Runs the benchmark; returns the exit code. */
export async function runBench(argv: readonly string[]): Promise<number> {
  let options: RunOptions;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const base = options.quick ? QUICK : FULL;
  const sizes: BenchSizes =
    options.backfillObjects === undefined
      ? base
      : { ...base, backfill: { ...base.backfill, objects: options.backfillObjects } };
  const wanted = (key: SectionKey): boolean => !options.only || options.only.includes(key);
  const progress = (line: string): void => {
    process.stderr.write(`bench: ${line}\n`);
  };
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg().map((load) => Math.round(load * 100) / 100);
  const machine = await machineInfo();
  process.stdout.write(
    `# b2a benchmark (${options.quick ? 'quick' : 'full'} run) on ${machine.cpus} × ${machine.cpuModel}, Node.js ${machine.node}\n\n`,
  );
  const sections: Partial<Record<SectionKey, SectionResult>> = {};
  const report = (key: SectionKey, section: SectionResult): void => {
    sections[key] = section;
    process.stdout.write(`${formatSection(section)}\n`);
  };

  // Each section's modules are loaded when it runs, so that section 1's memory figures are not
  // inflated by what later sections load (esbuild, aws-cdk-lib, SDK mocks).
  const stub = NEEDS_API.some(wanted) ? await startApiStub({ latencyMs: sizes.apiLatencyMs }) : undefined;
  try {
    if (stub && (wanted('throughput') || wanted('naive'))) {
      const { measureThroughput } = await import('./throughput.js');
      const { throughput, naive } = await measureThroughput(stub, sizes.throughput, progress);
      if (wanted('throughput')) report('throughput', throughput);
      if (wanted('naive')) report('naive', naive);
    }
    if (stub && wanted('awsCost')) {
      const { measureAwsCost } = await import('./aws-cost.js');
      report('awsCost', await measureAwsCost(stub, sizes.awsCost, progress));
    }
    if (wanted('bundles')) {
      const { measureBundles } = await import('./bundles.js');
      report('bundles', await measureBundles(sizes.bundles, progress));
    }
    if (wanted('cli')) {
      const { measureCli } = await import('./cli-timing.js');
      report('cli', await measureCli(sizes.cli, progress));
    }
    if (wanted('backfill')) {
      const { measureBackfill } = await import('./backfill-planning.js');
      report('backfill', await measureBackfill(sizes.backfill, progress));
    }
    if (stub && wanted('apiProtection')) {
      const { measureApiProtection } = await import('./api-protection.js');
      report('apiProtection', await measureApiProtection(stub, sizes.apiProtection, progress));
    }
  } finally {
    await stub?.stop();
  }

  const results: BenchResults = {
    b2aBench: 1,
    mode: options.quick ? 'quick' : 'full',
    startedAt,
    durationSeconds: Math.round((performance.now() - started) / 100) / 10,
    machine,
    sizes,
    loadAverage: { atStart: loadAtStart, atEnd: loadavg().map((load) => Math.round(load * 100) / 100) },
    sections,
  };
  const out = options.out ?? (!options.quick && !options.only ? DEFAULT_RESULTS_FILE : undefined);
  if (out) {
    // Formatted as the repository's prettier config wants, so a committed results.json passes `npm run lint`.
    const { format, resolveConfig } = await import('prettier');
    const config = (await resolveConfig(out)) ?? {};
    await writeFile(out, await format(JSON.stringify(results), { ...config, filepath: out }));
    progress(`figures written to ${out}`);
  }
  progress(
    `done in ${results.durationSeconds} s; load average ${results.loadAverage.atStart.join(' ')} at the start, ${results.loadAverage.atEnd.join(' ')} at the end`,
  );
  return 0;
}

process.exitCode = await runBench(process.argv.slice(2));
