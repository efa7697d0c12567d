import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbJobRepository } from '../../../../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import type { JobStatus } from '../../../../../pipeline-functions/core/model.js';
import { STATUS_INDEX } from '../../../../../pipeline-functions/core/names.js';
import type { JobUpdate } from '../../../../../pipeline-functions/core/ports.js';

const documents = mockClient(DynamoDBDocumentClient);

/** An attempt of the automatic run of `inbox/k`, version `v`. */
const attemptOf = (attempt: number, status: JobStatus): JobUpdate => ({
  object: { bucket: 'inbox', key: 'k', versionId: 'v' },
  run: { id: 'auto', startedAt: '2026-03-01T00:00:00Z' },
  attempt,
  status,
  idempotencyKey: 'i',
  historyLimit: 20,
  entry: {
    at: `2026-03-01T00:0${attempt}:00Z`,
    runId: 'auto',
    attempt,
    origin: attempt === 1 ? 's3-event' : 'retry',
    outcome: status === 'SUCCEEDED' ? 'delivered' : 'retryable',
  },
});

/** The item DynamoDB holds for `inbox/<key>` after `attempts` retrying attempts of the automatic run. */
const storedAt = (key: string, attempts: number) => ({
  pk: `inbox/${key}`,
  sk: 'v',
  bucket: 'inbox',
  key,
  status: 'RETRYING',
  runId: 'auto',
  runStartedAt: '2026-03-01T00:00:00Z',
  attempt: attempts,
  attempts,
  history: [],
});

/** The same for `inbox/k`. */
const stored = (attempts: number) => storedAt('k', attempts);

describe('Class: DynamoDbJobRepository', () => {
  beforeEach(() => {
    documents.reset();
  });

  it('counts through every page of the status index', async () => {
    // Prepare
    documents
      .on(QueryCommand)
      .resolvesOnce({ Count: 1000, LastEvaluatedKey: { pk: 'a', sk: 'b', status: 'FAILED', updatedAt: 'x' } })
      .resolvesOnce({ Count: 1000, LastEvaluatedKey: { pk: 'c', sk: 'd', status: 'FAILED', updatedAt: 'y' } })
      .resolvesOnce({ Count: 7 });
    const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

    // Act
    const count = await repository.countByStatus('FAILED', '2026-03-01T00:00:00.000Z');

    // Assess
    expect(count).toBe(2007);
    expect(documents).toHaveReceivedCommandTimes(QueryCommand, 3);
    expect(documents).toReceiveCommandWith(QueryCommand, {
      IndexName: STATUS_INDEX,
      Select: 'COUNT',
      KeyConditionExpression: '#status = :status AND #updatedAt >= :since',
      ExclusiveStartKey: { pk: 'c', sk: 'd', status: 'FAILED', updatedAt: 'y' },
    });
  });

  it('reads again and writes on the new state when another attempt was recorded between its read and its write', async () => {
    // Prepare: DynamoDB answers a failed condition with ConditionalCheckFailedException
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#API_UpdateItem_Errors)
    documents
      .on(GetCommand)
      .resolvesOnce({ Item: stored(1) })
      .resolves({ Item: stored(2) });
    documents
      .on(UpdateCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .callsFake((input: { ExpressionAttributeValues: Record<string, unknown> }) => ({
        Attributes: { ...stored(3), attempts: input.ExpressionAttributeValues[':attempts'] },
      }));
    const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

    // Act
    const job = await repository.record(attemptOf(3, 'RETRYING'));

    // Assess
    expect(job?.attempts).toBe(3);
    const writes = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(writes.map((w) => w.ExpressionAttributeValues?.[':read'])).toEqual([1, 2]);
    expect(writes[1]?.ConditionExpression).toMatch(/^#attempts = :read AND /);
  });

  it('reads eventually consistently first (half a read unit) and strongly once the condition failed on a stale read', async () => {
    // Prepare: an eventually consistent GetItem may miss a write made just before it
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.ReadConsistency.html),
    // and then the conditional UpdateItem fails with ConditionalCheckFailedException
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#API_UpdateItem_Errors)
    documents
      .on(GetCommand, { ConsistentRead: false })
      .resolves({})
      .on(GetCommand, { ConsistentRead: true })
      .resolves({ Item: stored(1) });
    documents
      .on(UpdateCommand)
      .rejectsOnce(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      )
      .callsFake(() => ({ Attributes: stored(2) }));
    const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

    // Act
    const job = await repository.record(attemptOf(2, 'RETRYING'));

    // Assess
    expect(job?.attempts).toBe(2);
    const reads = documents.commandCalls(GetCommand).map((call) => call.args[0].input.ConsistentRead);
    expect(reads).toEqual([false, true]);
    const writes = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
    expect(writes[0]?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    expect(writes[1]?.ExpressionAttributeValues?.[':read']).toBe(1);
  });

  it('passes failures other than a failed condition on', async () => {
    // Prepare: UpdateItem's throttling answer, ProvisionedThroughputExceededException, HTTP 400
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#API_UpdateItem_Errors)
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    documents.rejects(throttled);
    const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

    // Act
    const recording = repository.record(attemptOf(1, 'SUCCEEDED'));

    // Assess
    await expect(recording).rejects.toBe(throttled);
  });

  it('reads many jobs with BatchGetItem, 100 keys a call, asking UnprocessedKeys again', async () => {
    // Prepare: a partial answer lists the keys it did not read in UnprocessedKeys
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
    const ids = Array.from({ length: 101 }, (_, i) => `inbox/k${i}#v`);
    const item = (i: number) => ({
      pk: `inbox/k${i}`,
      sk: 'v',
      bucket: 'inbox',
      key: `k${i}`,
      status: 'SUCCEEDED',
    });
    documents
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { jobs: [item(0)] },
        UnprocessedKeys: { jobs: { Keys: [{ pk: 'inbox/k1', sk: 'v' }] } },
      })
      .resolvesOnce({ Responses: { jobs: [item(1)] } })
      .resolvesOnce({ Responses: { jobs: [item(100)] } });
    const waits: number[] = [];
    const repository = new DynamoDbJobRepository(new DynamoDBClient({}), {
      tableName: 'jobs',
      sleep: async (ms) => void waits.push(ms),
    });

    // Act
    const jobs = await repository.getMany(ids);

    // Assess
    expect([...jobs.keys()]).toEqual(['inbox/k0#v', 'inbox/k1#v', 'inbox/k100#v']);
    const requests = documents
      .commandCalls(BatchGetCommand)
      .map((c) => c.args[0].input.RequestItems?.['jobs']);
    expect(requests.map((r) => r?.Keys?.length)).toEqual([100, 1, 1]);
    expect(requests[1]?.Keys).toEqual([{ pk: 'inbox/k1', sk: 'v' }]);
    expect(requests.every((r) => r?.ConsistentRead === true)).toBe(true);
    expect(waits).toHaveLength(1);
  });

  describe('recordAll', () => {
    /** Attempt `attempt` of `inbox/<key>`, version `v`. */
    const attemptOfKey = (key: string, attempt: number, status: JobStatus): JobUpdate => {
      const base = attemptOf(attempt, status);
      return { ...base, object: { ...base.object, key } };
    };
    const written = () =>
      documents.on(UpdateCommand).callsFake((input: { Key: { pk: string; sk: string } }) => ({
        Attributes: { ...storedAt(input.Key.pk.slice('inbox/'.length), 2), status: 'SUCCEEDED' },
      }));

    it('reads the batch with one eventually consistent BatchGetItem (UnprocessedKeys asked again), then writes each job from it with no GetItem', async () => {
      // Prepare: a partial answer lists the keys it did not read in UnprocessedKeys
      // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
      documents
        .on(BatchGetCommand)
        .resolvesOnce({
          Responses: { jobs: [storedAt('a', 1)] },
          UnprocessedKeys: { jobs: { Keys: [{ pk: 'inbox/b', sk: 'v' }], ConsistentRead: false } },
        })
        .resolvesOnce({ Responses: { jobs: [] }, UnprocessedKeys: {} });
      written();
      const repository = new DynamoDbJobRepository(new DynamoDBClient({}), {
        tableName: 'jobs',
        sleep: async () => undefined,
      });

      // Act
      const results = await repository.recordAll([
        attemptOfKey('a', 2, 'SUCCEEDED'),
        attemptOfKey('b', 1, 'SUCCEEDED'),
      ]);

      // Assess
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      const reads = documents
        .commandCalls(BatchGetCommand)
        .map((call) => call.args[0].input.RequestItems?.['jobs']);
      expect(reads).toEqual([
        {
          Keys: [
            { pk: 'inbox/a', sk: 'v' },
            { pk: 'inbox/b', sk: 'v' },
          ],
          ConsistentRead: false,
        },
        { Keys: [{ pk: 'inbox/b', sk: 'v' }], ConsistentRead: false },
      ]);
      expect(documents).not.toReceiveCommand(GetCommand);
      const writes = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
      expect(writes.map((w) => [w.Key?.['pk'], w.ExpressionAttributeValues?.[':read']])).toEqual([
        ['inbox/a', 1],
        ['inbox/b', undefined],
      ]);
      expect(writes[1]?.ConditionExpression).toBe('attribute_not_exists(#pk)');
    });

    it('reads strongly and writes again only the job whose condition failed on the batch read', async () => {
      // Prepare: the eventually consistent batch read missed b's attempt 1, so b's write fails its
      // condition (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html#API_UpdateItem_Errors).
      documents
        .on(BatchGetCommand)
        .resolves({ Responses: { jobs: [storedAt('a', 1)] }, UnprocessedKeys: {} });
      documents.on(GetCommand, { ConsistentRead: true }).resolves({ Item: storedAt('b', 1) });
      written();
      documents
        .on(UpdateCommand, { ConditionExpression: 'attribute_not_exists(#pk)' })
        .rejects(
          new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
        );
      const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

      // Act
      const results = await repository.recordAll([
        attemptOfKey('a', 2, 'SUCCEEDED'),
        attemptOfKey('b', 2, 'SUCCEEDED'),
      ]);

      // Assess
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      const reads = documents.commandCalls(GetCommand).map((call) => call.args[0].input);
      expect(reads).toEqual([{ TableName: 'jobs', Key: { pk: 'inbox/b', sk: 'v' }, ConsistentRead: true }]);
      const writes = documents.commandCalls(UpdateCommand).map((call) => call.args[0].input);
      expect(writes.map((w) => [w.Key?.['pk'], w.ExpressionAttributeValues?.[':read']])).toEqual([
        ['inbox/a', 1],
        ['inbox/b', undefined],
        ['inbox/b', 1],
      ]);
    });

    it('rejects every update of the batch when its BatchGetItem fails, and writes nothing', async () => {
      // Prepare: BatchGetItem throws ProvisionedThroughputExceededException when it can read no item
      // at all (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
      const throttled = Object.assign(new Error('slow down'), {
        name: 'ProvisionedThroughputExceededException',
      });
      documents.on(BatchGetCommand).rejects(throttled);
      const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

      // Act
      const results = await repository.recordAll([
        attemptOfKey('a', 1, 'SUCCEEDED'),
        attemptOfKey('b', 1, 'SUCCEEDED'),
      ]);

      // Assess
      expect(results).toEqual([
        { status: 'rejected', reason: throttled },
        { status: 'rejected', reason: throttled },
      ]);
      expect(documents).not.toReceiveCommand(UpdateCommand);
    });
  });
});
