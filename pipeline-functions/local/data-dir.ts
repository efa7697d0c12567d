/**
 * The layout of the local data directory (`--data-dir`, default `.b2a`). Everything the local
 * runtime keeps is in here; deleting the directory resets b2a locally.
 */
import { join } from 'node:path';

/** Paths inside one data directory. */
export interface LocalPaths {
  readonly root: string;
  /** Optional configuration (the pipeline schema plus a `local` section). */
  readonly config: string;
  /** Written while the runtime runs: its pid and endpoints, read by the CLI. */
  readonly runtime: string;
  /** The HMAC key of presigned object URLs (created once, mode 0600). */
  readonly secret: string;
  /** The enabled flag and its history. */
  readonly flag: string;
  /** The bucket: files dropped here are objects, subfolders key prefixes. */
  readonly inbox: string;
  /** What the inbox watcher already turned into events (JSON lines). */
  readonly ledger: string;
  readonly sourceQueue: string;
  readonly deadLetterQueue: string;
  /** One file per scheduled retry. */
  readonly schedules: string;
  /** dynalite's LevelDB store: the jobs table. */
  readonly dynamodb: string;
  /** One JSON line per notification. */
  readonly notifications: string;
  /** What the built-in demo API received (JSON lines). */
  readonly demoApiLog: string;
  /** Checkpoints of interrupted backfills (`b2a backfill`). */
  readonly checkpoints: string;
}

/** The paths of the data directory `root`. */
export function localPaths(root: string): LocalPaths {
  return {
    root,
    config: join(root, 'config.json'),
    runtime: join(root, 'runtime.json'),
    secret: join(root, 'secret'),
    flag: join(root, 'flag.json'),
    inbox: join(root, 'inbox'),
    ledger: join(root, 'inbox-ledger.jsonl'),
    sourceQueue: join(root, 'queue', 'source'),
    deadLetterQueue: join(root, 'queue', 'dead-letter'),
    schedules: join(root, 'schedules'),
    dynamodb: join(root, 'dynamodb'),
    notifications: join(root, 'notifications.jsonl'),
    demoApiLog: join(root, 'demo-api', 'deliveries.jsonl'),
    checkpoints: join(root, 'checkpoints'),
  };
}

/** The jobs table's name in dynalite. */
export const LOCAL_TABLE_NAME = 'b2a-local-jobs';

/** The region and account the local runtime puts in S3 events and gives the DynamoDB client. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/** Static credentials for the DynamoDB client pointed at dynalite: never valid on AWS. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'b2a-local', secretAccessKey: 'b2a-local' } as const;
