/**
 * `runtime.json`: written by a running runtime so the CLI can find it (its pid and endpoints), and
 * removed when it stops. A runtime killed with SIGKILL leaves it behind, so liveness is checked, not assumed.
 */
import { rm } from 'node:fs/promises';
import { request } from 'node:http';
import { hasErrorCode, readJsonFile, writeJsonAtomic } from '../adapters/local/files.js';

/** What a running runtime tells the CLI. */
export interface RuntimeInfo {
  readonly pid: number;
  readonly startedAt: string;
  readonly dataDir: string;
  readonly bucket: string;
  readonly inboxDir: string;
  /** The jobs store (dynalite), `http://127.0.0.1:<port>`. */
  readonly dynamodbEndpoint: string;
  readonly apiUrl: string;
  readonly demoApiUrl?: string;
  readonly objectServerUrl: string;
}

/** Reads `runtime.json`, or `undefined` when absent or not a runtime file. */
export async function readRuntimeInfo(path: string): Promise<RuntimeInfo | undefined> {
  const raw = (await readJsonFile(path)) as Partial<RuntimeInfo> | undefined;
  if (!raw || typeof raw.pid !== 'number' || typeof raw.dynamodbEndpoint !== 'string') return undefined;
  return raw as RuntimeInfo;
}

export async function writeRuntimeInfo(path: string, info: RuntimeInfo): Promise<void> {
  await writeJsonAtomic(path, info);
}

/** Removes `runtime.json` if it still names `pid` (a newer runtime's file is left alone). */
export async function removeRuntimeInfo(path: string, pid: number): Promise<void> {
  const current = await readRuntimeInfo(path);
  if (current?.pid === pid) await rm(path, { force: true });
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    if (hasErrorCode(error, 'EPERM')) return true;
    if (hasErrorCode(error, 'ESRCH')) return false;
    throw error;
  }
}

/** Whether an HTTP server answers at `endpoint` within `timeoutMs` (any status counts). */
export function isEndpointAlive(endpoint: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(endpoint, { method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // A refused or dropped connection is the answer to the question, not a failure.
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** The running runtime of a data directory: its file names a live process whose store answers. */
export async function findLiveRuntime(path: string): Promise<RuntimeInfo | undefined> {
  const info = await readRuntimeInfo(path);
  if (!info || !isProcessAlive(info.pid)) return undefined;
  return (await isEndpointAlive(info.dynamodbEndpoint)) ? info : undefined;
}
