/** Small measuring tools shared by the benchmark's sections: statistics, timing and child processes. */
import { spawn } from 'node:child_process';
import { ChildProcessError } from './errors.js';

/** The value below which `p` percent of the samples fall (nearest rank). NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** The median (the 50th percentile). */
export const median = (samples: readonly number[]): number => percentile(samples, 50);

export const sum = (values: readonly number[]): number => values.reduce((total, v) => total + v, 0);

export const mean = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : sum(values) / values.length;

/** Rounds to `digits` decimals, so that results.json does not carry floating-point noise. */
export function round(value: number, digits = 2): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (user + system) spent by this process since `since`, in milliseconds. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** The process's resident set size high-water mark so far, in MiB (the kernel's `maxrss`). */
export function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** What a finished child process did. */
export interface ProcessRun {
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command to its end and measures its wall time, from spawn to exit.
 * @throws ChildProcessError when it exits with a non-zero code (unless `allowFailure`).
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string; readonly allowFailure?: boolean } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      env: options.env ?? process.env,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const run: ProcessRun = {
        wallMs: performance.now() - started,
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (exitCode !== 0 && !options.allowFailure) {
        reject(new ChildProcessError([command, ...args].join(' '), exitCode, run.stderr));
        return;
      }
      resolve(run);
    });
  });
}

/** Runs `times` times, one after the other, and returns each run. */
export async function repeat<T>(times: number, run: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  for (let i = 0; i < times; i++) results.push(await run(i));
  return results;
}
