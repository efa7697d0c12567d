import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobsTableDefinition } from '../../../../pipeline-functions/adapters/aws/jobs-table.js';
import { DynamoStore, ensureJobsTable } from '../../../../pipeline-functions/local/dynamo-store.js';
import {
  JobsTableOutdatedError,
  PortInUseError,
  StoreLockedError,
} from '../../../../pipeline-functions/local/errors.js';

describe('Class: DynamoStore', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-dynamo-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the jobs table on loopback from a store persisted in the data directory', async () => {
    // Prepare
    const store = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
    await store.start();
    await store.stop();
    const reopened = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
    // Act
    await reopened.start();
    try {
      const { TableNames } = await reopened.client.send(new ListTablesCommand({}));
      // Assess
      expect(reopened.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(TableNames).toEqual(['jobs']);
    } finally {
      await reopened.stop();
    }
  });

  it('refuses a jobs table an older b2a created, with the by-status index, instead of misreading it', async () => {
    // Prepare
    const store = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
    await store.start();
    try {
      const current = jobsTableDefinition('old-jobs');
      await store.client.send(
        new CreateTableCommand({
          ...current,
          AttributeDefinitions: [
            ...(current.AttributeDefinitions ?? []).filter((a) => a.AttributeName !== 'attention'),
            { AttributeName: 'status', AttributeType: 'S' },
          ],
          GlobalSecondaryIndexes: [
            {
              IndexName: 'by-status',
              KeySchema: [
                { AttributeName: 'status', KeyType: 'HASH' },
                { AttributeName: 'updatedAt', KeyType: 'RANGE' },
              ],
              Projection: { ProjectionType: 'ALL' },
            },
          ],
        }),
      );
      // Act
      const ensured = ensureJobsTable(store.client, 'old-jobs');
      // Assess
      await expect(ensured).rejects.toBeInstanceOf(JobsTableOutdatedError);
      await expect(ensured).rejects.toThrow(
        /created by an older b2a \(indexes: by-status; this b2a reads by-attention\)/,
      );
      await expect(ensureJobsTable(store.client, 'jobs')).resolves.toBeUndefined();
    } finally {
      await store.stop();
    }
  });

  it('says clearly that another holder has the store open', async () => {
    // Prepare
    const owner = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
    await owner.start();
    try {
      // Act
      const second = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' }).start();
      // Assess
      await expect(second).rejects.toBeInstanceOf(StoreLockedError);
      await expect(second).rejects.toThrow(/is open in another process/);
    } finally {
      await owner.stop();
    }
  });

  it('fails fast on a port in use, before opening the store', async () => {
    // Prepare
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      // Act
      const starting = new DynamoStore({
        path: join(dir, 'db'),
        dataDir: dir,
        tableName: 'jobs',
        port,
      }).start();
      // Assess
      await expect(starting).rejects.toBeInstanceOf(PortInUseError);
      const free = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
      await free.start();
      await free.stop();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
