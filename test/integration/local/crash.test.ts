import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openLocalAdmin } from '../../../pipeline-functions/local/admin.js';
import { localPaths } from '../../../pipeline-functions/local/data-dir.js';
import { mergeConfig } from '../../../pipeline-functions/local/settings.js';
import { startHttpStub, type HttpStub } from '../../support/http-stub.js';
import { startChildRuntime, type ChildRuntime } from './child-runtime.js';
import { FAST_CONFIG, FlakyIdempotentApi, putObject, sha256, tempDataDir, waitFor } from './support.js';

/**
 * Crash safety: `b2a local up` killed with SIGKILL in the middle of batches, again and again, with
 * files arriving while it is down, against an API that fails a third of the calls. In the end every
 * file has exactly one job, SUCCEEDED, and the API committed each object version exactly once.
 */
describe('Local runtime killed with SIGKILL', () => {
  const api = new FlakyIdempotentApi({ timeoutMs: 400, seed: 7 });
  let stub: HttpStub;
  let dataDir: string;
  let child: ChildRuntime | undefined;
  let killAtRequest = Number.POSITIVE_INFINITY;
  let killedMidCall = 0;
  const keys: string[] = [];
  const contentOf = (key: string): string => `payload of ${key}\n`;

  const drop = async (prefix: string, count: number): Promise<void> => {
    for (let i = 0; i < count; i++) {
      const key = `${prefix}/object ${i}.txt`;
      keys.push(key);
      await putObject(localPaths(dataDir).inbox, key, contentOf(key));
    }
  };

  beforeAll(async () => {
    stub = await startHttpStub((request) => {
      // Kill the runtime while this call is in flight: the batch in hand is lost with the process.
      if (stub.requests.length >= killAtRequest && child) {
        killAtRequest = Number.POSITIVE_INFINITY;
        child.process.kill('SIGKILL');
        killedMidCall++;
      }
      return api.handle(request);
    });
    dataDir = await tempDataDir();
    // The real thing: fsync'd queue files, as `b2a local up` runs by default.
    const config = mergeConfig(FAST_CONFIG, { local: { queue: { durable: true } } });
    await writeFile(join(dataDir, 'config.json'), JSON.stringify(config));
  });

  afterAll(async () => {
    child?.process.kill('SIGKILL');
    await child?.exited;
    await stub.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('ends with every file delivered exactly once', async () => {
    const up = ['--data-dir', dataDir, '--api-url', `${stub.url}/ingest`];
    await drop('before-start', 20);
    for (let round = 0; round < 4; round++) {
      // Act: start, let it get into its batches, kill it mid-call, drop more files while it is down
      // Each round has at least the 8 files dropped while it was down to call the API for.
      killAtRequest = stub.requests.length + 2 + round;
      const running = await startChildRuntime(up, (spawned) => {
        child = spawned;
      });
      const fallback = setTimeout(() => running.process.kill('SIGKILL'), 10_000);
      const exited = await running.exited;
      clearTimeout(fallback);
      child = undefined;
      expect(exited).toBe('SIGKILL');
      await drop(`while-down-${round}`, 8);
    }
    expect(killedMidCall).toBe(4);
    child = await startChildRuntime(up);
    expect(child.entries.map((e) => e.event)).toContain('ready');
    const admin = await openLocalAdmin(dataDir);
    try {
      await waitFor(
        async () => {
          const counts = await Promise.all(keys.map((key) => admin.jobs.listByKey('local-inbox', key)));
          const stats = await admin.monitor.queueStats();
          return (
            counts.every((jobs) => jobs[0]?.status === 'SUCCEEDED') &&
            stats.source.visible + stats.source.inFlight + stats.source.delayed === 0
          );
        },
        60_000,
        async () => `jobs: ${JSON.stringify(await admin.monitor.queueStats())}`,
      );
      expect(await admin.monitor.pipeState()).toBe('RUNNING');
    } finally {
      await admin.close();
    }
    child.process.kill('SIGTERM');
    expect(await child.exited).toBe(0);
    expect(child.entries.map((e) => e.event)).toContain('stopped');

    // Assess, with the runtime stopped: the CLI opens the store itself
    const after = await openLocalAdmin(dataDir);
    try {
      expect(await after.monitor.pipeState()).toBe('NOT_RUNNING');
      for (const key of keys) {
        const jobs = await after.jobs.listByKey('local-inbox', key);
        expect(jobs.map((j) => j.status)).toEqual(['SUCCEEDED']);
        expect(api.commitsFor(key)).toEqual([
          expect.objectContaining({
            idempotencyKey: jobs[0]?.idempotencyKey,
            sha256: sha256(contentOf(key)),
          }),
        ]);
      }
      expect(api.commits.size).toBe(keys.length);
      expect(await after.deadLetters.list(10)).toEqual([]);
      expect(api.failures).toBeGreaterThan(0);
    } finally {
      await after.close();
    }
  }, 120_000);
});
