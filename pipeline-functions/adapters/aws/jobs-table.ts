/**
 * The jobs table's layout, shared by the DynamoDB adapter, the CDK construct that creates the table
 * and the local runtime (which creates it in dynalite), so the three never drift.
 *
 * One item per job (one object version): partition key `pk` = `<bucket>/<key>`, sort key `sk` = the
 * version token, so every version of a key is one Query. The sparse `by-attention` index (partition
 * `attention`, sort `updatedAt`, all attributes projected) answers "what failed since yesterday"
 * without a scan. Only jobs that need attention carry `attention` (their status; see core
 * `ATTENTION_STATUSES`): a success writes no index entry (and removes the one its job had), and
 * spreads no writes onto one hot index partition.
 */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { STATUS_INDEX } from '../../core/names.js';
import { versionToken, type ObjectRef } from '../../core/model.js';
import { InvalidCursorError } from './errors.js';

/** Attribute names of the jobs table that are keys, index keys or read by DynamoDB itself. */
export const JOBS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  statusIndex: STATUS_INDEX,
  /** The job's status while it needs attention; absent from SUCCEEDED jobs (a sparse index). */
  statusIndexPartitionKey: 'attention',
  statusIndexSortKey: 'updatedAt',
  /** Epoch seconds after which DynamoDB's TTL deletes the item (dynalite ignores it). */
  ttlAttribute: 'ttl',
} as const;

/**
 * The partition of admission control's state (rate limit slots, the circuit breaker). No job can
 * have this key: a job's partition key starts with a bucket name, and bucket names start with a
 * lowercase letter or a digit. Its items carry neither `attention` nor `updatedAt`, so the status index
 * (and every `b2a jobs` listing) never sees them.
 */
export const ADMISSION_PARTITION = '#b2a-admission';

/**
 * The partition-key prefix of the items that hold each key's newest version (`versions: latest`).
 * No job can have such a key: a job's partition key starts with a bucket name, and bucket names
 * start with a lowercase letter or a digit. These items carry neither `attention` nor `updatedAt`, so
 * the status index (and every `b2a jobs` listing) never sees them, and `listByKey` never reads them.
 */
export const LATEST_VERSION_PREFIX = '#b2a-latest/';

/** The primary key of the item holding a key's newest version. */
export function latestVersionKeyOf(bucket: string, key: string): JobKey {
  return { pk: `${LATEST_VERSION_PREFIX}${bucket}/${key}`, sk: 'latest' };
}

/** How long a job is kept after its last update. @default 90 days */
export const DEFAULT_RETENTION_DAYS = 90;

/**
 * The `ttl` (epoch seconds) of an item written at `now` and kept `retentionDays` after it.
 * @example ttlAfter(new Date('2026-01-01T00:00:00Z'), 1) // 1767312000
 */
export function ttlAfter(now: Date, retentionDays: number = DEFAULT_RETENTION_DAYS): number {
  return Math.floor(now.getTime() / 1000) + retentionDays * 86_400;
}

/** The primary key of one job item. */
export interface JobKey {
  readonly pk: string;
  readonly sk: string;
}

/** The primary key of the job for an object version. */
export function jobKeyOf(ref: ObjectRef): JobKey {
  return { pk: `${ref.bucket}/${ref.key}`, sk: versionToken(ref) };
}

/**
 * The primary key of a job id (`<bucket>/<key>#<version token>`, see core `jobIdOf`). Keys may
 * contain `#` but version tokens never do, so the id splits at its last `#`.
 * @throws InvalidCursorError when the id has no `#`.
 */
export function jobKeyFromId(jobId: string): JobKey {
  const at = jobId.lastIndexOf('#');
  if (at < 0) throw new InvalidCursorError(`not a job id (no "#"): ${jobId.slice(0, 80)}`);
  return { pk: jobId.slice(0, at), sk: jobId.slice(at + 1) };
}

/** The job id of a primary key: the inverse of `jobKeyFromId`. */
export function jobIdFromKey(key: JobKey): string {
  return `${key.pk}#${key.sk}`;
}

/**
 * A CreateTable input for the jobs table, for the local runtime and tests (the stack creates the
 * real table with the same layout). On-demand billing, so no capacity to tune.
 * @example await client.send(new CreateTableCommand(jobsTableDefinition('b2a-jobs')))
 */
export function jobsTableDefinition(tableName: string): CreateTableCommandInput {
  const { partitionKey, sortKey, statusIndex, statusIndexPartitionKey, statusIndexSortKey } = JOBS_TABLE;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: partitionKey, AttributeType: 'S' },
      { AttributeName: sortKey, AttributeType: 'S' },
      { AttributeName: statusIndexPartitionKey, AttributeType: 'S' },
      { AttributeName: statusIndexSortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: partitionKey, KeyType: 'HASH' },
      { AttributeName: sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: statusIndex,
        KeySchema: [
          { AttributeName: statusIndexPartitionKey, KeyType: 'HASH' },
          { AttributeName: statusIndexSortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}
