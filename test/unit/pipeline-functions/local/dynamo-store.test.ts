import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { CreateTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, threadId } from 'node:worker_threads';
import { jobsTableDefinition } from '../../../../pipeline-functions/adapters/aws/jobs-table.js';
import { startDynaliteThread } from '../../../../pipeline-functions/local/dynalite-server.js';
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

  it('runs dynalite on a worker thread, which stop ends after closing the store', async () => {
    // Prepare
    const store = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
    await store.start();
    const { worker } = store;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    // Act
    const { TableNames } = await store.client.send(new ListTablesCommand({}));
    await store.stop();
    // Assess
    expect(isMainThread).toBe(true);
    expect(worker.threadId).not.toBe(threadId);
    expect(TableNames).toEqual(['jobs']);
    await expect(exited).resolves.toBe(1); // terminate() ends a thread with exit code 1
    // The store's lock was released: it opens again at once.
    const reopened = new DynamoStore({ path: join(dir, 'db'), dataDir: dir, tableName: 'jobs' });
    await reopened.start();
    await reopened.stop();
  });

  it('runs dynalite on the caller thread when asked (a short CLI command)', async () => {
    // Prepare
    const store = new DynamoStore({
      path: join(dir, 'db'),
      dataDir: dir,
      tableName: 'jobs',
      ownThread: false,
    });
    // Act
    await store.start();
    try {
      const { TableNames } = await store.client.send(new ListTablesCommand({}));
      // Assess
      expect(TableNames).toEqual(['jobs']);
      expect(() => store.worker).toThrow(/not started on a thread of its own/);
    } finally {
      await store.stop();
    }
  });
});

describe('Function: startDynaliteThread', () => {
  it('reports a port taken under its thread as PortInUseError, naming the setting', async () => {
    // Prepare: taken after no pre-check, so the failure comes from the worker's own listen.
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      // Act
      const starting = startDynaliteThread(
        { createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 },
        { port, service: 'the local DynamoDB store (dynalite)', setting: '--dynamodb-port' },
      );
      // Assess
      await expect(starting).rejects.toBeInstanceOf(PortInUseError);
      await expect(starting).rejects.toThrow(/--dynamodb-port/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
