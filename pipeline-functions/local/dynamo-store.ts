/**
 * The jobs store: dynalite (a DynamoDB-API server) with its LevelDB files in the data directory,
 * on 127.0.0.1, on a worker thread of its own for the runtime (see `dynalite-server.ts`). Jobs are read and written through the same DynamoDB adapter as on AWS. LevelDB lets
 * one process open the store, so the runtime owns it while it runs and the CLI reaches it over
 * loopback HTTP; without a runtime, the CLI starts its own for the duration of a command.
 */
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JOBS_TABLE, jobsTableDefinition } from '../adapters/aws/jobs-table.js';
import { hasErrorCode } from '../adapters/local/files.js';
import { startDynaliteHere, startDynaliteThread, type DynaliteServer } from './dynalite-server.js';
import { localDynamoClient } from './dynamo-client.js';
import { JobsTableOutdatedError, LocalRuntimeError, StoreLockedError } from './errors.js';
import { assertPortFree, type Service } from './service.js';

/**
 * Creates the jobs table if it does not exist, and waits until it is ACTIVE.
 * @throws JobsTableOutdatedError when an existing table lacks the status index this b2a queries
 */
export async function ensureJobsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(jobsTableDefinition(tableName)));
  } catch (error) {
    // Matched by name, like the SDK's other service exceptions: a class check misses copies of the SDK.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') {
      const indexes = (Table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName ?? '');
      if (!indexes.includes(JOBS_TABLE.statusIndex)) throw new JobsTableOutdatedError(tableName, indexes);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new LocalRuntimeError(`the local jobs table ${tableName} did not become ACTIVE`);
}

interface LevelLike {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Fails fast when another process holds the store. dynalite opens LevelDB lazily and a lock
 * failure would surface later as an uncaught exception on the first request, so the store is
 * opened once here (with the same `level` module dynalite uses) and closed again.
 * @throws StoreLockedError
 */
async function assertStoreUnlocked(path: string, dataDir: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const { Level } = createRequire(require.resolve('dynalite'))('level') as {
    Level: new (location: string) => LevelLike;
  };
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const cause = typeof error === 'object' && error !== null && 'cause' in error ? error.cause : undefined;
    if (hasErrorCode(cause, 'LEVEL_LOCKED')) throw new StoreLockedError(dataDir, { cause: error });
    throw error;
  }
  await db.close();
}

/** Options of {@link DynamoStore}. */
export interface DynamoStoreOptions {
  /** LevelDB directory; in memory when absent (tests). */
  readonly path?: string;
  /** Data directory, for error messages. */
  readonly dataDir: string;
  readonly tableName: string;
  /** 0 picks a free port. @default 0 */
  readonly port?: number;
  /**
   * Run dynalite on a worker thread of its own (the runtime), or on the caller's thread (a short CLI
   * command, which would wait 50–270 ms more (measured, quiet to loaded machine) for the thread to start and load dynalite). @default true
   */
  readonly ownThread?: boolean;
}

/**
 * dynalite as a runtime service.
 * @example
 * const store = new DynamoStore({ path: '.b2a/dynamodb', dataDir: '.b2a', tableName });
 * await store.start(); // store.endpoint, store.client
 */
export class DynamoStore implements Service {
  public readonly name = 'dynamodb';
  private server: DynaliteServer | undefined;
  private dynamo: DynamoDBClient | undefined;
  private url: string | undefined;

  public constructor(private readonly options: DynamoStoreOptions) {}

  /** `http://127.0.0.1:<port>`, once started. */
  public get endpoint(): string {
    if (!this.url) throw new LocalRuntimeError('the local DynamoDB store is not started');
    return this.url;
  }

  /** The thread dynalite runs on, once started on its own: for the thread's figures. */
  public get worker(): Worker {
    const worker = this.server?.worker;
    if (!worker)
      throw new LocalRuntimeError('the local DynamoDB store is not started on a thread of its own');
    return worker;
  }

  /** A client of the store, once started (closed by `stop`). */
  public get client(): DynamoDBClient {
    if (!this.dynamo) throw new LocalRuntimeError('the local DynamoDB store is not started');
    return this.dynamo;
  }

  public async start(): Promise<void> {
    const port = this.options.port ?? 0;
    const service = 'the local DynamoDB store (dynalite)';
    const setting = '--dynamodb-port or local.ports.dynamodb';
    await assertPortFree(port, service, setting);
    if (this.options.path) await assertStoreUnlocked(this.options.path, this.options.dataDir);
    const start = this.options.ownThread === false ? startDynaliteHere : startDynaliteThread;
    const server = await start(
      {
        ...(this.options.path ? { path: this.options.path } : {}),
        createTableMs: 0,
        deleteTableMs: 0,
        updateTableMs: 0,
      },
      { port, service, setting },
    );
    this.server = server;
    this.url = server.url;
    this.dynamo = localDynamoClient(this.url);
    try {
      await ensureJobsTable(this.dynamo, this.options.tableName);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  public async stop(): Promise<void> {
    this.dynamo?.destroy();
    this.dynamo = undefined;
    await this.server?.stop();
    this.server = undefined;
  }
}
