import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { localPaths } from '../../../pipeline-functions/local/data-dir.js';
import { runB2a, startChildRuntime, type ChildRuntime } from './child-runtime.js';
import { putObject, tempDataDir, waitFor } from './support.js';

/** `b2a local up` and `b2a local reset` as an admin runs them. */
describe('Command: b2a local', () => {
  let dataDir: string;
  let runtime: ChildRuntime;

  beforeAll(async () => {
    dataDir = await tempDataDir();
    runtime = await startChildRuntime(['--data-dir', dataDir]);
  });

  afterAll(async () => {
    runtime.process.kill('SIGKILL');
    await runtime.exited;
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints JSON lines: ready with the inbox, then each job', async () => {
    // Prepare
    const ready = runtime.entries.find((e) => e.event === 'ready');
    // Act
    await putObject(localPaths(dataDir).inbox, 'hello world.json', '{"hello":1}');
    await waitFor(
      () => runtime.entries.some((e) => e.event === 'job' && e.data?.['status'] === 'SUCCEEDED'),
      20_000,
      () => JSON.stringify(runtime.entries),
    );
    // Assess
    expect(ready?.data).toMatchObject({ inboxDir: localPaths(dataDir).inbox, bucket: 'local-inbox' });
    expect(String(ready?.data?.['apiUrl'])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/deliveries$/);
    expect(runtime.entries.find((e) => e.event === 'job')?.data).toMatchObject({
      key: 'hello world.json',
      status: 'SUCCEEDED',
    });
  });

  it('refuses to start a second runtime on the same data directory', async () => {
    // Act
    const second = runB2a(['local', 'up', '--json', '--data-dir', dataDir]);
    const code = await second.exited;
    // Assess
    expect(code).not.toBe(0);
    expect(second.stderr()).toContain('already runs on');
  });

  it('refuses to reset while the runtime runs, and without --yes', async () => {
    // Act
    const withoutYes = runB2a(['local', 'reset', '--data-dir', dataDir]);
    const running = runB2a(['local', 'reset', '--yes', '--data-dir', dataDir]);
    // Assess
    expect(await withoutYes.exited).toBe(2);
    expect(withoutYes.stderr()).toContain('--yes');
    expect(await running.exited).not.toBe(0);
    expect(running.stderr()).toContain('already runs on');
  });

  it('stops cleanly on SIGINT, and then resets', async () => {
    // Act
    runtime.process.kill('SIGINT');
    const code = await runtime.exited;
    const reset = runB2a(['local', 'reset', '--yes', '--data-dir', dataDir]);
    const resetCode = await reset.exited;
    // Assess
    expect(code).toBe(0);
    expect(runtime.entries.map((e) => e.event)).toEqual(expect.arrayContaining(['stopping', 'stopped']));
    expect(existsSync(localPaths(dataDir).runtime)).toBe(false);
    expect(resetCode).toBe(0);
    expect(existsSync(localPaths(dataDir).dynamodb)).toBe(false);
    expect(existsSync(localPaths(dataDir).inbox)).toBe(true);
  });

  it('says which port is in use', async () => {
    // Prepare
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as { port: number };
    try {
      // Act
      const child = runB2a(['local', 'up', '--json', '--data-dir', dataDir, '--demo-api-port', String(port)]);
      const code = await child.exited;
      // Assess
      expect(code).not.toBe(0);
      expect(child.stderr()).toContain(`port ${port} on 127.0.0.1 (for the demo API) is already in use`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
