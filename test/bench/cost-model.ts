/**
 * The cost model: what b2a (and the naive design) use per file, priced with AWS's published
 * us-east-1 on-demand list prices. Free tiers are left out: they are per account, not per file.
 */

/** One priced unit of usage. */
export interface Price {
  /** USD per one unit. */
  readonly usdPerUnit: number;
  readonly unit: string;
  /** Where the price is published. */
  readonly source: string;
}

/**
 * us-east-1 list prices, as published on the pages named in `source` and checked on 2026-11-21
 * against stored copies of those pages and of price guides dated 2025-2026 (see docs/benchmarks.md).
 * Check them again before relying on the totals: prices change (DynamoDB on-demand halved in Nov 2024).
 */
export const PRICES = {
  eventBridgeEvent: {
    usdPerUnit: 1.0 / 1e6,
    unit: 'S3 event ingested by EventBridge ("AWS opt-in data event", per 64 KB)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  sqsRequest: {
    usdPerUnit: 0.4 / 1e6,
    unit: 'SQS standard queue request (per 64 KB chunk)',
    source: 'https://aws.amazon.com/sqs/pricing/',
  },
  pipesRequest: {
    usdPerUnit: 0.4 / 1e6,
    unit: 'EventBridge Pipes request after filtering (per 64 KB chunk)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  lambdaRequest: {
    usdPerUnit: 0.2 / 1e6,
    unit: 'Lambda invocation',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaArmGbSecond: {
    usdPerUnit: 0.0000133334,
    unit: 'Lambda duration, Arm, GB-second (first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  s3GetRequest: {
    usdPerUnit: 0.4 / 1e6,
    unit: 'S3 Standard GET or HEAD request ($0.0004 per 1,000)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  dynamodbWriteUnit: {
    usdPerUnit: 0.625 / 1e6,
    unit: 'DynamoDB on-demand write request unit (1 KB; index writes count too)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the price cut of 2024-11-01)',
  },
  dynamodbReadUnit: {
    usdPerUnit: 0.125 / 1e6,
    unit: 'DynamoDB on-demand read request unit (4 KB strongly consistent, or 2 × 4 KB eventually)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (after the price cut of 2024-11-01)',
  },
  snsPublish: {
    usdPerUnit: 0.5 / 1e6,
    unit: 'SNS standard topic publish (per 64 KB chunk; deliveries are extra by protocol)',
    source: 'https://aws.amazon.com/sns/pricing/',
  },
  schedulerInvocation: {
    usdPerUnit: 1.0 / 1e6,
    unit: 'EventBridge Scheduler invocation (after 14 million free a month)',
    source: 'https://aws.amazon.com/eventbridge/pricing/',
  },
  s3ListRequest: {
    usdPerUnit: 0.005 / 1000,
    unit: 'S3 Standard LIST request, e.g. ListObjectVersions ($0.005 per 1,000; 1,000 keys a page)',
    source: 'https://aws.amazon.com/s3/pricing/',
  },
  ssmGetParameter: {
    usdPerUnit: 0,
    unit: 'SSM Parameter Store GetParameter, standard throughput (free; 40 TPS)',
    source: 'https://aws.amazon.com/systems-manager/pricing/',
  },
  secretsManagerCall: {
    usdPerUnit: 0.05 / 10_000,
    unit: 'Secrets Manager API call ($0.05 per 10,000)',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
  },
} as const satisfies Record<string, Price>;

export type UsageKind = keyof typeof PRICES;

/** How much of each priced unit one file uses. */
export type UsagePerFile = Readonly<Record<UsageKind, number>>;

/** USD per million files, per kind of usage and in total. */
export function costPerMillionFiles(usage: UsagePerFile): {
  readonly byKind: Record<UsageKind, number>;
  readonly total: number;
} {
  const byKind = {} as Record<UsageKind, number>;
  let total = 0;
  for (const kind of Object.keys(PRICES) as UsageKind[]) {
    byKind[kind] = usage[kind] * PRICES[kind].usdPerUnit * 1e6;
    total += byKind[kind];
  }
  return { byKind, total };
}

/** Lambda bills duration by the millisecond, rounded up per invocation, times the memory in GB. */
export function lambdaGbSeconds(durationsMs: readonly number[], memoryMb: number): number {
  return (durationsMs.reduce((total, ms) => total + Math.ceil(ms), 0) / 1000) * (memoryMb / 1024);
}

/** DynamoDB bills a write per started KB of the whole item, at least one unit. */
const WRITE_UNIT_BYTES = 1024;

/** Keys one ListObjectVersions page returns at most (its MaxKeys). */
const LIST_PAGE_KEYS = 1000;

/**
 * Write request units of one write of an item of `itemBytes` bytes
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
 * @example writeUnitsFor(1233) // 2
 */
export function writeUnitsFor(itemBytes: number): number {
  return Math.max(1, Math.ceil(itemBytes / WRITE_UNIT_BYTES));
}

/**
 * Rate limiter slot writes per file when `api.rateLimit.perSecond` is set: one enrichment alone
 * takes one slot after another, each worth a share of perSecond / `slotsPerShare` permits, and
 * each acquisition is one write of a small item (docs/admission-control.md).
 * @example rateLimiterWritesPerFile(10, 50, 11) // 0.3: 3 acquisitions per batch of 10
 */
export function rateLimiterWritesPerFile(
  batchSize: number,
  perSecond: number,
  slotsPerShare: number,
): number {
  return Math.ceil(batchSize / Math.max(1, perSecond / slotsPerShare)) / batchSize;
}

/** ListObjectVersions requests to list `objects` object versions (a reconcile or a backfill). */
export function listRequestsFor(objects: number): number {
  return Math.ceil(objects / LIST_PAGE_KEYS);
}

/**
 * Write units of one job write: the item, and its status index entry (all attributes projected: the
 * same size) only while the job needs attention. The index is sparse: a SUCCEEDED job has no entry.
 * @example jobWriteUnits(788, 'SUCCEEDED') // 1
 * @example jobWriteUnits(788, 'RETRYING') // 2
 */
export function jobWriteUnits(itemBytes: number, status: string): number {
  return writeUnitsFor(itemBytes) * (status === 'SUCCEEDED' ? 1 : 2);
}

/**
 * DynamoDB read units of looking up the jobs of `objects` listed object versions (a backfill, a
 * reconcile, `b2a jobs --status SUCCEEDED --prefix`): BatchGetItem, strongly consistent, one unit per
 * item under 4 KB, a missing one included
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 */
export function lookupReadUnitsFor(objects: number): number {
  return objects;
}
