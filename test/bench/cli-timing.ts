/**
 * Section 5: the CLI. How long `b2a --help` takes against a bare `node -e 0`, as installed (the CLI
 * compiled by `npm ci`, built here first if it is not fresh) and from the sources through tsx (the
 * start-up before issue 14); and how `b2a jobs --failed` fares on a table of many jobs, few of them
 * failed, against the full scan a store without a status index would need. The jobs live in
 * dynalite, seeded through BatchWriteItem; the CLI reaches them through `--env local`, as it reaches
 * a running local runtime's store.
 *
 * The machine is shared: every process compared is spawned the same way (this Node.js, the same
 * environment) in rounds of one spawn each, their order rotating from round to round, so that a busy
 * moment weighs on every side alike; ratios are of medians, with the spread of the per-round ratios.
 */
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { DynamoDbJobRepository } from '../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { jobsTableDefinition, JOBS_TABLE } from '../../pipeline-functions/adapters/aws/jobs-table.js';
import type { ObjectRef } from '../../pipeline-functions/core/model.js';
import { localPaths, LOCAL_TABLE_NAME } from '../../pipeline-functions/local/data-dir.js';
import { writeRuntimeInfo } from '../../pipeline-functions/local/runtime-file.js';
import { selectJobs } from '../../pipeline-functions/core/use-cases/admin/job-selection.js';
import { DEFAULT_LIMIT } from '../../cli/commands/jobs.js';
import { FAKE_CREDENTIALS, startDynalite } from '../support/dynalite.js';
import { seedJobs, storedJob } from './seed-jobs.js';
import { BenchError } from './errors.js';
import { median, percentile, repeat, round, runProcess, type ProcessRun } from './measure.js';
import { buildCli, freshCli } from '../../bin/cli-build.js';
import { figureTable, goal, SECTIONS, type SectionResult } from './report.js';

/** Sizes of section 5. */
export interface CliSizes {
  /** Rounds of `b2a --help` (compiled, through tsx) and `node -e 0`, one spawn each. */
  readonly helpRuns: number;
  /** Jobs in the table, and how many of them FAILED. */
  readonly jobs: number;
  readonly failedJobs: number;
  /**
   * Runs of each listing (CLI process, repository path); the CLI's in rounds with `node -e 0`,
   * `b2a --help` and an import of the DynamoDB client alone, which say what its time is made of.
   */
  readonly listRuns: number;
  readonly scanRuns: number;
}

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const B2A = join(ROOT, 'bin/b2a.js');

/**
 * Node.js loading the DynamoDB client and the document client and nothing else, with `require()` as
 * the compiled CLI loads them (bin/cli-build.js): the share of the SDK in `b2a jobs`.
 */
const REQUIRE_DYNAMODB_CLIENT = [
  '-e',
  "require('@aws-sdk/client-dynamodb'); require('@aws-sdk/lib-dynamodb')",
];

/** Node.js loading zod and nothing else: the local store's admin validates its config with it. */
const IMPORT_ZOD = ['--input-type=module', '-e', "await import('zod')"];

/** Issue 14's goal: `b2a jobs --failed` on 100k jobs, as a process, in this many ms. */
const GOAL_JOBS_FAILED_MS = 300;

/** Issue 14's goal: `b2a --help` within this many times `node -e 0`. */
const GOAL_HELP_OVER_NODE = 2.5;
const BUCKET = 'local-inbox';

/** Measures section 5. */
export async function measureCli(sizes: CliSizes, progress: (line: string) => void): Promise<SectionResult> {
  if (!freshCli()) {
    progress('cli: compiling the CLI (npm ci does it through `prepare`)');
    if (!(await buildCli())) throw new BenchError('esbuild is missing: the compiled CLI cannot be built');
  }
  progress(`cli: b2a --help (compiled, and through tsx) and node -e 0, ${sizes.helpRuns} rounds`);
  const withoutColor: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  const { B2A_FROM_SOURCE: _fromSource, ...env } = withoutColor;
  const sourceEnv = { ...env, B2A_FROM_SOURCE: '1' };
  const spawnNode = (args: readonly string[], spawnEnv = env): Promise<ProcessRun> =>
    runProcess(process.execPath, args, { env: spawnEnv, cwd: ROOT });
  const start = await rounds(sizes.helpRuns, {
    help: () => spawnNode([B2A, '--help']),
    fromSource: () => spawnNode([B2A, '--help'], sourceEnv),
    bare: () => spawnNode(['-e', '0']),
  });
  const helpRatio = ratioOf(start.help, start.bare);

  const db = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: 'us-east-1',
    credentials: FAKE_CREDENTIALS,
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'b2a-bench-cli-'));
  try {
    await client.send(new CreateTableCommand(jobsTableDefinition(LOCAL_TABLE_NAME)));
    progress(`cli: seeding ${sizes.jobs} jobs (${sizes.failedJobs} FAILED) through BatchWriteItem`);
    const seedStarted = performance.now();
    const every = Math.floor(sizes.jobs / sizes.failedJobs);
    await seedJobs(
      client,
      sizes.jobs,
      (i) => {
        const failed = i % every === 0 && i / every < sizes.failedJobs;
        return storedJob(invoiceObject(i), i, failed ? 'FAILED' : 'SUCCEEDED');
      },
      (written) => progress(`cli: ${written} jobs seeded`),
    );
    const seedMs = performance.now() - seedStarted;
    // The CLI finds a local store through runtime.json; this one names the benchmark's dynalite.
    const paths = localPaths(dataDir);
    await writeRuntimeInfo(paths.runtime, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      dataDir,
      bucket: BUCKET,
      inboxDir: paths.inbox,
      dynamodbEndpoint: db.endpoint,
      apiUrl: 'http://127.0.0.1:9/',
      objectServerUrl: 'http://127.0.0.1:9/',
    });

    progress(
      `cli: b2a jobs --failed, ${sizes.listRuns} rounds (with node -e 0, --help, the DynamoDB client)`,
    );
    const cliArgs = [B2A, '--env', 'local', '--data-dir', dataDir, '--json', 'jobs', '--failed'];
    let cliStdout = '[]';
    const listing = await rounds(sizes.listRuns, {
      jobs: async () => {
        const run = await spawnNode(cliArgs);
        cliStdout = run.stdout;
        return run;
      },
      help: () => spawnNode([B2A, '--help']),
      dynamodbClient: () => spawnNode(REQUIRE_DYNAMODB_CLIENT),
      zod: () => spawnNode(IMPORT_ZOD),
      bare: () => spawnNode(['-e', '0']),
    });
    const cliRows = (JSON.parse(cliStdout) as unknown[]).length;
    // Each part, round by round (a difference of spawns a second apart), then the median over rounds.
    const parts = listing.jobs.map((jobsMs, i) => {
      const bareMs = listing.bare[i] ?? Number.NaN;
      const program = (listing.help[i] ?? Number.NaN) - bareMs;
      const dynamodbClient = (listing.dynamodbClient[i] ?? Number.NaN) - bareMs;
      const zod = (listing.zod[i] ?? Number.NaN) - bareMs;
      return { program, dynamodbClient, zod, rest: jobsMs - bareMs - program - dynamodbClient - zod };
    });
    const medianPart = (part: keyof (typeof parts)[number]): number =>
      round(median(parts.map((p) => p[part])), 1);

    const jobs = new DynamoDbJobRepository(client, { tableName: LOCAL_TABLE_NAME });
    const firstPage = await repeat(sizes.listRuns, () =>
      timed(() => selectJobs(jobs, { statuses: ['FAILED'], limit: DEFAULT_LIMIT })),
    );
    const allFailed = await repeat(sizes.listRuns, () =>
      timed(() => selectJobs(jobs, { statuses: ['FAILED'] })),
    );
    const allFailedCount = allFailed[0]?.result.length ?? 0;

    progress(`cli: full scan of ${sizes.jobs} jobs, ${sizes.scanRuns} times`);
    const scans = await repeat(sizes.scanRuns, () => timed(() => scanForFailed(client)));
    const scan = scans[0]?.result;
    if (!scan || scan.matched !== sizes.failedJobs || allFailedCount !== sizes.failedJobs) {
      throw new BenchError(
        `expected ${sizes.failedJobs} FAILED jobs; the index found ${allFailedCount}, the scan ${scan?.matched}`,
      );
    }

    const figures = {
      helpMsMedian: round(median(start.help), 1),
      nodeStartMsMedian: round(median(start.bare), 1),
      helpOverNodeStartMs: round(median(start.help) - median(start.bare), 1),
      helpOverNodeStartRatio: round(helpRatio.ratio, 2),
      helpOverNodeStartRatioP25: round(helpRatio.p25, 2),
      helpOverNodeStartRatioP75: round(helpRatio.p75, 2),
      helpFromSourceMsMedian: round(median(start.fromSource), 1),
      helpFromSourceOverNodeStartRatio: round(ratioOf(start.fromSource, start.bare).ratio, 2),
      jobs: sizes.jobs,
      failedJobs: sizes.failedJobs,
      seedSeconds: round(seedMs / 1000, 1),
      cliJobsFailedMsMedian: round(median(listing.jobs), 1),
      cliJobsFailedMsP25: round(percentile(listing.jobs, 25), 1),
      cliJobsFailedMsP75: round(percentile(listing.jobs, 75), 1),
      cliJobsFailedRows: cliRows,
      // What the listing's time is made of, from the spawns of the same rounds.
      jobsNodeStartMs: round(median(listing.bare), 1),
      jobsProgramStartMs: medianPart('program'),
      jobsDynamodbClientImportMs: medianPart('dynamodbClient'),
      jobsZodImportMs: medianPart('zod'),
      jobsRestMs: medianPart('rest'),
      firstPageMsMedian: round(median(firstPage.map((r) => r.ms)), 1),
      firstPageItemsRead: firstPage[0]?.result.length ?? 0,
      allFailedMsMedian: round(median(allFailed.map((r) => r.ms)), 1),
      allFailedItemsRead: allFailedCount,
      scanMsMedian: round(median(scans.map((r) => r.ms)), 1),
      scanItemsRead: scan.scanned,
      scanPages: scan.pages,
      scanOverIndexTime: round(median(scans.map((r) => r.ms)) / median(allFailed.map((r) => r.ms)), 1),
    };
    return {
      title: SECTIONS.cli,
      figures,
      goals: [
        goal(
          'b2a --help',
          figures.helpOverNodeStartRatio,
          '× node -e 0',
          { max: GOAL_HELP_OVER_NODE },
          {
            baseline: figures.helpFromSourceOverNodeStartRatio,
            boundBy:
              `Node.js itself (${figures.nodeStartMsMedian} ms) plus loading commander and the program ` +
              `(${figures.helpOverNodeStartMs} ms); per-round ratios ${figures.helpOverNodeStartRatioP25}–` +
              `${figures.helpOverNodeStartRatioP75} (p25–p75)`,
          },
        ),
        goal(
          'b2a jobs --failed',
          figures.cliJobsFailedMsMedian,
          'ms',
          { max: GOAL_JOBS_FAILED_MS },
          {
            boundBy:
              `Node.js (${figures.jobsNodeStartMs} ms), commander and the program (${figures.jobsProgramStartMs} ms), ` +
              `the DynamoDB client (${figures.jobsDynamodbClientImportMs} ms), zod for the local store's ` +
              `config (${figures.jobsZodImportMs} ms), then the rest (${figures.jobsRestMs} ms: reading the ` +
              `config, the Query, its first page in ${figures.firstPageMsMedian} ms in process, JSON out)`,
          },
        ),
      ],
      tables: [
        figureTable([
          [
            'b2a --help',
            figures.helpMsMedian,
            `ms, median of ${sizes.helpRuns} rounds (compiled at install)`,
          ],
          [
            'b2a --help ÷ node -e 0',
            figures.helpOverNodeStartRatio,
            `ratio of medians; per-round ratios ${figures.helpOverNodeStartRatioP25}–${figures.helpOverNodeStartRatioP75} (p25–p75)`,
          ],
          [
            'b2a --help through tsx',
            figures.helpFromSourceMsMedian,
            'ms, the same from the sources (before)',
          ],
          ['node -e 0', figures.nodeStartMsMedian, 'ms, the same, for Node.js alone'],
          ['b2a start-up cost', figures.helpOverNodeStartMs, 'ms over Node.js (commander, the program)'],
          [
            'b2a jobs --failed',
            figures.cliJobsFailedMsMedian,
            `ms, median of ${sizes.listRuns} rounds (p25–p75 ${figures.cliJobsFailedMsP25}–${figures.cliJobsFailedMsP75})`,
          ],
          ['  Node.js start', figures.jobsNodeStartMs, 'ms (node -e 0 in the same rounds)'],
          ['  commander and the program', figures.jobsProgramStartMs, 'ms (b2a --help over node -e 0)'],
          [
            '  the DynamoDB client',
            figures.jobsDynamodbClientImportMs,
            'ms (requiring @aws-sdk/client-dynamodb and lib-dynamodb alone, over node -e 0)',
          ],
          [
            '  zod',
            figures.jobsZodImportMs,
            "ms (importing zod alone, over node -e 0: the local store's config validation)",
          ],
          ['  the rest', figures.jobsRestMs, 'ms (reading the config, the Query, output)'],
        ]),
        {
          title: `${sizes.jobs.toLocaleString('en-US')} jobs, ${sizes.failedJobs.toLocaleString('en-US')} FAILED`,
          columns: ['how', 'ms (median)', 'items read', 'rows'],
          rows: [
            ['`b2a jobs --failed` (CLI process, first 50)', figures.cliJobsFailedMsMedian, cliRows, cliRows],
            [
              'status index, first 50 (in process)',
              figures.firstPageMsMedian,
              figures.firstPageItemsRead,
              figures.firstPageItemsRead,
            ],
            [
              'status index, every FAILED job (in process)',
              figures.allFailedMsMedian,
              allFailedCount,
              allFailedCount,
            ],
            [
              `full Scan with a filter (${scan.pages} pages)`,
              figures.scanMsMedian,
              scan.scanned,
              scan.matched,
            ],
          ],
        },
      ],
      setup: {
        store: 'dynalite in memory, in the benchmark process; the CLI process reaches it over loopback HTTP',
        cli: `node bin/b2a.js --env local --data-dir <tmp> --json jobs --failed (--limit ${DEFAULT_LIMIT})`,
        helpRuns: sizes.helpRuns,
        listRuns: sizes.listRuns,
        scanRuns: sizes.scanRuns,
      },
      notes: [
        'The CLI runs as `npm ci` leaves it: compiled by bin/cli-build.js (esbuild; each command’s modules in chunks loaded when it runs). “Through tsx” is B2A_FROM_SOURCE=1, what bin/b2a.js falls back to when a source is newer than the build.',
        'The CLI process time includes Node.js start-up, loading the AWS SDK and one Query of the status index. Processes are compared in rounds of one spawn each, in an order rotating from round to round; the parts of `b2a jobs --failed` are differences within a round (e.g. `b2a --help` minus `node -e 0`), their medians over the rounds, so they need not add up to its median exactly.',
        'In process, the listing is the CLI’s own code path (pipeline-functions/core/use-cases/admin/job-selection.ts over DynamoDbJobRepository.listByStatus); the scan reads every item, as a table without the status index would have to.',
        'dynalite is far slower than DynamoDB per item, so the absolute times say little about AWS; items read (what DynamoDB bills) says the same thing on both.',
      ],
    };
  } finally {
    client.destroy();
    await db.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The `index`-th invoice object of the seeded table. */
function invoiceObject(index: number): ObjectRef {
  return {
    bucket: BUCKET,
    key: `invoices/2026/11/invoice-${String(index).padStart(7, '0')}.json`,
    etag: `${String(index).padStart(8, '0')}f00b204e9800998ecf8427e`,
    size: 1234,
  };
}

/**
 * Runs every side once a round, `count` rounds, starting each round one side further along, and
 * returns each side's wall times.
 */
async function rounds<K extends string>(
  count: number,
  sides: Readonly<Record<K, () => Promise<ProcessRun>>>,
): Promise<Record<K, number[]>> {
  const keys = Object.keys(sides) as K[];
  const times = Object.fromEntries(keys.map((key) => [key, [] as number[]])) as Record<K, number[]>;
  await repeat(count, async (round) => {
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(round + i) % keys.length] as K;
      times[key].push((await sides[key]()).wallMs);
    }
  });
  return times;
}

/** The ratio of the medians, and the quartiles of the ratios round by round (the spread). */
function ratioOf(
  numerator: readonly number[],
  denominator: readonly number[],
): { readonly ratio: number; readonly p25: number; readonly p75: number } {
  const perRound = numerator.map((value, i) => value / (denominator[i] ?? Number.NaN));
  return {
    ratio: median(numerator) / median(denominator),
    p25: percentile(perRound, 25),
    p75: percentile(perRound, 75),
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ readonly ms: number; readonly result: T }> {
  const started = performance.now();
  const result = await fn();
  return { ms: performance.now() - started, result };
}

/** Scans the whole table for FAILED jobs, as a store without a status index would have to. */
async function scanForFailed(
  client: DynamoDBClient,
): Promise<{ scanned: number; matched: number; pages: number }> {
  let scanned = 0;
  let matched = 0;
  let pages = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: LOCAL_TABLE_NAME,
        FilterExpression: '#status = :failed',
        ExpressionAttributeNames: { '#status': JOBS_TABLE.statusIndexPartitionKey },
        ExpressionAttributeValues: { ':failed': { S: 'FAILED' } },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    scanned += page.ScannedCount ?? 0;
    matched += page.Count ?? 0;
    pages++;
    start = page.LastEvaluatedKey;
  } while (start);
  return { scanned, matched, pages };
}
