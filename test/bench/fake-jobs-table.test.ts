import { describe, expect, it } from '@jest/globals';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { itemBytes } from '../../pipeline-functions/adapters/aws/item-size.js';
import { FakeJobsTable } from './fake-jobs-table.js';

/**
 * An UpdateItem input of the shape DynamoDbJobRepository.record sends: the sparse index's key
 * (`attention`) is set while the job needs attention and removed when it succeeds.
 */
function update(status: string, attempt: number, updatedAt: string): UpdateCommandInput {
  const succeeded = status === 'SUCCEEDED';
  return {
    TableName: 'jobs',
    Key: { pk: 'inbox/a.json', sk: 'v1' },
    UpdateExpression:
      'SET #history = list_append(if_not_exists(#history, :empty), :entry), #attempts = if_not_exists(#attempts, :zero) + :one, #createdAt = if_not_exists(#createdAt, :now), #status = :status, #runId = :runId, #runStartedAt = :runStartedAt, #attempt = :attempt, #updatedAt = :updatedAt' +
      (succeeded ? ' REMOVE #lastError, #attention' : ', #attention = :status REMOVE #lastError'),
    ExpressionAttributeNames: {
      '#attention': 'attention',
      '#history': 'history',
      '#attempts': 'attempts',
      '#createdAt': 'createdAt',
      '#status': 'status',
      '#runId': 'runId',
      '#runStartedAt': 'runStartedAt',
      '#attempt': 'attempt',
      '#updatedAt': 'updatedAt',
      '#lastError': 'lastError',
    },
    ExpressionAttributeValues: {
      ':empty': [],
      ':entry': [{ attempt, outcome: status }],
      ':zero': 0,
      ':one': 1,
      ':now': updatedAt,
      ':status': status,
      ':runId': 'auto',
      ':runStartedAt': '2026-11-21T12:00:00Z',
      ':attempt': attempt,
      ':updatedAt': updatedAt,
    },
  };
}

describe('Class: FakeJobsTable', () => {
  it('applies the update expression and bills a new job one write and one index write', () => {
    // Prepare
    const table = new FakeJobsTable({ statusIndex: true });

    // Act
    const { Attributes } = table.update(update('RETRYING', 1, '2026-11-21T12:00:01Z'));

    // Assess
    expect(Attributes).toMatchObject({ status: 'RETRYING', attempts: 1, history: [{ attempt: 1 }] });
    expect(table.capacity).toEqual({ readUnits: 0, writeUnits: 1, indexWriteUnits: 1 });
  });

  // Changed on purpose (issue 14): the index is sparse, so a job that succeeds leaves it (one delete)
  // instead of moving to the SUCCEEDED entry (a delete and a put).
  it('bills a removed index key as one delete, and appends to the history', () => {
    // Prepare
    const table = new FakeJobsTable({ statusIndex: true });
    table.update(update('RETRYING', 1, '2026-11-21T12:00:01Z'));

    // Act
    const { Attributes } = table.update(update('SUCCEEDED', 2, '2026-11-21T12:03:00Z'));

    // Assess
    expect(Attributes).toMatchObject({
      status: 'SUCCEEDED',
      attempts: 2,
      history: [{ attempt: 1 }, { attempt: 2 }],
    });
    expect(table.capacity).toEqual({ readUnits: 0, writeUnits: 2, indexWriteUnits: 2 });
  });

  it('bills no index write for a job that succeeds at once (a sparse index)', () => {
    // Prepare
    const table = new FakeJobsTable({ statusIndex: true });

    // Act
    const { Attributes } = table.update(update('SUCCEEDED', 1, '2026-11-21T12:00:01Z'));

    // Assess
    expect(Attributes).not.toHaveProperty('attention');
    expect(table.capacity).toEqual({ readUnits: 0, writeUnits: 1, indexWriteUnits: 0 });
  });

  it('refuses a stale update as DynamoDB does, and still bills the write', () => {
    // Prepare
    const table = new FakeJobsTable({ statusIndex: false });
    table.update(update('SUCCEEDED', 1, '2026-11-21T12:00:01Z'));

    // Act
    const stale = (): unknown => table.update(update('RETRYING', 1, '2026-11-21T12:00:02Z'));

    // Assess
    expect(stale).toThrow(ConditionalCheckFailedException);
    expect(table.capacity).toEqual({ readUnits: 0, writeUnits: 2, indexWriteUnits: 0 });
  });

  it('bills a strongly consistent read of a missing item one read unit', () => {
    // Prepare
    const table = new FakeJobsTable({ statusIndex: true });

    // Act
    const { Item } = table.get({
      TableName: 'jobs',
      Key: { pk: 'inbox/none', sk: 'v1' },
      ConsistentRead: true,
    });

    // Assess
    expect(Item).toBeUndefined();
    expect(table.capacity.readUnits).toBe(1);
  });

  it('bills a BatchGetItem per item, as GetItems: each rounded up to 4 KB, half when eventually consistent', () => {
    // Prepare: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
    const table = new FakeJobsTable({ statusIndex: true });
    table.update(update('RETRYING', 1, '2026-11-21T12:00:01Z'));
    const keys = [
      { pk: 'inbox/a.json', sk: 'v1' },
      { pk: 'inbox/none', sk: 'v1' },
    ];

    // Act
    const strong = table.batchGet({ RequestItems: { jobs: { Keys: keys, ConsistentRead: true } } });
    const afterStrong = table.capacity.readUnits;
    const eventual = table.batchGet({ RequestItems: { jobs: { Keys: keys } } });

    // Assess
    expect(strong.Responses?.['jobs']).toEqual([expect.objectContaining({ status: 'RETRYING' })]);
    expect(eventual.Responses?.['jobs']).toHaveLength(1);
    expect(strong.UnprocessedKeys).toEqual({});
    expect(afterStrong).toBe(2);
    expect(table.capacity.readUnits).toBe(3);
  });
});

describe('Function: itemBytes', () => {
  it('sizes names and values as DynamoDB documents it', () => {
    // Act
    const bytes = itemBytes({ pk: 'abc', n: 12345, ok: true, list: ['xy'], map: { k: 'v' } });

    // Assess: pk 2+3, n 1+(3+1), ok 2+1, list 4+(3+1+2), map 3+(3+1+(1+1))
    expect(bytes).toBe(5 + 5 + 3 + 10 + 9);
  });

  it('sizes a Binary by its raw bytes, not its base64 (the compressed history)', () => {
    // Act
    const bytes = itemBytes({ history: new Uint8Array(300) });

    // Assess
    expect(bytes).toBe(7 + 300);
  });
});
