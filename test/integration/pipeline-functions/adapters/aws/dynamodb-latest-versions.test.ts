import { describe, expect, it } from '@jest/globals';
import { CreateTableCommand, GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbJobRepository } from '../../../../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { DynamoDbLatestVersions } from '../../../../../pipeline-functions/adapters/aws/dynamodb-latest-versions.js';
import {
  jobsTableDefinition,
  latestVersionKeyOf,
} from '../../../../../pipeline-functions/adapters/aws/jobs-table.js';
import { ATTENTION_STATUSES } from '../../../../../pipeline-functions/core/model.js';
import { dynaliteForSuite } from '../../../../support/dynalite-suite.js';

const object = (versionId: string, sequencer: string) => ({
  bucket: 'inbox',
  key: 'reports/daily.csv',
  versionId,
  etag: `etag-${versionId}`,
  sequencer,
});

let tableCount = 0;

describe('Class: DynamoDbLatestVersions (dynalite)', () => {
  const db = dynaliteForSuite();
  const client = (): DynamoDBClient => db.client;

  async function table(): Promise<string> {
    const tableName = `latest-${++tableCount}`;
    await client().send(new CreateTableCommand(jobsTableDefinition(tableName)));
    return tableName;
  }

  it('moves only forward: an older version arriving late gets the newer one back', async () => {
    // Prepare
    const versions = new DynamoDbLatestVersions(client(), { tableName: await table() });
    // Act: v2 first, then v1 (its sequencer is longer but, right-padded, smaller), then v3.
    const afterV2 = await versions.advance(object('v2', '0062E99A88DC4075'), '2026-03-01T00:00:02.000Z');
    const afterV1 = await versions.advance(object('v1', '0062E99A88DC407460'), '2026-03-01T00:00:03.000Z');
    const afterV3 = await versions.advance(object('v3', '0062e99a88dc407600'), '2026-03-01T00:00:04.000Z');
    // Assess
    expect(afterV2).toMatchObject({ version: 'v2', seenAt: '2026-03-01T00:00:02.000Z' });
    expect(afterV1).toEqual(afterV2);
    expect(afterV3).toMatchObject({ version: 'v3', sequencer: expect.stringMatching(/^0062E99A88DC407600/) });
  });

  it('answers a duplicate of the newest version with the record as it is', async () => {
    const versions = new DynamoDbLatestVersions(client(), { tableName: await table() });
    const first = await versions.advance(object('v1', '0062E99A88DC407460'), '2026-03-01T00:00:01.000Z');
    const again = await versions.advance(object('v1', '0062E99A88DC407460'), '2026-03-01T00:05:00.000Z');
    expect(again).toEqual(first);
  });

  it('keeps its record out of every job listing and count, and out of the key’s jobs', async () => {
    // Prepare
    const tableName = await table();
    const versions = new DynamoDbLatestVersions(client(), { tableName });
    const jobs = new DynamoDbJobRepository(client(), { tableName });
    // Act
    await versions.advance(object('v1', '0062E99A88DC407460'), '2026-03-01T00:00:01.000Z');
    // Assess: the record is there, under its reserved key, without the status index's attributes.
    const { Item } = await client().send(
      new GetItemCommand({
        TableName: tableName,
        Key: {
          pk: { S: latestVersionKeyOf('inbox', 'reports/daily.csv').pk },
          sk: { S: 'latest' },
        },
      }),
    );
    expect(Item).toBeDefined();
    expect(Item).not.toHaveProperty('status');
    expect(Item).not.toHaveProperty('attention');
    expect(Item).not.toHaveProperty('updatedAt');
    for (const status of ATTENTION_STATUSES) {
      expect((await jobs.listByStatus({ status })).items).toEqual([]);
      expect(await jobs.countByStatus(status)).toBe(0);
    }
    expect(await jobs.listByKey('inbox', 'reports/daily.csv')).toEqual([]);
  });
});
