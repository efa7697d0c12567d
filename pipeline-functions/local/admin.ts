/**
 * The CLI's backend for `--env local`: the admin ports over a local data directory. Jobs are read
 * through the same DynamoDB adapter as on AWS: from the running runtime's dynalite over loopback
 * HTTP when it runs, else from a dynalite this command starts on the data directory for as long as
 * it runs. A reprocess lands in the durable queue either way and is picked up when the runtime runs.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDbAdmissionStore } from '../adapters/aws/dynamodb-admission-store.js';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { DirectoryBucketListing } from '../adapters/local/directory-bucket-listing.js';
import { DirectoryObjectSource } from '../adapters/local/directory-object-source.js';
import { DurableQueue } from '../adapters/local/durable-queue.js';
import { FileCheckpointStore } from '../adapters/local/file-checkpoint-store.js';
import { FileFlagAdmin } from '../adapters/local/file-flag.js';
import { LocalDeadLetterQueue } from '../adapters/local/local-dead-letter-queue.js';
import { LocalIdentityProvider, localUserName } from '../adapters/local/local-identity.js';
import { LocalPipelineMonitor } from '../adapters/local/local-pipeline-monitor.js';
import { LocalWorkQueue } from '../adapters/local/local-work-queue.js';
import { RatePacer } from '../core/admission/rate-pacer.js';
import { systemClock, type AdminSession } from '../core/ports.js';
import { noPacing } from '../core/use-cases/admin/send-in-batches.js';
import { localPaths, LOCAL_TABLE_NAME } from './data-dir.js';
import { localDynamoClient } from './dynamo-client.js';
import { DataDirNotFoundError, StoreLockedError } from './errors.js';
import { findLiveRuntime } from './runtime-file.js';
import { isIgnoredName } from './inbox-watcher.js';
import { loadLocalConfig, resolvePipelineConfig } from './settings.js';

/** How long to wait for a runtime that holds the store but has not yet written `runtime.json`. @default 5000 */
export const STARTING_RUNTIME_WAIT_MS = 5000;

/** Options of {@link openLocalAdmin}. */
export interface LocalAdminOptions {
  /** How long a locked store is retried, in case a runtime is starting. @default 5000 */
  readonly lockWaitMs?: number;
}

/** The admin ports of a local data directory, open until `close()`. */
export type LocalAdmin = AdminSession;

/** Connects to the running runtime's store, or opens the store itself. */
async function openJobStore(
  dataDir: string,
  lockWaitMs: number,
): Promise<{ readonly client: DynamoDBClient; readonly close: () => Promise<void> }> {
  const paths = localPaths(dataDir);
  const deadline = Date.now() + lockWaitMs;
  for (;;) {
    const live = await findLiveRuntime(paths.runtime);
    if (live) {
      const client = localDynamoClient(live.dynamodbEndpoint);
      return { client, close: async () => client.destroy() };
    }
    // Loaded only here: a command that reaches a running runtime's store never loads dynalite.
    const { DynamoStore } = await import('./dynamo-store.js');
    const store = new DynamoStore({
      path: paths.dynamodb,
      dataDir,
      tableName: LOCAL_TABLE_NAME,
      ownThread: false,
    });
    try {
      await store.start();
      return { client: store.client, close: () => store.stop() };
    } catch (error) {
      // A runtime that is starting holds the store before it writes runtime.json: wait for it.
      if (!(error instanceof StoreLockedError) || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/**
 * Opens the admin ports of the local data directory `dataDir`.
 * @throws DataDirNotFoundError when the directory does not exist
 * @throws StoreLockedError when another process (not a runtime) holds the job store
 * @example
 * const admin = await openLocalAdmin('.b2a');
 * try { console.log(await admin.jobs.countByStatus('FAILED')); } finally { await admin.close(); }
 */
export async function openLocalAdmin(dataDir: string, options: LocalAdminOptions = {}): Promise<LocalAdmin> {
  const root = resolve(dataDir);
  if (!existsSync(root)) throw new DataDirNotFoundError(root);
  const paths = localPaths(root);
  const { input, settings } = await loadLocalConfig({ defaultFile: paths.config });
  const { client, close } = await openJobStore(root, options.lockWaitMs ?? STARTING_RUNTIME_WAIT_MS);
  const source = new DurableQueue({ dir: paths.sourceQueue, durable: settings.queue.durable });
  const deadLetters = new DurableQueue({ dir: paths.deadLetterQueue, durable: settings.queue.durable });
  const objects = new DirectoryObjectSource({ root: paths.inbox, bucket: settings.bucket });
  const { filters, api } = resolvePipelineConfig(input, 'http://127.0.0.1/');
  const admission = new DynamoDbAdmissionStore(client, { tableName: LOCAL_TABLE_NAME });
  return {
    environment: input.environment ?? 'local',
    bucket: settings.bucket,
    flag: new FileFlagAdmin({ path: paths.flag, changedBy: `local:${localUserName()}` }),
    jobs: new DynamoDbJobRepository(client, { tableName: LOCAL_TABLE_NAME }),
    objects,
    // The files the inbox watcher would turn into events: temporary and partial files are not objects.
    listing: new DirectoryBucketListing({
      root: paths.inbox,
      bucket: settings.bucket,
      objects,
      ignore: isIgnoredName,
    }),
    filters,
    checkpoints: new FileCheckpointStore(paths.checkpoints),
    queue: new LocalWorkQueue(source),
    monitor: new LocalPipelineMonitor(
      source,
      deadLetters,
      async () => (await findLiveRuntime(paths.runtime)) !== undefined,
    ),
    // No pipe control: hold waits through the enrichment's deferral (docs/admission-control.md).
    ...(api.circuitBreaker ? { circuit: admission } : {}),
    pacer: api.rateLimit
      ? new RatePacer(admission, api.rateLimit, {
          clock: systemClock,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        })
      : noPacing,
    deadLetters: new LocalDeadLetterQueue(deadLetters, source),
    identity: new LocalIdentityProvider(),
    close,
  };
}
