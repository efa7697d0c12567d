import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { DurableQueue } from '../../../pipeline-functions/adapters/local/durable-queue.js';
import { ConfigError } from '../../../pipeline-functions/core/errors.js';
import { openLocalAdmin } from '../../../pipeline-functions/local/admin.js';
import { localPaths } from '../../../pipeline-functions/local/data-dir.js';
import { PortInUseError, RuntimeAlreadyRunningError } from '../../../pipeline-functions/local/errors.js';
import {
  startLocalRuntime,
  type LocalRuntime,
  type RuntimeEvent,
} from '../../../pipeline-functions/local/runtime.js';
import { mergeConfig, type LocalConfigInput } from '../../../pipeline-functions/local/settings.js';
import { FAST_CONFIG, putObject, sha256, tempDataDir } from './support.js';

describe('Function: startLocalRuntime', () => {
  const cleanup: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  const start = async (config: LocalConfigInput = {}, dataDir?: string): Promise<LocalRuntime> => {
    const dir = dataDir ?? (await tempDataDir());
    const runtime = await startLocalRuntime({ dataDir: dir, config: mergeConfig(FAST_CONFIG, config) });
    cleanup.push(async () => {
      await runtime.stop();
      if (!dataDir) await rm(dir, { recursive: true, force: true });
    });
    return runtime;
  };

  it('delivers awkward keys, an empty file and a large file (by reference) exactly as written', async () => {
    // Prepare
    const runtime = await start({ payload: { inlineLimitBytes: 1024 } });
    const files: Record<string, string | Buffer> = {
      'a b+c%20d.json': '{"spaces":"and plus"}',
      'ünï/cödé/日本語.txt': 'unicode',
      'deep/1/2/3/4/5/6/7/8/leaf.csv': 'a,b\n',
      'empty.txt': '',
      'large/blob.bin': Buffer.alloc(50_000, 0xab),
    };
    // Act
    for (const [key, content] of Object.entries(files)) await putObject(runtime.inboxDir, key, content);
    await runtime.idle({ timeoutMs: 20_000 });
    // Assess
    const deliveries = runtime.demoApi?.deliveries() ?? [];
    expect(deliveries.map((d) => d.key).sort()).toEqual(Object.keys(files).sort());
    for (const [key, content] of Object.entries(files)) {
      const [job] = await runtime.jobs.listByKey(runtime.bucket, key);
      expect(job?.status).toBe('SUCCEEDED');
      expect(deliveries.find((d) => d.key === key)?.sha256).toBe(sha256(content));
    }
    expect(deliveries.find((d) => d.key === 'large/blob.bin')?.payload).toBe('reference');
    expect(deliveries.find((d) => d.key === 'empty.txt')).toMatchObject({ payload: 'content', bytes: 0 });
  });

  it('fails files that vanish or become folders before processing, saying why', async () => {
    // Prepare: a 1 s batch window leaves time to sabotage each file after its event
    const runtime = await start({ batch: { size: 10, windowSeconds: 1 } });
    runtime.onEvent((event: RuntimeEvent) => {
      if (event.type !== 'object-created') return;
      const path = join(runtime.inboxDir, event.key);
      rmSync(path);
      if (event.key === 'becomes-folder.txt') mkdirSync(path);
    });
    // Act
    await putObject(runtime.inboxDir, 'deleted.txt', 'x');
    await putObject(runtime.inboxDir, 'becomes-folder.txt', 'y');
    await runtime.idle({ timeoutMs: 20_000 });
    // Assess
    const [deleted] = await runtime.jobs.listByKey(runtime.bucket, 'deleted.txt');
    const [folder] = await runtime.jobs.listByKey(runtime.bucket, 'becomes-folder.txt');
    expect(deleted).toMatchObject({ status: 'FAILED', lastError: expect.stringContaining('no such file') });
    expect(folder).toMatchObject({ status: 'FAILED', lastError: expect.stringContaining('not a file') });
    expect(runtime.demoApi?.deliveries()).toEqual([]);
  });

  it('fails a file over the inline limit when payload.mode is content, with the reason', async () => {
    // Prepare
    const runtime = await start({ payload: { mode: 'content', inlineLimitBytes: 100 } });
    // Act
    await putObject(runtime.inboxDir, 'too-big.bin', Buffer.alloc(101));
    await runtime.idle({ timeoutMs: 20_000 });
    // Assess
    const [job] = await runtime.jobs.listByKey(runtime.bucket, 'too-big.bin');
    expect(job).toMatchObject({
      status: 'FAILED',
      lastError: expect.stringContaining('over payload.inlineLimitBytes'),
    });
  });

  it('moves a message nobody can read to the dead-letter queue after maxReceiveCount receives', async () => {
    // Prepare
    const runtime = await start({ local: { queue: { maxReceiveCount: 2, visibilityTimeoutSeconds: 0.1 } } });
    const deadLetters: string[] = [];
    runtime.onEvent((event) => {
      if (event.type === 'dead-letter') deadLetters.push(event.messageId);
    });
    // Act
    await new DurableQueue({ dir: runtime.paths.sourceQueue }).send('this is not JSON');
    await runtime.idle({ timeoutMs: 20_000 });
    // Assess
    const admin = await openLocalAdmin(runtime.dataDir);
    try {
      const listed = await admin.deadLetters.list(10);
      expect(listed).toEqual([expect.objectContaining({ body: 'this is not JSON', receiveCount: 2 })]);
      expect(deadLetters).toEqual([listed[0]?.messageId]);
    } finally {
      await admin.close();
    }
  });

  it('refuses a second runtime on the same data directory', async () => {
    // Prepare
    const runtime = await start();
    // Act
    const second = startLocalRuntime({ dataDir: runtime.dataDir, config: FAST_CONFIG });
    // Assess
    await expect(second).rejects.toBeInstanceOf(RuntimeAlreadyRunningError);
  });

  it('stops the servers it started when the pipeline cannot be composed', async () => {
    // Prepare
    const dataDir = await tempDataDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    // Act
    const starting = startLocalRuntime({
      dataDir,
      config: mergeConfig(FAST_CONFIG, { api: { auth: { type: 'secret', secretId: 'api-token' } } }),
    });
    // Assess
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    expect(existsSync(localPaths(dataDir).runtime)).toBe(false);
    const runtime = await start({}, dataDir);
    expect(runtime.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });

  it('fails clearly on a port in use and leaves nothing running behind', async () => {
    // Prepare
    const dataDir = await tempDataDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      // Act
      const starting = startLocalRuntime({
        dataDir,
        config: mergeConfig(FAST_CONFIG, { local: { ports: { demoApi: port } } }),
      });
      // Assess
      await expect(starting).rejects.toBeInstanceOf(PortInUseError);
      await expect(starting).rejects.toThrow(
        `port ${port} on 127.0.0.1 (for the demo API) is already in use`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
    const runtime = await start({}, dataDir);
    expect(runtime.dynamodbEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:/);
  });
});
