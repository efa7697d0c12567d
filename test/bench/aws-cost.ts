/**
 * Section 3: the AWS requests b2a makes per file, and what they cost per million files, against the
 * naive design. The real handlers are built by the Lambda composition root with the real AWS
 * adapters, on SDK clients mocked by aws-sdk-client-mock (see aws-mocks.ts), and run over batches of
 * the prod stage's batch size, as the pipe would; the API calls go to the stub API. What happens
 * outside the functions (EventBridge, SQS, Pipes, Lambda invocations) follows from the batches run.
 */
import { S3ObjectSource } from '../../pipeline-functions/adapters/aws/s3-object-source.js';
import { SnsNotifier } from '../../pipeline-functions/adapters/aws/sns-notifier.js';
import { SsmEnabledFlag } from '../../pipeline-functions/adapters/aws/ssm-enabled-flag.js';
import { DynamoDbJobRepository } from '../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { DEFAULT_RETENTION_DAYS } from '../../pipeline-functions/adapters/aws/jobs-table.js';
import { HttpDownstreamApi } from '../../pipeline-functions/adapters/http/downstream-api.js';
import type { PipelineConfig } from '../../pipeline-functions/core/config.js';
import { ENV } from '../../pipeline-functions/core/names.js';
import { systemClock } from '../../pipeline-functions/core/ports.js';
import type { PipeSqsRecord } from '../../pipeline-functions/handlers/enrichment.js';
import type { PipelineLogger } from '../../pipeline-functions/lambda/composition-root.js';
import { buildEnrichment } from '../../pipeline-functions/lambda/enrichment.js';
import { buildTarget } from '../../pipeline-functions/lambda/target.js';
import { prod } from '../../infra/config/prod.js';
import { s3Event, sqsRecord } from '../support/fakes.js';
import { FAIL_ONCE_MARK, type ApiStub } from './api-stub.js';
import { mockAws, MOCK_LATENCY_MS, type AwsOperation, type MockedAws } from './aws-mocks.js';
import { SLOTS_PER_SHARE } from '../../pipeline-functions/core/admission/rate-limiter.js';
import {
  costPerMillionFiles,
  jobWriteUnits,
  lambdaGbSeconds,
  listRequestsFor,
  lookupReadUnitsFor,
  PRICES,
  rateLimiterWritesPerFile,
  type UsageKind,
  type UsagePerFile,
} from './cost-model.js';
import { BenchError } from './errors.js';
import { FakeJobsTable, type ConsumedCapacity } from './fake-jobs-table.js';
import { lambdaEnvironment, prodPipelineConfig } from './lambda-environment.js';
import { sum, round } from './measure.js';
import { naiveDeliver, type NaiveDeps } from './naive.js';
import { goal, SECTIONS, type Cell, type SectionResult } from './report.js';

/** Sizes of section 3. */
export interface AwsCostSizes {
  /** Files per b2a scenario. */
  readonly files: number;
  /** Files per naive scenario (handled one at a time, so slower to run). */
  readonly naiveFiles: number;
}

/** Share of files whose first API call fails (503) in the retry scenarios. */
const RETRY_SHARE = 0.05;

/** The naive design's reprocessing: a full scan of the jobs table every hour. */
const SCANS_PER_HOUR = 1;

/** Messages the pipe takes from SQS per ReceiveMessage, and deletes per DeleteMessageBatch (SQS's maximum). */
const SQS_BATCH = 10;

/** A Lambda logger that drops everything: the benchmark's stdout is for its tables. */
const SILENT_LOGGER: PipelineLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  appendPersistentKeys: () => undefined,
  addContext: () => undefined,
};

interface Scenario {
  readonly id: string;
  readonly label: string;
  readonly design: 'b2a' | 'naive';
  readonly flag: 'on' | 'off';
  readonly retryShare: number;
}

const SCENARIOS: readonly Scenario[] = [
  { id: 'b2a', label: 'b2a', design: 'b2a', flag: 'on', retryShare: 0 },
  { id: 'b2aRetries', label: 'b2a, 5% retried', design: 'b2a', flag: 'on', retryShare: RETRY_SHARE },
  { id: 'b2aFlagOff', label: 'b2a, flag off', design: 'b2a', flag: 'off', retryShare: 0 },
  { id: 'naive', label: 'naive', design: 'naive', flag: 'on', retryShare: 0 },
  { id: 'naiveRetries', label: 'naive, 5% failed', design: 'naive', flag: 'on', retryShare: RETRY_SHARE },
];

/** What one scenario did. */
interface Measured {
  readonly scenario: Scenario;
  readonly files: number;
  readonly counts: ReadonlyMap<AwsOperation, number>;
  readonly capacity: ConsumedCapacity;
  readonly apiCalls: number;
  readonly meanItemBytes: number;
  /** Lambda invocations and their durations (b2a: enrichment and target per batch). */
  readonly invocations: { readonly memoryMb: number; readonly durationsMs: readonly number[] }[];
  /** Pipe batches (b2a only). */
  readonly batches: number;
  /** Messages the pipe delivered, retries and redeliveries included (b2a only). */
  readonly messages: number;
  /** Schedules created, each fired once (b2a only). */
  readonly schedules: number;
}

interface FileSpec {
  readonly key: string;
  readonly versionId: string;
  readonly etag: string;
  readonly size: number;
}

function filesFor(count: number, retryShare: number): FileSpec[] {
  const every = retryShare > 0 ? Math.round(1 / retryShare) : 0;
  return Array.from({ length: count }, (_, i) => ({
    key: `incoming/2026/11/21/invoice-${String(i).padStart(7, '0')}${every && i % every === every - 1 ? `-${FAIL_ONCE_MARK}` : ''}.json`,
    versionId: `v${i}.Jb1ZtTmUKGbOq4C4aa0sVkPq`,
    etag: '6f5902ac237024bdd0c176cb93063dc4',
    size: 201,
  }));
}

/** Measures section 3. */
export async function measureAwsCost(
  stub: ApiStub,
  sizes: AwsCostSizes,
  progress: (line: string) => void,
): Promise<SectionResult> {
  const config = prodPipelineConfig(stub.url);
  const mocked = mockAws(new FakeJobsTable({ statusIndex: true }));
  const measured: Measured[] = [];
  try {
    for (const scenario of SCENARIOS) {
      const count = scenario.design === 'b2a' ? sizes.files : sizes.naiveFiles;
      progress(`aws cost: ${scenario.label}, ${count} files`);
      const files = filesFor(count, scenario.retryShare);
      measured.push(
        scenario.design === 'b2a'
          ? await runB2a(mocked, stub, config, scenario, files)
          : await runNaive(mocked, stub, config, scenario, files),
      );
    }
  } finally {
    mocked.restore();
  }
  return costSection(measured, config, stub);
}

async function prepare(
  mocked: MockedAws,
  stub: ApiStub,
  scenario: Scenario,
  statusIndex: boolean,
): Promise<void> {
  mocked.table = new FakeJobsTable({ statusIndex });
  mocked.flag = scenario.flag;
  mocked.reset();
  await stub.reset();
}

/** The b2a pipe over SQS, in batches: enrichment, then target; failures and fired retries come back. */
async function runB2a(
  mocked: MockedAws,
  stub: ApiStub,
  config: PipelineConfig,
  scenario: Scenario,
  files: readonly FileSpec[],
): Promise<Measured> {
  await prepare(mocked, stub, scenario, true);
  // New containers per scenario: a cold start's one-off calls (the API secret) count once per scenario.
  const options = { env: lambdaEnvironment(config), clients: mocked.clients, logger: SILENT_LOGGER };
  const enrichment = await buildEnrichment(options);
  const target = await buildTarget(options);
  const enrichmentMs: number[] = [];
  const targetMs: number[] = [];
  let pending: PipeSqsRecord[] = files.map((file, i) =>
    sqsRecord(`msg-${i}`, s3Event(file.key, { bucket: 'b2a-prod-inbox', ...file })),
  );
  let batches = 0;
  let messages = 0;
  let firedSchedules = 0;
  for (let round = 0; pending.length > 0; round++) {
    if (round > config.retry.maxAttempts + 2)
      throw new BenchError(`messages still pending after ${round} rounds`);
    const next: PipeSqsRecord[] = [];
    for (let i = 0; i < pending.length; i += config.batch.size) {
      const batch = pending.slice(i, i + config.batch.size);
      const started = performance.now();
      const items = await enrichment(batch);
      const enriched = performance.now();
      const { batchItemFailures } = await target(items);
      enrichmentMs.push(enriched - started);
      targetMs.push(performance.now() - enriched);
      batches++;
      messages += batch.length;
      // Reported failures come back after the visibility timeout, through the whole pipe.
      const failed = new Set(batchItemFailures.map((failure) => failure.itemIdentifier));
      next.push(...batch.filter((record) => failed.has(record.messageId)));
    }
    // Each schedule fires once: Scheduler sends its envelope to the queue. At steady traffic these
    // messages share batches with new files, as they do here.
    const fired = mocked.scheduledInputs.slice(firedSchedules);
    firedSchedules = mocked.scheduledInputs.length;
    next.push(...fired.map((input, j) => sqsRecord(`retry-${round}-${j}`, input)));
    pending = next;
  }
  return {
    scenario,
    files: files.length,
    counts: new Map(mocked.counts),
    capacity: mocked.table.capacity,
    apiCalls: (await stub.stats()).calls,
    meanItemBytes: mocked.table.meanItemBytes(),
    invocations: [
      { memoryMb: prod.functions.enrichment.memoryMb, durationsMs: enrichmentMs },
      { memoryMb: prod.functions.target.memoryMb, durationsMs: targetMs },
    ],
    batches,
    messages,
    schedules: mocked.scheduledInputs.length,
  };
}

/** The naive function once per file, then once more per FAILED job its hourly scan finds. */
async function runNaive(
  mocked: MockedAws,
  stub: ApiStub,
  config: PipelineConfig,
  scenario: Scenario,
  files: readonly FileSpec[],
): Promise<Measured> {
  await prepare(mocked, stub, scenario, false);
  const env = lambdaEnvironment(config);
  const deps: NaiveDeps = {
    environment: config.environment,
    flag: new SsmEnabledFlag(mocked.clients.ssm, {
      parameterName: env[ENV.FLAG_PARAMETER] as string,
      cacheSeconds: 0,
    }),
    objects: new S3ObjectSource(mocked.clients.s3),
    api: new HttpDownstreamApi({
      api: config.api,
      credentials: { read: () => Promise.resolve('bench-api-token') },
    }),
    jobs: new DynamoDbJobRepository(mocked.clients.dynamodb, { tableName: env[ENV.TABLE_NAME] as string }),
    notifier: new SnsNotifier(mocked.clients.sns, { topicArn: env[ENV.TOPIC_ARN] as string }),
    clock: systemClock,
  };
  const durationsMs: number[] = [];
  const invoke = async (file: FileSpec, attempt: number): Promise<void> => {
    const started = performance.now();
    await naiveDeliver(
      deps,
      { object: { bucket: 'b2a-prod-inbox', ...file }, time: '2026-11-21T11:59:00Z' },
      attempt,
    );
    durationsMs.push(performance.now() - started);
  };
  for (const file of files) await invoke(file, 1);
  const byKey = new Map(files.map((file) => [file.key, file]));
  for (const job of mocked.table.itemsWithStatus('FAILED')) {
    const file = byKey.get(String(job['key']));
    if (!file) throw new BenchError(`the scan found a FAILED job for an unknown key ${String(job['key'])}`);
    await invoke(file, Number(job['attempt']) + 1);
  }
  return {
    scenario,
    files: files.length,
    counts: new Map(mocked.counts),
    capacity: mocked.table.capacity,
    apiCalls: (await stub.stats()).calls,
    meanItemBytes: mocked.table.meanItemBytes(),
    // The same memory as b2a's enrichment, which does the same work per file.
    invocations: [{ memoryMb: prod.functions.enrichment.memoryMb, durationsMs }],
    batches: 0,
    messages: 0,
    schedules: 0,
  };
}

/** Issue 14's goal: USD per million files on the success path, at list prices. */
const GOAL_USD_PER_MILLION = 3.3;

/** A rate limit for the figure when the prod stage sets none (docs/admission-control.md's example). */
const EXAMPLE_PER_SECOND = 50;

/**
 * What the features added since the first cost figures cost: the delivery log's bytes (the job item,
 * its history compressed, bills a write unit per started KB; its status index entry exists only while
 * the job needs attention), the rate limiter's slot writes, versions: latest's record, and the
 * listings that read jobs by object version (a reconcile, a backfill, SUCCEEDED jobs by prefix).
 */
function featureCosts(
  meanItemBytes: number,
  config: PipelineConfig,
): { readonly figures: Record<string, number>; readonly rows: Cell[][] } {
  const wru = PRICES.dynamodbWriteUnit.usdPerUnit * 1e6;
  // The stub answers a few bytes; an API that fills the logged body adds up to responseBodyBytes,
  // counted as if it did not compress at all (the worst case).
  const fullBodyItemBytes = meanItemBytes + config.api.log.responseBodyBytes;
  const itemWrites = jobWriteUnits(meanItemBytes, 'SUCCEEDED');
  const fullBodyWrites = jobWriteUnits(fullBodyItemBytes, 'SUCCEEDED');
  const attentionWrites = jobWriteUnits(meanItemBytes, 'RETRYING');
  const perSecond = config.api.rateLimit?.perSecond ?? EXAMPLE_PER_SECOND;
  const limiterWrites = rateLimiterWritesPerFile(config.batch.size, perSecond, SLOTS_PER_SHARE);
  const listUsd =
    listRequestsFor(1e6) * PRICES.s3ListRequest.usdPerUnit +
    lookupReadUnitsFor(1e6) * PRICES.dynamodbReadUnit.usdPerUnit;
  const figures = {
    'b2a.meanItemBytes': round(meanItemBytes, 0),
    'b2a.successWriteUnits': itemWrites,
    'b2a.attentionWriteUnits': attentionWrites,
    'features.fullResponseBodyItemBytes': round(fullBodyItemBytes, 0),
    'features.fullResponseBodyWriteUnits': fullBodyWrites,
    'features.fullResponseBodyExtraUsdPerMillionFiles': round((fullBodyWrites - itemWrites) * wru, 3),
    'features.rateLimiterWritesPerFile': round(limiterWrites, 3),
    'features.rateLimiterUsdPerMillionFiles': round(limiterWrites * wru, 3),
    // One conditional UpdateItem of the key's small record (docs/architecture.md, known limits).
    'features.versionsLatestUsdPerMillionFiles': round(wru, 3),
    'features.listingUsdPerMillionObjects': round(listUsd, 3),
  };
  const rows: Cell[][] = [
    [
      'delivery log, as measured',
      `${figures['b2a.meanItemBytes']} B a job (history compressed): ${itemWrites} WRU a success, no index entry`,
      round(itemWrites * wru, 3),
    ],
    [
      'a job that needs attention (each write)',
      `the same job and its status index entry: ${attentionWrites} WRU`,
      round(attentionWrites * wru, 3),
    ],
    [
      `delivery log, ${config.api.log.responseBodyBytes} B response bodies`,
      `≤ ${figures['features.fullResponseBodyItemBytes']} B a job (if nothing compresses): ${fullBodyWrites} WRU a success`,
      round(fullBodyWrites * wru, 3),
    ],
    [
      `rate limiter (api.rateLimit.perSecond ${perSecond})`,
      `${figures['features.rateLimiterWritesPerFile']} WRU a file`,
      figures['features.rateLimiterUsdPerMillionFiles'],
    ],
    ['versions: latest', '1 WRU a file (its record)', figures['features.versionsLatestUsdPerMillionFiles']],
    [
      'reconcile, backfill or SUCCEEDED jobs by prefix',
      `${listRequestsFor(1e6)} ListObjectVersions and ${lookupReadUnitsFor(1e6)} RRU (BatchGetItem) a million objects`,
      figures['features.listingUsdPerMillionObjects'],
    ],
  ];
  return { figures, rows };
}

/** Read units an hourly scan spends on one job over its retention: eventually consistent, 4 KB a unit. */
function scanReadUnitsPerJob(meanItemBytes: number): number {
  return DEFAULT_RETENTION_DAYS * 24 * SCANS_PER_HOUR * (meanItemBytes / 4096) * 0.5;
}

function usageOf(m: Measured): UsagePerFile {
  const per = (n: number): number => n / m.files;
  const count = (operation: AwsOperation): number => m.counts.get(operation) ?? 0;
  const invocations = sum(m.invocations.map((i) => i.durationsMs.length));
  const gbSeconds = sum(m.invocations.map((i) => lambdaGbSeconds(i.durationsMs, i.memoryMb)));
  const b2a = m.scenario.design === 'b2a';
  return {
    // S3 → EventBridge → rule → SQS for b2a; S3 invokes the naive function directly (no charge).
    eventBridgeEvent: b2a ? 1 : 0,
    // SendMessage by the rule and by Scheduler; the pipe's ReceiveMessage and DeleteMessageBatch.
    sqsRequest: b2a ? per(m.files + m.schedules + 2 * Math.ceil(m.messages / SQS_BATCH)) : 0,
    pipesRequest: b2a ? per(m.messages) : 0,
    lambdaRequest: per(invocations),
    lambdaArmGbSecond: per(gbSeconds),
    s3GetRequest: per(count('S3 GetObject') + count('S3 HeadObject')),
    dynamodbWriteUnit: per(m.capacity.writeUnits + m.capacity.indexWriteUnits),
    dynamodbReadUnit: per(m.capacity.readUnits) + (b2a ? 0 : scanReadUnitsPerJob(m.meanItemBytes)),
    snsPublish: per(count('SNS Publish')),
    schedulerInvocation: per(m.schedules),
    ssmGetParameter: per(count('SSM GetParameter')),
    // Listing is a reconcile's or a backfill's, per object listed, not per file delivered: see featureCosts.
    s3ListRequest: 0,
    // Once per container start (the API credential), not per file: a run this short would overstate it.
    secretsManagerCall: 0,
  };
}

const OPERATIONS = Object.keys(MOCK_LATENCY_MS) as AwsOperation[];

function costSection(measured: readonly Measured[], config: PipelineConfig, stub: ApiStub): SectionResult {
  const usages = measured.map(usageOf);
  const costs = usages.map(costPerMillionFiles);
  const header = ['per file', ...measured.map((m) => m.scenario.label)];
  const perFile = (value: (m: Measured, i: number) => number): Cell[] =>
    measured.map((m, i) => round(value(m, i) / m.files, 4));
  const requestRows: Cell[][] = [
    ['API calls (at the stub)', ...perFile((m) => m.apiCalls)],
    ...OPERATIONS.map((operation) => [operation, ...perFile((m) => m.counts.get(operation) ?? 0)]),
    ['AWS SDK calls in all', ...perFile((m) => sum([...m.counts.values()]))],
    ['DynamoDB read units (incl. scan)', ...usages.map((u) => round(u.dynamodbReadUnit, 3))],
    ['DynamoDB write units (incl. index)', ...usages.map((u) => round(u.dynamodbWriteUnit, 3))],
    ['Lambda invocations', ...usages.map((u) => round(u.lambdaRequest, 3))],
    ['Lambda billed ms', ...perFile((m) => sum(m.invocations.map((i) => sum(i.durationsMs.map(Math.ceil)))))],
    ['SQS requests', ...usages.map((u) => round(u.sqsRequest, 3))],
    ['Pipes requests', ...usages.map((u) => round(u.pipesRequest, 3))],
    ['EventBridge events', ...usages.map((u) => round(u.eventBridgeEvent, 3))],
  ];
  const kinds = Object.keys(PRICES) as UsageKind[];
  const costRows: Cell[][] = [
    ...kinds.map((kind) => [PRICES[kind].unit, ...costs.map((c) => round(c.byKind[kind], 3))]),
    ['total, USD per million files', ...costs.map((c) => round(c.total, 2))],
  ];
  const figures: Record<string, number> = {};
  measured.forEach((m, i) => {
    const { id } = m.scenario;
    figures[`${id}.files`] = m.files;
    figures[`${id}.usdPerMillionFiles`] = round(costs[i]?.total ?? Number.NaN, 2);
    figures[`${id}.awsSdkCallsPerFile`] = round(sum([...m.counts.values()]) / m.files, 3);
    figures[`${id}.apiCallsPerFile`] = round(m.apiCalls / m.files, 3);
    for (const kind of kinds) figures[`${id}.${kind}PerFile`] = round(usages[i]?.[kind] ?? Number.NaN, 6);
  });
  const b2a = costs[0]?.total ?? Number.NaN;
  const naive = costs[3]?.total ?? Number.NaN;
  figures['naiveOverB2aCost'] = round(naive / b2a, 2);
  const naiveItemBytes = measured[3]?.meanItemBytes ?? Number.NaN;
  const features = featureCosts(measured[0]?.meanItemBytes ?? Number.NaN, config);
  Object.assign(figures, features.figures);
  const b2aUsage = usages[0];
  const b2aUsd = (kinds: readonly UsageKind[]): number =>
    sum(kinds.map((kind) => costs[0]?.byKind[kind] ?? 0));
  const dynamoUsd = b2aUsd(['dynamodbWriteUnit', 'dynamodbReadUnit']);
  const pipelineUsd = b2aUsd(['eventBridgeEvent', 'sqsRequest', 'pipesRequest', 's3GetRequest']);
  return {
    title: SECTIONS.awsCost,
    figures,
    goals: [
      goal(
        'USD per million files (success path)',
        figures['b2a.usdPerMillionFiles'] ?? Number.NaN,
        'USD',
        { max: GOAL_USD_PER_MILLION },
        {
          boundBy:
            `the EventBridge event, SQS, Pipes and the S3 GET (${round(pipelineUsd, 2)} USD), then DynamoDB (${round(dynamoUsd, 2)} USD): ` +
            `a ${round(measured[0]?.meanItemBytes ?? Number.NaN, 0)} B job (the delivery log, its history compressed) bills ` +
            `${b2aUsage?.dynamodbWriteUnit ?? Number.NaN} WRU a file and no index entry (the status index is sparse), ` +
            `and ${b2aUsage?.dynamodbReadUnit ?? Number.NaN} strongly consistent reads`,
          boundByWhenMet: true,
        },
      ),
    ],
    tables: [
      {
        title: 'Requests per file (measured, except the last four rows, which follow from the batches run)',
        columns: header,
        rows: requestRows,
      },
      {
        title: 'USD per million files, us-east-1 list prices',
        columns: ['priced unit', ...measured.map((m) => m.scenario.label)],
        rows: costRows,
      },
      {
        title: 'What the newer features add (modelled from the b2a run and the prod config), USD per million',
        columns: ['feature', 'usage', 'USD per million'],
        rows: features.rows,
      },
      {
        title: 'Prices used',
        columns: ['priced unit', 'USD per million', 'source'],
        rows: kinds.map((kind) => [
          PRICES[kind].unit,
          round(PRICES[kind].usdPerUnit * 1e6, 4),
          PRICES[kind].source,
        ]),
      },
    ],
    setup: {
      stage: 'prod (infra/config/prod.ts)',
      batchSize: config.batch.size,
      maxConcurrentCalls: config.api.maxConcurrentCalls,
      notificationsOn: config.notifications.on,
      flagCacheSeconds: config.flag.cacheSeconds,
      memoryMb: {
        enrichment: prod.functions.enrichment.memoryMb,
        target: prod.functions.target.memoryMb,
        naive: prod.functions.enrichment.memoryMb,
      },
      apiLatencyMs: stub.latencyMs,
      mockLatencyMs: MOCK_LATENCY_MS,
      retryShare: RETRY_SHARE,
      naiveScan: {
        everyHours: 1 / SCANS_PER_HOUR,
        retentionDays: DEFAULT_RETENTION_DAYS,
        meanItemBytes: round(naiveItemBytes, 0),
      },
    },
    notes: [
      `Batches are full (${config.batch.size} files): at low traffic the ${config.batch.windowSeconds} s window closes on smaller batches, which adds Lambda and SQS requests per file (a few cents per million).`,
      'SSM GetParameter is cached per container for flag.cacheSeconds: its count depends on time, not files (free at standard throughput; the naive design reads it per file and meets the 40 TPS limit at 40 files per second).',
      `The naive design scans its whole table every hour to find failed jobs: each job is read by ${DEFAULT_RETENTION_DAYS * 24 * SCANS_PER_HOUR} scans over the ${DEFAULT_RETENTION_DAYS} days it is kept (mean item ${round(naiveItemBytes, 0)} B, eventually consistent). That cost is per file kept, whatever the traffic.`,
      `Lambda duration is the handler time measured here, with AWS answering after the latencies in setup.mockLatencyMs and the API after ${stub.latencyMs} ms; a slower API costs proportionally more GB-seconds. Cold starts, CloudWatch Logs and SNS deliveries are not included.`,
      'Not per file, so not in the totals: the pipe polls SQS even when idle (long polls, a few hundred thousand requests a month per poller), the Secrets Manager read at each container start, storage (DynamoDB, S3, logs).',
      'The largest b2a item is EventBridge ingesting the S3 events; S3 event notifications straight to SQS would avoid it, at the price of the rule’s filtering (see the architecture notes).',
    ],
  };
}
