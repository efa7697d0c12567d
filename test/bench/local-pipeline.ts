/**
 * Driving the local runtime from the benchmark: start it on a temporary data directory, drop files in
 * its inbox, and see when each file's job is recorded.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etagOf } from '../../pipeline-functions/adapters/local/directory-object-source.js';
import type { JobStatus } from '../../pipeline-functions/core/model.js';
import type { LogEntry } from '../../pipeline-functions/local/log.js';
import {
  startLocalRuntime,
  type LocalRuntime,
  type LocalRuntimeOptions,
} from '../../pipeline-functions/local/runtime.js';
import { BenchError, BenchTimeoutError } from './errors.js';
import { fileKey, sampleDocument } from './sample-files.js';

/** What the runtime logged at warn or error level while the benchmark used it. */
export interface RuntimeTrouble {
  warnings: number;
  errors: number;
  /** The first few error messages, for the report. */
  readonly firstErrors: string[];
}

/**
 * Starts the local runtime on a fresh temporary data directory, hands it to `use`, then stops it and
 * deletes the directory, whatever `use` did.
 */
export async function withLocalRuntime<T>(
  options: Omit<LocalRuntimeOptions, 'dataDir' | 'log'>,
  use: (runtime: LocalRuntime, trouble: RuntimeTrouble) => Promise<T>,
): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'b2a-bench-'));
  const trouble: RuntimeTrouble = { warnings: 0, errors: 0, firstErrors: [] };
  const log = (entry: LogEntry): void => {
    if (entry.level === 'warn') trouble.warnings++;
    if (entry.level !== 'error') return;
    trouble.errors++;
    if (trouble.firstErrors.length < 3) trouble.firstErrors.push(entry.message);
  };
  try {
    const runtime = await startLocalRuntime({ ...options, dataDir, log });
    try {
      return await use(runtime, trouble);
    } finally {
      await runtime.stop();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** When the runtime turned each file into an event, and when it first recorded each file's job. */
export class PipelineWatch {
  /** performance.now() when the inbox put the file's S3 event on the queue, by key. */
  public readonly emitted = new Map<string, number>();
  /** performance.now() of the first recorded job, by key. */
  public readonly firstRecorded = new Map<string, number>();
  public readonly statuses = new Map<string, JobStatus>();
  /** Job records seen (each is one conditional write that changed the job). */
  public records = 0;
  /** How long each batch took in the handlers (enrichment then target), in ms, in the order they ended. */
  public readonly batchMs: number[] = [];
  private waiter: (() => void) | undefined;
  private readonly unsubscribe: () => void;

  public constructor(runtime: LocalRuntime) {
    this.unsubscribe = runtime.onEvent((event) => {
      if (event.type === 'object-created' && !this.emitted.has(event.key)) {
        this.emitted.set(event.key, performance.now());
      }
      if (event.type === 'batch') this.batchMs.push(event.summary.durationMs);
      if (event.type !== 'job') return;
      this.records++;
      const { key, status } = event.job;
      if (!this.firstRecorded.has(key)) this.firstRecorded.set(key, performance.now());
      this.statuses.set(key, status);
      this.waiter?.();
    });
  }

  /**
   * Resolves once every key has a recorded job.
   * @throws BenchTimeoutError after `timeoutMs`, saying how many are missing
   */
  public async waitFor(keys: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = keys.filter((key) => !this.firstRecorded.has(key)).length;
      if (missing === 0) return;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new BenchTimeoutError(`${missing} of ${keys.length} files had no job after ${timeoutMs} ms`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = undefined;
    }
  }

  public stop(): void {
    this.unsubscribe();
  }
}

/** A written file: its key, when its write finished (performance.now()), its S3-style ETag and size. */
export interface WrittenFile {
  readonly key: string;
  readonly writtenAt: number;
  readonly etag: string;
  readonly size: number;
}

/**
 * Writes `count` sample files under `<root>/<prefix>/`, one after the other, optionally paced at
 * `ratePerSecond`.
 */
export async function writeFiles(
  root: string,
  prefix: string,
  count: number,
  ratePerSecond?: number,
): Promise<WrittenFile[]> {
  await mkdir(join(root, prefix), { recursive: true });
  const written: WrittenFile[] = [];
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (ratePerSecond) {
      const due = started + (i * 1000) / ratePerSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const key = fileKey(prefix, i);
    const body = Buffer.from(sampleDocument(i));
    await writeFile(join(root, ...key.split('/')), body);
    written.push({ key, writtenAt: performance.now(), etag: etagOf(body), size: body.byteLength });
  }
  return written;
}

/** A writer in a process of its own, ready to write its files. */
export interface FileWriter {
  /** Writes the files, one after the other, as fast as it can. @returns them, with `writtenAt` on this process's clock */
  write(): Promise<WrittenFile[]>;
}

/**
 * Starts a process that will write `count` sample files under `<root>/<prefix>/`, as a user's copy
 * into the inbox would: its CPU and its disk waits are not the runtime's, as the stub API's are not.
 * Resolves once it is ready, so that its start-up is not counted.
 * @throws BenchError when it exits before writing
 */
export async function startFileWriter(root: string, prefix: string, count: number): Promise<FileWriter> {
  const child = fork(
    fileURLToPath(new URL('./file-writer-process.ts', import.meta.url)),
    [root, prefix, String(count)],
    { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  await childReply(child, 'ready');
  return {
    write: async () => {
      const reply = childReply(child, 'written');
      child.send('write');
      const { writtenAt } = (await reply) as { readonly writtenAt: readonly number[] };
      return writtenAt.map((epochMs, i) => {
        const body = Buffer.from(sampleDocument(i));
        return {
          key: fileKey(prefix, i),
          writtenAt: epochMs - performance.timeOrigin,
          etag: etagOf(body),
          size: body.byteLength,
        };
      });
    },
  };
}

function childReply(child: ChildProcess, type: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { readonly type?: string }): void => {
      if (message.type !== type) return;
      child.off('exit', onExit);
      child.off('message', onMessage);
      resolve(message);
    };
    const onExit = (code: number | null): void => {
      child.off('message', onMessage);
      reject(new BenchError(`the file writer exited (${code ?? 'signal'}) before "${type}"`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
