import { beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbJobRepository } from '../../../../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { STATUS_INDEX } from '../../../../../pipeline-functions/core/names.js';

const documents = mockClient(DynamoDBDocumentClient);

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

  it('passes failures other than a failed condition on', async () => {
    // Prepare
    const throttled = Object.assign(new Error('slow down'), {
      name: 'ProvisionedThroughputExceededException',
    });
    documents.rejects(throttled);
    const repository = new DynamoDbJobRepository(new DynamoDBClient({}), { tableName: 'jobs' });

    // Act
    const recording = repository.record({
      object: { bucket: 'b', key: 'k', versionId: 'v' },
      run: { id: 'auto', startedAt: '2026-03-01T00:00:00Z' },
      attempt: 1,
      status: 'SUCCEEDED',
      idempotencyKey: 'i',
      entry: {
        at: '2026-03-01T00:00:00Z',
        runId: 'auto',
        attempt: 1,
        origin: 's3-event',
        outcome: 'delivered',
      },
    });

    // Assess
    await expect(recording).rejects.toBe(throttled);
  });
});
