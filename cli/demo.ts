/**
 * `npm run demo`: a scripted tour of b2a on one machine. It starts the local runtime on a temporary
 * data directory with the demo API, drops sample files (awkward keys, an empty file, one over the
 * inline limit, one the API rejects, one it fails once), turns the flag off and on, reprocesses what
 * was skipped with the real CLI, prints the jobs table, and stops. Exits non-zero if any file did
 * not end as expected.
 */
import { mkdtemp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { JobStatus } from '../pipeline-functions/core/model.js';
import { ATTENTION_STATUSES } from '../pipeline-functions/core/model.js';
import { formatLogLine } from '../pipeline-functions/local/log.js';
import { startLocalRuntime, type LocalRuntime } from '../pipeline-functions/local/runtime.js';
import type { LocalConfigInput } from '../pipeline-functions/local/settings.js';
import { main } from './main.js';

/** Fast timings so the tour takes seconds: 1 s backoffs at half speed, no batch window. */
export const DEMO_CONFIG: LocalConfigInput = {
  retry: { maxAttempts: 3, baseDelaySeconds: 1, maxDelaySeconds: 2 },
  batch: { size: 10, windowSeconds: 0 },
  flag: { cacheSeconds: 0 },
  payload: { mode: 'auto', inlineLimitBytes: 64 * 1024 },
  local: {
    timeScale: 0.5,
    inbox: { scanIntervalMs: 100, stableMs: 100 },
    queue: { pollIntervalMs: 100, visibilityTimeoutSeconds: 5 },
  },
};

/** The sample files and the status each must end in. */
const SAMPLES: readonly { key: string; content: string | Buffer; expect: JobStatus; why: string }[] = [
  {
    key: 'hello.json',
    content: '{"hello":"world"}\n',
    expect: 'SUCCEEDED',
    why: 'delivered as application/json',
  },
  {
    key: 'reports/2026/Q1 + summary (100%).csv',
    content: 'region,total\nnorth,12\n',
    expect: 'SUCCEEDED',
    why: "a key with spaces, '+', '%' and a deep prefix",
  },
  { key: 'données/été.txt', content: 'unicode keys travel raw\n', expect: 'SUCCEEDED', why: 'a unicode key' },
  { key: 'empty.txt', content: '', expect: 'SUCCEEDED', why: 'a zero-byte object' },
  {
    key: 'large/scan.bin',
    content: Buffer.alloc(200 * 1024, 0x2a),
    expect: 'SUCCEEDED',
    why: 'over the 64 KiB inline limit: sent as a presigned URL the demo API fetches',
  },
  {
    key: 'flaky-upload.csv',
    content: 'a,b\n1,2\n',
    expect: 'SUCCEEDED',
    why: 'the API answers 503 once: retried',
  },
  {
    key: 'reject-me.json',
    content: '{"bad":true}\n',
    expect: 'FAILED',
    why: 'the API answers 422: terminal',
  },
];

const WHILE_OFF: readonly string[] = ['while-off/one.txt', 'while-off/two.txt'];

/** Runs the tour, writing to `out`. @throws when a file did not end in the expected state */
export async function runDemo(
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'b2a-demo-'));
  const step = (text: string): void => out(`\n== ${text}`);
  const cli = async (...args: string[]): Promise<number> => {
    out(`$ b2a ${args.join(' ')}`);
    return main(['node', 'b2a', ...args, '--env', 'local', '--data-dir', dataDir]);
  };
  let runtime: LocalRuntime | undefined;
  try {
    step(`Starting the local runtime in ${dataDir}`);
    runtime = await startLocalRuntime({
      dataDir,
      config: DEMO_CONFIG,
      demoApiScenarios: true,
      log: (entry) => {
        if (entry.level !== 'debug') out(`   ${formatLogLine(entry)}`);
      },
    });
    out(`inbox ${runtime.inboxDir} is bucket ${runtime.bucket}; the demo API listens at ${runtime.apiUrl}`);

    step('Dropping sample files into the inbox');
    for (const sample of SAMPLES) out(`  ${sample.key.padEnd(38)} ${sample.why}`);
    // A file written under a temporary name is ignored until it is renamed: writers never get half a file.
    const partial = join(runtime.inboxDir, 'hello.json.part');
    await writeFile(partial, '{"hello":"world"}\n');
    for (const sample of SAMPLES.filter((s) => s.key !== 'hello.json'))
      await drop(runtime, sample.key, sample.content);
    await rename(partial, join(runtime.inboxDir, 'hello.json'));
    await runtime.idle({ timeoutMs: 60_000 });
    await cli('jobs');

    step('Turning the flag off: new files are SKIPPED, the API is not called');
    await cli('toggle', 'off');
    for (const key of WHILE_OFF) await drop(runtime, key, `${key}\n`);
    await runtime.idle({ timeoutMs: 60_000 });
    await cli('jobs', '--status', 'SKIPPED');

    step('Turning the flag on and reprocessing what was skipped');
    await cli('toggle', 'on');
    const reprocessed = await cli('reprocess', '--skipped', '--wait', '--timeout', '1m');
    await runtime.idle({ timeoutMs: 60_000 });
    await cli('jobs');

    step('What the API and the subscribers saw');
    const deliveries = runtime.demoApi?.deliveries() ?? [];
    out(`the demo API accepted ${deliveries.length} deliveries (one per object version and run)`);
    const notifications = (await readFile(runtime.paths.notifications, 'utf8')).trim().split('\n');
    out(`${notifications.length} notifications in ${runtime.paths.notifications}, e.g.`);
    out(`  ${notifications.find((line) => line.includes('"FAILED"')) ?? notifications[0] ?? ''}`);
    const counts = await runtime.jobCounts();
    out(`jobs: ${ATTENTION_STATUSES.map((s) => `${s} ${counts[s]}`).join(', ')}`);

    const problems = await check(runtime, reprocessed);
    if (problems.length > 0) throw new Error(`the demo did not end as expected:\n  ${problems.join('\n  ')}`);
    step('Done: every file ended as expected');
  } finally {
    await runtime?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function drop(runtime: LocalRuntime, key: string, content: string | Buffer): Promise<void> {
  const path = join(runtime.inboxDir, ...key.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** What differs from the expected end state. */
async function check(runtime: LocalRuntime, reprocessExitCode: number): Promise<string[]> {
  const problems: string[] = [];
  if (reprocessExitCode !== 0) problems.push(`b2a reprocess --skipped --wait exited ${reprocessExitCode}`);
  const expected = [
    ...SAMPLES.map((s) => ({ key: s.key, expect: s.expect })),
    ...WHILE_OFF.map((key) => ({ key, expect: 'SUCCEEDED' as JobStatus })),
  ];
  for (const { key, expect } of expected) {
    const jobs = await runtime.jobs.listByKey(runtime.bucket, key);
    const status = jobs[0]?.status;
    if (jobs.length !== 1 || status !== expect) {
      problems.push(`${key}: ${jobs.length} job(s), status ${status ?? 'none'} (expected one, ${expect})`);
    }
  }
  return problems;
}
