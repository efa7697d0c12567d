import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { documentClientOf } from './dynamodb-documents.js';
import type { CircuitBreakerStore, CircuitState, RateLimitStore, RateSlot } from '../../core/ports.js';
import { ADMISSION_PARTITION, JOBS_TABLE } from './jobs-table.js';

/** Options of {@link DynamoDbAdmissionStore}. */
export interface DynamoDbAdmissionStoreOptions {
  /** The jobs table: admission state lives in its own partition there (`ADMISSION_PARTITION`). */
  readonly tableName: string;
}

const SLOT_PREFIX = 'rate/';
const CIRCUIT_KEY = 'circuit';
/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_LIMIT = 25;

type Item = Record<string, unknown>;

/** Attribute names of the circuit item: none is `status` or `updatedAt`, the status index's keys. */
const CIRCUIT = {
  state: 'circuit',
  failures: 'failures',
  openedAt: 'openedAt',
  closedAt: 'closedAt',
  reason: 'reason',
  lastError: 'lastError',
  deferred: 'deferred',
  nextProbeAt: 'nextProbeAt',
} as const;

/**
 * Admission control's shared state in the jobs table, on AWS and on dynalite alike: one item per
 * rate limit slot (`rate/<slot>`, an atomic `ADD` per acquisition, returned with `UPDATED_NEW`,
 * expiring by the table's TTL) and one circuit breaker item whose transitions are conditional
 * writes. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/WorkingWithItems.html#WorkingWithItems.AtomicCounters
 *
 * dynalite ignores TTL: the local runtime calls {@link sweepSlots} now and then so its store does
 * not grow with every slot ever used.
 *
 * @example
 * const store = new DynamoDbAdmissionStore(new DynamoDBClient({}), { tableName: 'b2a-prod-jobs' });
 * const limiter = new RateLimiter(store, { perSecond: 50 }, systemClock);
 */
export class DynamoDbAdmissionStore implements RateLimitStore, CircuitBreakerStore {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;

  public constructor(client: DynamoDBClient, options: DynamoDbAdmissionStoreOptions) {
    this.documents = documentClientOf(client);
    this.tableName = options.tableName;
  }

  public async add(slot: RateSlot, calls: number): Promise<number> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: {
          [JOBS_TABLE.partitionKey]: ADMISSION_PARTITION,
          [JOBS_TABLE.sortKey]: `${SLOT_PREFIX}${slot.key}`,
        },
        UpdateExpression: 'ADD #calls :calls SET #ttl = :ttl',
        ExpressionAttributeNames: { '#calls': 'calls', '#ttl': JOBS_TABLE.ttlAttribute },
        ExpressionAttributeValues: { ':calls': calls, ':ttl': Math.ceil(slot.expiresAt.getTime() / 1000) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const count = Attributes?.['calls'];
    if (typeof count !== 'number')
      throw new Error('UpdateItem with ReturnValues UPDATED_NEW returned no count');
    return count;
  }

  /**
   * Deletes slot items that expired before `now` (the local store's stand-in for TTL).
   * @returns how many were deleted
   */
  public async sweepSlots(now: Date): Promise<number> {
    const expired: Item[] = [];
    let start: Item | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: {
            '#pk': JOBS_TABLE.partitionKey,
            '#sk': JOBS_TABLE.sortKey,
            '#ttl': JOBS_TABLE.ttlAttribute,
          },
          ExpressionAttributeValues: { ':pk': ADMISSION_PARTITION, ':prefix': SLOT_PREFIX },
          ProjectionExpression: '#pk, #sk, #ttl',
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      const nowSeconds = now.getTime() / 1000;
      for (const item of page.Items ?? []) {
        if (Number(item[JOBS_TABLE.ttlAttribute]) < nowSeconds) expired.push(item);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    for (let i = 0; i < expired.length; i += BATCH_WRITE_LIMIT) {
      // Items left unprocessed stay for the next sweep: nothing depends on their being gone.
      await this.documents.send(
        new BatchWriteCommand({
          RequestItems: {
            [this.tableName]: expired.slice(i, i + BATCH_WRITE_LIMIT).map((item) => ({
              DeleteRequest: {
                Key: {
                  [JOBS_TABLE.partitionKey]: item[JOBS_TABLE.partitionKey],
                  [JOBS_TABLE.sortKey]: item[JOBS_TABLE.sortKey],
                },
              },
            })),
          },
        }),
      );
    }
    return expired.length;
  }

  public async read(): Promise<CircuitState> {
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: circuitKey(), ConsistentRead: true }),
    );
    return toCircuitState(Item);
  }

  public async addFailures(count: number, lastError: string): Promise<CircuitState> {
    const { Attributes } = await this.documents.send(
      new UpdateCommand({
        ...this.circuitUpdate('ADD #failures :count SET #lastError = :lastError', {
          ':count': count,
          ':lastError': lastError,
        }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toCircuitState(Attributes);
  }

  public async resetFailures(): Promise<void> {
    await this.conditionally(
      this.circuitUpdate(
        'SET #failures = :zero',
        { ':zero': 0, ':closed': 'closed' },
        'attribute_not_exists(#circuit) OR #circuit = :closed',
      ),
    );
  }

  public async open(input: {
    readonly at: Date;
    readonly reason: string;
    readonly lastError: string;
    readonly nextProbeAt: Date;
  }): Promise<boolean> {
    return this.conditionally(
      this.circuitUpdate(
        'SET #circuit = :open, #openedAt = :at, #reason = :reason, #lastError = :lastError, #nextProbeAt = :next, #deferred = :zero',
        {
          ':open': 'open',
          ':closed': 'closed',
          ':at': input.at.toISOString(),
          ':reason': input.reason,
          ':lastError': input.lastError,
          ':next': input.nextProbeAt.toISOString(),
          ':zero': 0,
        },
        'attribute_not_exists(#circuit) OR #circuit = :closed',
      ),
    );
  }

  public async claimProbe(now: Date, nextProbeAt: Date): Promise<boolean> {
    return this.conditionally(
      this.circuitUpdate(
        'SET #nextProbeAt = :next',
        { ':open': 'open', ':now': now.toISOString(), ':next': nextProbeAt.toISOString() },
        '#circuit = :open AND #nextProbeAt <= :now',
      ),
    );
  }

  public async close(at: Date): Promise<boolean> {
    return this.conditionally(
      this.circuitUpdate(
        'SET #circuit = :closed, #closedAt = :at, #failures = :zero REMOVE #nextProbeAt',
        { ':open': 'open', ':closed': 'closed', ':at': at.toISOString(), ':zero': 0 },
        '#circuit = :open',
      ),
    );
  }

  public async addDeferred(count: number): Promise<void> {
    await this.conditionally(
      this.circuitUpdate('ADD #deferred :count', { ':count': count, ':open': 'open' }, '#circuit = :open'),
    );
  }

  /** An UpdateItem of the circuit item naming only the attributes its expressions use. */
  private circuitUpdate(
    update: string,
    values: Record<string, unknown>,
    condition?: string,
  ): UpdateCommandInput {
    const expressions = `${update} ${condition ?? ''}`;
    const names = Object.fromEntries(
      Object.values(CIRCUIT)
        .filter((name) => expressions.includes(`#${name}`))
        .map((name) => [`#${name}`, name]),
    );
    return {
      TableName: this.tableName,
      Key: circuitKey(),
      UpdateExpression: update,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ...(condition ? { ConditionExpression: condition } : {}),
    };
  }

  /** Runs a conditional write. @returns false when the condition did not hold */
  private async conditionally(input: UpdateCommandInput): Promise<boolean> {
    try {
      await this.documents.send(new UpdateCommand(input));
      return true;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}

function circuitKey(): Item {
  return { [JOBS_TABLE.partitionKey]: ADMISSION_PARTITION, [JOBS_TABLE.sortKey]: CIRCUIT_KEY };
}

function toCircuitState(item: Item | undefined): CircuitState {
  const text = (name: string): string | undefined =>
    typeof item?.[name] === 'string' ? (item[name] as string) : undefined;
  const count = (name: string): number => (typeof item?.[name] === 'number' ? (item[name] as number) : 0);
  const openedAt = text(CIRCUIT.openedAt);
  const closedAt = text(CIRCUIT.closedAt);
  const reason = text(CIRCUIT.reason);
  const lastError = text(CIRCUIT.lastError);
  const nextProbeAt = text(CIRCUIT.nextProbeAt);
  return {
    state: item?.[CIRCUIT.state] === 'open' ? 'open' : 'closed',
    failures: count(CIRCUIT.failures),
    deferred: count(CIRCUIT.deferred),
    ...(openedAt ? { openedAt } : {}),
    ...(closedAt ? { closedAt } : {}),
    ...(reason ? { reason } : {}),
    ...(lastError ? { lastError } : {}),
    ...(nextProbeAt ? { nextProbeAt } : {}),
  };
}
