/**
 * `b2a local reset`: forgets the local state (jobs, queues, retries, ledger, notifications, flag)
 * while keeping the inbox and config.json, so the next start sends every inbox file again as new.
 * With `all`, the inbox and config go too. Only b2a's own entries are removed, never anything else
 * that happens to live in the directory.
 */
import { existsSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { localPaths } from './data-dir.js';
import { DataDirNotFoundError, RuntimeAlreadyRunningError } from './errors.js';
import { findLiveRuntime } from './runtime-file.js';

/** What a reset removed. */
export interface ResetResult {
  readonly dataDir: string;
  /** Paths removed (those that existed). */
  readonly removed: string[];
}

/**
 * Resets a data directory.
 * @throws RuntimeAlreadyRunningError when a runtime runs on it; DataDirNotFoundError when it does not exist.
 */
export async function resetDataDir(
  dataDir: string,
  options: { readonly all?: boolean } = {},
): Promise<ResetResult> {
  const root = resolve(dataDir);
  if (!existsSync(root)) throw new DataDirNotFoundError(root);
  const paths = localPaths(root);
  const live = await findLiveRuntime(paths.runtime);
  if (live) throw new RuntimeAlreadyRunningError(root, live.pid);
  const state = [
    paths.runtime,
    paths.secret,
    paths.flag,
    paths.ledger,
    join(root, 'queue'),
    paths.schedules,
    paths.dynamodb,
    paths.notifications,
    join(root, 'demo-api'),
  ];
  const targets = options.all ? [...state, paths.inbox, paths.config] : state;
  const removed: string[] = [];
  for (const path of targets) {
    if (!existsSync(path)) continue;
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  if (options.all && (await readdir(root)).length === 0) await rmdir(root);
  return { dataDir: root, removed };
}
