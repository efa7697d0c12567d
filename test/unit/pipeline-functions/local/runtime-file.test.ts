import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { RuntimeAlreadyRunningError } from '../../../../pipeline-functions/local/errors.js';
import { resetDataDir } from '../../../../pipeline-functions/local/reset.js';
import {
  findLiveRuntime,
  isProcessAlive,
  removeRuntimeInfo,
  writeRuntimeInfo,
  type RuntimeInfo,
} from '../../../../pipeline-functions/local/runtime-file.js';
import { localPaths } from '../../../../pipeline-functions/local/data-dir.js';

const info = (pid: number, endpoint: string): RuntimeInfo => ({
  pid,
  startedAt: '2026-11-21T12:00:00.000Z',
  dataDir: '/x',
  bucket: 'local-inbox',
  inboxDir: '/x/inbox',
  dynamodbEndpoint: endpoint,
  apiUrl: 'http://127.0.0.1:1/',
  objectServerUrl: 'http://127.0.0.1:2',
});

describe('Module: runtime-file', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-runtime-file-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a runtime whose process lives and whose store answers, not a stale file', async () => {
    // Prepare
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const path = join(dir, 'runtime.json');
    try {
      // Act
      await writeRuntimeInfo(path, info(process.pid, `http://127.0.0.1:${port}`));
      const live = await findLiveRuntime(path);
      await writeRuntimeInfo(path, info(2 ** 22 + 12345, `http://127.0.0.1:${port}`));
      const deadPid = await findLiveRuntime(path);
      // Assess
      expect(live?.pid).toBe(process.pid);
      expect(deadPid).toBeUndefined();
      expect(isProcessAlive(process.pid)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('removes the file only when it names the given pid', async () => {
    // Prepare
    const path = join(dir, 'runtime.json');
    await writeRuntimeInfo(path, info(123, 'http://127.0.0.1:1'));
    // Act
    await removeRuntimeInfo(path, 456);
    const kept = existsSync(path);
    await removeRuntimeInfo(path, 123);
    // Assess
    expect(kept).toBe(true);
    expect(existsSync(path)).toBe(false);
  });
});

describe('Function: resetDataDir', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-reset-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('removes the local state but keeps the inbox, config.json and foreign files', async () => {
    // Prepare
    const paths = localPaths(dir);
    await mkdir(paths.sourceQueue, { recursive: true });
    await mkdir(paths.inbox, { recursive: true });
    await writeFile(join(paths.inbox, 'a.csv'), 'x');
    await writeFile(paths.config, '{}');
    await writeFile(paths.flag, '{"enabled":false}');
    await writeFile(join(dir, 'notes.txt'), 'mine');
    // Act
    const result = await resetDataDir(dir);
    // Assess
    expect(result.removed).toEqual(expect.arrayContaining([paths.flag, join(dir, 'queue')]));
    expect(existsSync(paths.flag)).toBe(false);
    expect(existsSync(join(paths.inbox, 'a.csv'))).toBe(true);
    expect(existsSync(paths.config)).toBe(true);
    expect(existsSync(join(dir, 'notes.txt'))).toBe(true);
  });

  it('refuses while a runtime runs on the directory', async () => {
    // Prepare
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await writeRuntimeInfo(localPaths(dir).runtime, info(process.pid, `http://127.0.0.1:${port}`));
    try {
      // Act & Assess
      await expect(resetDataDir(dir)).rejects.toBeInstanceOf(RuntimeAlreadyRunningError);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
