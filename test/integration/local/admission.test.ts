import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { CircuitNotificationLine } from '../../../pipeline-functions/adapters/local/file-notifier.js';
import { burstOf } from '../../../pipeline-functions/core/admission/rate-limiter.js';
import type { Job } from '../../../pipeline-functions/core/model.js';
import { setFlag, readFlagHistory } from '../../../pipeline-functions/core/use-cases/admin/flag.js';
import { openLocalAdmin } from '../../../pipeline-functions/local/admin.js';
import { startLocalRuntime, type LocalRuntime } from '../../../pipeline-functions/local/runtime.js';
import { mergeConfig, type LocalConfigInput } from '../../../pipeline-functions/local/settings.js';
import { peakInWindow } from '../../support/arrivals.js';
import { startHttpStub, type HttpStub, type StubResponse } from '../../support/http-stub.js';
import { FAST_CONFIG, putObject, tempDataDir, waitFor } from './support.js';

/** Every job of the runtime's inbox, one per key. */
async function jobsOf(runtime: LocalRuntime, keys: readonly string[]): Promise<Job[]> {
  const jobs: Job[] = [];
  for (const key of keys) jobs.push(...(await runtime.jobs.listByKey(runtime.bucket, key)));
  return jobs;
}

/** Waits until every key's job is deferred by hold. */
async function everyFileHeld(runtime: LocalRuntime, keys: readonly string[]): Promise<void> {
  await waitFor(
    async () =>
      (await jobsOf(runtime, keys)).filter((job) => job.note === 'deferred: hold').length === keys.length,
    30_000,
    () => 'every file held',
  );
}

describe('Local runtime: admission control', () => {
  const cleanup: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  /** A loopback API answering with `answer`, recording each call's arrival time. */
  const startApi = async (
    answer: (now: number) => StubResponse,
  ): Promise<{ stub: HttpStub; arrivals: number[] }> => {
    const arrivals: number[] = [];
    const stub = await startHttpStub(() => {
      const now = Date.now();
      arrivals.push(now);
      return answer(now);
    });
    cleanup.push(() => stub.close());
    return { stub, arrivals };
  };

  const start = async (apiUrl: string, config: LocalConfigInput): Promise<LocalRuntime> => {
    const dataDir = await tempDataDir();
    const runtime = await startLocalRuntime({ dataDir, apiUrl, config: mergeConfig(FAST_CONFIG, config) });
    let deadLetters = 0;
    runtime.onEvent((event) => {
      if (event.type === 'dead-letter') deadLetters++;
    });
    cleanup.push(async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    Object.defineProperty(runtime, 'deadLetterCount', { get: () => deadLetters });
    return runtime;
  };
  const deadLettersOf = (runtime: LocalRuntime): number =>
    (runtime as LocalRuntime & { readonly deadLetterCount: number }).deadLetterCount;

  it('keeps 500 files within api.rateLimit.perSecond 20 in every sliding second at the API, deferring nothing into failure', async () => {
    // Prepare
    const perSecond = 20;
    const { stub, arrivals } = await startApi(() => ({ status: 200 }));
    const runtime = await start(stub.url, {
      api: { rateLimit: { perSecond } },
      batch: { size: 10 },
    });
    const keys = Array.from({ length: 500 }, (_, i) => `burst/file-${String(i).padStart(3, '0')}.txt`);

    // Act
    for (const key of keys) await putObject(runtime.inboxDir, key, `content of ${key}`);
    await runtime.idle({ timeoutMs: 120_000 });

    // Assess: within the limit, or by the documented burst when a busy machine delays calls
    // more than 50 ms after their permit (docs/admission-control.md)
    expect(peakInWindow(arrivals, 1000)).toBeLessThanOrEqual(perSecond + burstOf(perSecond));
    expect(deadLettersOf(runtime)).toBe(0);
    const jobs = await jobsOf(runtime, keys);
    expect(jobs.filter((job) => job.status !== 'SUCCEEDED')).toEqual([]);
    expect(jobs).toHaveLength(keys.length);
    expect(new Set(stub.requests.map((r) => r.headers['b2a-key'])).size).toBe(keys.length);
  }, 180_000);

  it('opens the circuit on an API that answers 503 for 20 s, lets only probes through while open, and ends every file SUCCEEDED within 3 attempts', async () => {
    // Prepare
    const probeSeconds = 2;
    const outageMs = 20_000;
    let outageEnds = Number.POSITIVE_INFINITY;
    const { stub, arrivals } = await startApi((now) =>
      now < outageEnds ? { status: 503, body: 'down for maintenance' } : { status: 200 },
    );
    const runtime = await start(stub.url, {
      api: { circuitBreaker: { failureThreshold: 3, probeSeconds } },
      retry: { maxAttempts: 3 },
    });
    const keys = Array.from({ length: 30 }, (_, i) => `outage/file-${i}.txt`);

    // Act
    outageEnds = Date.now() + outageMs;
    for (const key of keys) await putObject(runtime.inboxDir, key, `content of ${key}`);
    await runtime.idle({ timeoutMs: 90_000 });

    // Assess
    const lines = (await readFile(runtime.paths.notifications, 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Partial<CircuitNotificationLine>)
      .filter((line) => line.event !== undefined);
    expect(lines.map((line) => line.event)).toEqual(['circuit-open', 'circuit-closed']);
    expect(lines[0]).toMatchObject({ attributes: { event: 'circuit-open', environment: 'local' } });
    const openedAt = Date.parse(lines[0]?.at ?? '');
    const closedAt = Date.parse(lines[1]?.at ?? '');
    const whileOpen = arrivals.filter((at) => at > openedAt && at < closedAt).length;
    const probes = Math.floor((closedAt - openedAt) / (probeSeconds * 1000)) + 1;
    // Calls a batch had launched before it saw the circuit open may still arrive: at most one round.
    const inFlightAtOpening = runtime.config.api.maxConcurrentCalls;
    expect(whileOpen).toBeLessThanOrEqual(probes + inFlightAtOpening);
    expect(deadLettersOf(runtime)).toBe(0);
    const jobs = await jobsOf(runtime, keys);
    expect(jobs.filter((job) => job.status !== 'SUCCEEDED')).toEqual([]);
    expect(Math.max(...jobs.map((job) => job.attempts))).toBeLessThan(3);
  }, 150_000);

  it('holds deliveries while the flag file says hold and delivers each file once after it says on, none SKIPPED', async () => {
    // Prepare
    const { stub } = await startApi(() => ({ status: 200 }));
    // A generous call timeout: a stub answering at once must never time out on a loaded machine,
    // where a timeout would spend a second attempt that this test does not ask about.
    const runtime = await start(stub.url, { api: { timeoutMs: 5_000 }, flag: { holdDeferSeconds: 1 } });
    await writeFile(runtime.paths.flag, JSON.stringify({ enabled: 'hold', history: [] }));
    const keys = Array.from({ length: 12 }, (_, i) => `held/file-${i}.txt`);

    // Act
    for (const key of keys) await putObject(runtime.inboxDir, key, `content of ${key}`);
    await everyFileHeld(runtime, keys);
    const heldCalls = stub.requests.length;
    const held = await jobsOf(runtime, keys);
    await runtime.flag.set('on');
    await runtime.idle({ timeoutMs: 30_000 });

    // Assess
    expect(heldCalls).toBe(0);
    expect(held.map((job) => [job.status, job.attempts])).toEqual(keys.map(() => ['RETRYING', 0]));
    const jobs = await jobsOf(runtime, keys);
    expect(jobs.map((job) => [job.status, job.attempts])).toEqual(keys.map(() => ['SUCCEEDED', 1]));
    expect(stub.requests.map((r) => decodeURIComponent(String(r.headers['b2a-key']))).sort()).toEqual(
      [...keys].sort(),
    );
    expect(deadLettersOf(runtime)).toBe(0);
  }, 90_000);

  it('b2a toggle hold (the admin use case), files dropped, b2a toggle on: each delivered once, none SKIPPED, who is recorded', async () => {
    // Prepare
    const { stub } = await startApi(() => ({ status: 200 }));
    // A generous call timeout: a stub answering at once must never time out on a loaded machine,
    // where a timeout would spend a second attempt that this test does not ask about.
    const runtime = await start(stub.url, { api: { timeoutMs: 5_000 }, flag: { holdDeferSeconds: 1 } });
    const admin = await openLocalAdmin(runtime.dataDir);
    cleanup.push(() => admin.close());
    const keys = Array.from({ length: 8 }, (_, i) => `toggled/file-${i}.txt`);

    // Act
    const held = await setFlag(admin, 'hold');
    for (const key of keys) await putObject(runtime.inboxDir, key, `content of ${key}`);
    await everyFileHeld(runtime, keys);
    const heldCalls = stub.requests.length;
    await setFlag(admin, 'on');
    await runtime.idle({ timeoutMs: 30_000 });

    // Assess: locally there is no pipe to stop; the enrichment's deferral holds.
    expect(held).toMatchObject({ value: 'hold', previous: 'on', changed: true });
    expect(held.pipe).toBeUndefined();
    expect(heldCalls).toBe(0);
    const jobs = await jobsOf(runtime, keys);
    expect(jobs.map((job) => [job.status, job.attempts])).toEqual(keys.map(() => ['SUCCEEDED', 1]));
    expect(stub.requests).toHaveLength(keys.length);
    const history = await readFlagHistory(admin, 2);
    expect(history.map((change) => change.value)).toEqual(['on', 'hold']);
    expect(history.every((change) => change.by?.startsWith('local:'))).toBe(true);
  }, 90_000);
});
