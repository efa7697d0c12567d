import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  paginateQuery,
  QueryCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentClientOf } from './dynamodb-documents.js';
import {
  isAttentionStatus,
  isNewerThan,
  jobIdOf,
  type Attempt,
  type AttentionStatus,
  type Job,
  type JobStatus,
} from '../../core/model.js';
import {
  systemClock,
  type AttemptUpdate,
  type Clock,
  type DeferralUpdate,
  type JobQuery,
  type JobRepository,
  type JobUpdate,
  type Page,
} from '../../core/ports.js';
import { ConcurrentJobUpdateError, InvalidCursorError, UnprocessedKeysError } from './errors.js';
import { decodeHistory, encodeHistory } from './job-history-codec.js';
import { JOBS_TABLE, jobIdFromKey, jobKeyFromId, jobKeyOf, ttlAfter } from './jobs-table.js';

/** Options of {@link DynamoDbJobRepository}. */
export interface DynamoDbJobRepositoryOptions {
  readonly tableName: string;
  /** Days a job is kept after its last update (sets the `ttl` attribute). @default 90 */
  readonly retentionDays?: number;
  /** Source of `createdAt`, `updatedAt` and `ttl`. @default systemClock */
  readonly clock?: Clock;
  /** Waits between BatchGetItem rounds (tests pass one that does not wait). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Reads and conditional writes `record` tries before it gives up on a job that keeps changing. */
const MAX_RECORD_ROUNDS = 5;

/**
 * Keys per BatchGetItem, DynamoDB's limit
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 */
export const BATCH_GET_LIMIT = 100;

/** Rounds of UnprocessedKeys `getMany` retries, with backoff, before it gives up. @default 8 */
const MAX_BATCH_GET_ROUNDS = 8;

/** Page size of `listByStatus` when the query names none. @default 50 */
export const DEFAULT_PAGE_SIZE = 50;

type Item = Record<string, unknown>;

/**
 * The job repository on DynamoDB (and on dynalite, locally). See `jobs-table.ts` for the layout.
 *
 * `record()` reads the job and writes it with one conditional UpdateItem that
 * enforces core `isNewerThan` on the state it read, so a stale retry or a duplicate delivery that
 * arrives after newer state changes nothing, however the messages race. The history keeps the
 * newest `historyLimit` attempts (so an item stays far below DynamoDB's 400 KB limit however often a
 * version is reprocessed: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html),
 * with totals of all attempts and runs. The history is stored compressed (`job-history-codec.ts`) and
 * only jobs that need attention enter the status index, so a first successful attempt is one write
 * unit and no index write.
 *
 * @example
 * const jobs = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'b2a-prod-jobs' });
 */
export class DynamoDbJobRepository implements JobRepository {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number | undefined;
  private readonly clock: Clock;
  private readonly sleep: (ms: number) => Promise<void>;

  public constructor(client: DynamoDBClient, options: DynamoDbJobRepositoryOptions) {
    this.documents = documentClientOf(client);
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  public async get(jobId: string): Promise<Job | undefined> {
    return this.read(jobId, true);
  }

  private async read(jobId: string, consistent: boolean): Promise<Job | undefined> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: jobKeyFromId(jobId), ConsistentRead: consistent }),
    );
    return Item ? toJob(Item) : undefined;
  }

  /**
   * BatchGetItem, 100 keys a call, strongly consistent. A partial answer (throttling, the 16 MB
   * response limit) lists the rest in UnprocessedKeys, which are asked again after a backoff, as the
   * BatchGetItem reference advises.
   * @throws UnprocessedKeysError when keys are still unprocessed after the last round
   */
  public async getMany(jobIds: readonly string[]): Promise<ReadonlyMap<string, Job>> {
    return this.readMany(jobIds, true);
  }

  private async readMany(jobIds: readonly string[], consistent: boolean): Promise<ReadonlyMap<string, Job>> {
    const jobs = new Map<string, Job>();
    const unique = [...new Set(jobIds)];
    for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
      let keys: Item[] = unique.slice(start, start + BATCH_GET_LIMIT).map((id) => ({ ...jobKeyFromId(id) }));
      for (let round = 1; keys.length > 0; round++) {
        if (round > MAX_BATCH_GET_ROUNDS) {
          throw new UnprocessedKeysError(
            `${keys.length} job(s) still unread after ${MAX_BATCH_GET_ROUNDS} BatchGetItem rounds`,
          );
        }
        if (round > 1) await this.sleep(Math.min(50 * 2 ** round, 2000));
        const { Responses, UnprocessedKeys } = await this.documents.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: consistent } },
          }),
        );
        for (const item of Responses?.[this.tableName] ?? []) {
          const job = toJob(item);
          jobs.set(job.jobId, job);
        }
        keys = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return jobs;
  }

  public async record(update: JobUpdate): Promise<Job | undefined> {
    return this.recordFrom(update, undefined);
  }

  /**
   * One eventually consistent BatchGetItem for the jobs of all `updates`, then one conditional
   * UpdateItem per update from the state read; the updates of one job are applied in their order,
   * each from the state the one before it wrote. A failed condition falls back to `record`'s rounds.
   * A failed batch read rejects every update.
   */
  public async recordAll(updates: readonly JobUpdate[]): Promise<PromiseSettledResult<Job | undefined>[]> {
    const ids = updates.map((update) => jobIdOf(update.object));
    let read: ReadonlyMap<string, Job>;
    try {
      read = await this.readMany(ids, false);
    } catch (error) {
      return updates.map(() => ({ status: 'rejected', reason: error }));
    }
    const byJob = new Map<string, number[]>();
    ids.forEach((id, i) => byJob.set(id, [...(byJob.get(id) ?? []), i]));
    const results: PromiseSettledResult<Job | undefined>[] = [];
    await Promise.all(
      [...byJob].map(async ([id, indices]) => {
        let known: { readonly current: Job | undefined } | undefined = { current: read.get(id) };
        for (const i of indices) {
          try {
            const job = await this.recordFrom(updates[i] as JobUpdate, known);
            results[i] = { status: 'fulfilled', value: job };
            if (job) known = { current: job };
          } catch (error) {
            results[i] = { status: 'rejected', reason: error };
            // What the failed write left is unknown: the next update of this job reads it again.
            known = undefined;
          }
        }
      }),
    );
    return results;
  }

  /** `record` from a state already read (`known`), or from its own first read. */
  private async recordFrom(
    update: JobUpdate,
    known: { readonly current: Job | undefined } | undefined,
  ): Promise<Job | undefined> {
    for (let round = 1; ; round++) {
      // The first read may be eventually consistent (half a read unit): the write's condition holds
      // it to the state read, so a stale read only fails the condition and the next round reads
      // strongly. A stale read that finds the update not newer is right too: states only move on.
      const current =
        round === 1 && known ? known.current : await this.read(jobIdOf(update.object), round > 1);
      if (!isNewerThan(current, update.run, update.attempt, update.deferral)) return undefined;
      try {
        return await this.write(update, current);
      } catch (error) {
        if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
        // Another attempt was recorded since the read: read again, and give up (stale) if it is newer.
        if (round >= MAX_RECORD_ROUNDS) {
          throw new ConcurrentJobUpdateError(
            `job ${jobIdOf(update.object)} changed under ${MAX_RECORD_ROUNDS} writes in a row`,
            { cause: error },
          );
        }
      }
    }
  }

  /**
   * One conditional UpdateItem that writes the job from the state read before it. An update
   * expression cannot slice a list (nor SET a list and REMOVE one of its elements at once), so the
   * trimmed history is written whole; the condition makes the write happen only on that very state
   * (no job yet, or the same `attempts`) and, as core `isNewerThan` demands, only for a newer attempt.
   */
  private async write(update: JobUpdate, current: Job | undefined): Promise<Job> {
    const now = this.clock.now();
    const { object } = update;
    // The history this write leaves, kept to build the job returned, so the history just encoded is not decoded again.
    const history =
      'entry' in update
        ? [...(current?.history ?? []), update.entry].slice(-update.historyLimit)
        : (current?.history ?? []);
    const set: Record<string, unknown> = {
      bucket: object.bucket,
      key: object.key,
      versionId: object.versionId,
      etag: object.etag,
      size: object.size,
      // A message that cannot name it (a backfill's) keeps the one an event gave.
      sequencer: object.sequencer ?? current?.sequencer,
      status: update.status,
      // The sparse index's key: set while the job needs attention, removed when it succeeds.
      [JOBS_TABLE.statusIndexPartitionKey]: isAttentionStatus(update.status) ? update.status : undefined,
      runId: update.run.id,
      runStartedAt: update.run.startedAt,
      attempt: update.attempt,
      deferral: update.deferral,
      runs: !current ? 1 : current.runId === update.run.id ? current.runs : current.runs + 1,
      idempotencyKey: update.idempotencyKey,
      nextAttemptAt: update.nextAttemptAt,
      updatedAt: now.toISOString(),
      [JOBS_TABLE.ttlAttribute]: ttlAfter(now, this.retentionDays),
      ...('entry' in update ? attemptFields(update, current, history) : deferralFields(update, current)),
    };
    const names: Record<string, string> = { '#createdAt': 'createdAt' };
    const values: Record<string, unknown> = { ':now': now.toISOString() };
    const assignments = ['#createdAt = if_not_exists(#createdAt, :now)'];
    // An optional field this attempt does not have is removed, so e.g. the error of a failed
    // attempt does not linger on the job after a later attempt succeeds.
    const removals: string[] = [];
    for (const [attribute, value] of Object.entries(set)) {
      names[`#${attribute}`] = attribute;
      if (value === undefined) {
        removals.push(`#${attribute}`);
      } else {
        values[`:${attribute}`] = value;
        assignments.push(`#${attribute} = :${attribute}`);
      }
    }
    let condition: string;
    if (current) {
      // The very state read (`attempts` counts every attempt; a deferral changes no field another
      // write computes from it but `runs`, which both compute alike), and exactly core isNewerThan: a
      // run that started later, or, within the same run, a later attempt (or a later deferral of the
      // same attempt) of a job that has not succeeded.
      const laterAttempt = update.deferral
        ? '(#attempt < :attempt OR (#attempt = :attempt AND (attribute_not_exists(#deferral) OR #deferral < :deferral)))'
        : '#attempt < :attempt';
      condition =
        '#attempts = :read AND ((#runId <> :runId AND #runStartedAt < :runStartedAt)' +
        ` OR (#runId = :runId AND #status <> :succeeded AND ${laterAttempt}))`;
      names['#attempts'] = 'attempts';
      values[':read'] = current.attempts;
      values[':succeeded'] = 'SUCCEEDED' satisfies JobStatus;
    } else {
      condition = 'attribute_not_exists(#pk)';
      names['#pk'] = JOBS_TABLE.partitionKey;
    }
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: jobKeyOf(object),
        UpdateExpression: `SET ${assignments.join(', ')}${removals.length > 0 ? ` REMOVE ${removals.join(', ')}` : ''}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!Attributes) throw new Error('UpdateItem with ReturnValues ALL_NEW returned no attributes');
    return toJob(Attributes, history);
  }

  /**
   * One page of the status index, newest first. `lastHttpStatus` becomes a FilterExpression: DynamoDB
   * applies it to the `Limit` items read and charges for all of them
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Query.FilterExpression.html).
   */
  public async listByStatus(query: JobQuery): Promise<Page<Job>> {
    const statusQuery = this.statusQuery(query.status, query.since);
    const ranges = query.lastHttpStatus ?? [];
    const filter =
      ranges.length === 0
        ? {}
        : {
            FilterExpression: ranges
              .map((_, i) => `#lastHttpStatus BETWEEN :from${i} AND :to${i}`)
              .join(' OR '),
            ExpressionAttributeNames: {
              ...statusQuery.ExpressionAttributeNames,
              '#lastHttpStatus': 'lastHttpStatus',
            },
            ExpressionAttributeValues: {
              ...statusQuery.ExpressionAttributeValues,
              ...Object.fromEntries(
                ranges.flatMap((range, i) => [
                  [`:from${i}`, range.from],
                  [`:to${i}`, range.to],
                ]),
              ),
            },
          };
    const { Items = [], LastEvaluatedKey } = await this.documents.send(
      new QueryCommand({
        ...statusQuery,
        ...filter,
        ScanIndexForward: false,
        Limit: query.limit ?? DEFAULT_PAGE_SIZE,
        ...(query.cursor ? { ExclusiveStartKey: decodeCursor(query.cursor) } : {}),
      }),
    );
    return {
      items: Items.map((item) => toJob(item)),
      ...(LastEvaluatedKey ? { cursor: encodeCursor(LastEvaluatedKey) } : {}),
    };
  }

  public async listByKey(bucket: string, key: string): Promise<Job[]> {
    const items: Item[] = [];
    const pages = paginateQuery(
      { client: this.documents },
      {
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': JOBS_TABLE.partitionKey },
        ExpressionAttributeValues: { ':pk': `${bucket}/${key}` },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) items.push(...(page.Items ?? []));
    return items.map((item) => toJob(item)).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  }

  public async countByStatus(status: AttentionStatus, since?: string): Promise<number> {
    let count = 0;
    const pages = paginateQuery(
      { client: this.documents },
      { ...this.statusQuery(status, since), Select: 'COUNT' },
    );
    for await (const page of pages) count += page.Count ?? 0;
    return count;
  }

  private statusQuery(status: AttentionStatus, since: string | undefined): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: JOBS_TABLE.statusIndex,
      KeyConditionExpression: since ? '#status = :status AND #updatedAt >= :since' : '#status = :status',
      ExpressionAttributeNames: {
        '#status': JOBS_TABLE.statusIndexPartitionKey,
        ...(since ? { '#updatedAt': JOBS_TABLE.statusIndexSortKey } : {}),
      },
      ExpressionAttributeValues: { ':status': status, ...(since ? { ':since': since } : {}) },
    };
  }
}

/**
 * What an attempt writes: the history gains it, and the totals count it. The times of the first and
 * last attempts are stored only when the history cannot tell them (`toJob` reads them from it), which
 * keeps a first successful attempt within one write unit.
 */
function attemptFields(
  update: AttemptUpdate,
  current: Job | undefined,
  history: readonly Attempt[],
): Record<string, unknown> {
  const { entry } = update;
  const attempts = (current?.attempts ?? 0) + 1;
  return {
    attempts,
    firstAttemptAt: history.length < attempts ? (current?.firstAttemptAt ?? entry.at) : undefined,
    lastAttemptAt: undefined,
    history: encodeHistory(history, jobKeyOf(update.object)),
    lastHttpStatus: entry.httpStatus,
    lastError: entry.error,
    note: undefined,
  };
}

/**
 * What a deferral writes: its note. The history, the totals and the last error stay as they are
 * (a job a deferral creates starts them empty), since nothing was called.
 */
function deferralFields(update: DeferralUpdate, current: Job | undefined): Record<string, unknown> {
  return {
    note: update.deferred.note,
    ...(current ? {} : { attempts: 0, history: encodeHistory([], jobKeyOf(update.object)) }),
  };
}

/** The job an item holds; `history` when the caller has it already decoded (the one it just wrote). */
function toJob(item: Item, history?: readonly Attempt[]): Job {
  const {
    pk,
    sk,
    [JOBS_TABLE.ttlAttribute]: _ttl,
    [JOBS_TABLE.statusIndexPartitionKey]: _attention,
    ...fields
  } = item;
  const key = { pk: String(pk), sk: String(sk) };
  const attempts = history ?? decodeHistory(fields['history'], key);
  // Jobs written before the totals existed kept every attempt: their totals follow from the history.
  const derived = {
    history: attempts,
    runs: Math.max(1, new Set(attempts.map((attempt) => attempt.runId)).size),
    firstAttemptAt: attempts[0]?.at ?? fields['createdAt'],
    lastAttemptAt: attempts.at(-1)?.at ?? fields['updatedAt'],
  };
  return {
    ...derived,
    ...fields,
    history: attempts,
    jobId: jobIdFromKey(key),
  } as unknown as Job;
}

function encodeCursor(key: Item): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Item {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new InvalidCursorError(`cursor is not one this repository handed out: ${cursor.slice(0, 40)}`, {
      cause: error,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidCursorError(`cursor is not one this repository handed out: ${cursor.slice(0, 40)}`);
  }
  return parsed as Item;
}
