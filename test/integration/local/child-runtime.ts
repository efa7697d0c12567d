/** `b2a local up --json` as a child process, for tests that kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LogEntry } from '../../../pipeline-functions/local/log.js';

const B2A = fileURLToPath(new URL('../../../bin/b2a.js', import.meta.url));

/** A running `b2a local up`. */
export interface ChildRuntime {
  readonly process: ChildProcess;
  /** JSON log entries printed so far. */
  readonly entries: LogEntry[];
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
}

/** Runs `node bin/b2a.js <args>` and collects its JSON lines. */
export function runB2a(args: readonly string[]): ChildRuntime {
  const env = { ...process.env };
  delete env['B2A_ENV'];
  delete env['B2A_DATA_DIR'];
  const child = spawn(process.execPath, [B2A, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const entries: LogEntry[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    const lines = stdout.split('\n');
    stdout = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('{')) entries.push(JSON.parse(line) as LogEntry);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  return { process: child, entries, stderr: () => stderr, exited };
}

/**
 * Starts `b2a local up --json` and resolves once it printed its `ready` entry or exited (check
 * `exited`). `onSpawn` sees the child at once: the runtime may call the API before it says it is ready.
 */
export async function startChildRuntime(
  args: readonly string[],
  onSpawn: (child: ChildRuntime) => void = () => undefined,
  timeoutMs = 30_000,
): Promise<ChildRuntime> {
  const child = runB2a(['local', 'up', '--json', ...args]);
  onSpawn(child);
  const deadline = Date.now() + timeoutMs;
  while (!child.entries.some((e) => e.event === 'ready')) {
    const code = await Promise.race([child.exited, new Promise((r) => setTimeout(r, 50, 'running'))]);
    if (code !== 'running') return child;
    if (Date.now() > deadline) {
      child.process.kill('SIGKILL');
      throw new Error(`b2a local up was not ready after ${timeoutMs} ms: ${child.stderr()}`);
    }
  }
  return child;
}
