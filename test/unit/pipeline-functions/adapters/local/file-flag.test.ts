import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStoreError } from '../../../../../pipeline-functions/adapters/local/errors.js';
import { FileFlagAdmin } from '../../../../../pipeline-functions/adapters/local/file-flag.js';
import { FakeClock } from '../../../../support/fakes.js';

describe('Class: FileFlagAdmin', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-flag-'));
    path = join(dir, 'flag.json');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is enabled when no flag file exists yet', async () => {
    // Act & Assess
    expect(await new FileFlagAdmin({ path }).isEnabled()).toBe(true);
  });

  it('records who changed the flag and when, newest first', async () => {
    // Prepare
    const clock = new FakeClock();
    const flag = new FileFlagAdmin({ path, changedBy: 'local:alice', clock });
    // Act
    await flag.setEnabled(false);
    clock.advance(1000);
    await flag.setEnabled(true);
    // Assess
    expect(await flag.history(10)).toEqual([
      { enabled: true, at: '2026-11-21T12:00:01.000Z', by: 'local:alice' },
      { enabled: false, at: '2026-11-21T12:00:00.000Z', by: 'local:alice' },
    ]);
    expect(await flag.history(1)).toHaveLength(1);
  });

  it('trusts a read for cacheSeconds, then sees a change another process made', async () => {
    // Prepare
    const clock = new FakeClock();
    const runtimeFlag = new FileFlagAdmin({ path, cacheSeconds: 5, clock });
    const cliFlag = new FileFlagAdmin({ path });
    expect(await runtimeFlag.isEnabled()).toBe(true);
    // Act
    await cliFlag.setEnabled(false);
    const cached = await runtimeFlag.isEnabled();
    clock.advance(5000);
    const fresh = await runtimeFlag.isEnabled();
    // Assess
    expect(cached).toBe(true);
    expect(fresh).toBe(false);
  });

  it('rejects a file that is not a flag file', async () => {
    // Prepare
    await writeFile(path, '{"enabled":"yes"}');
    // Act & Assess
    await expect(new FileFlagAdmin({ path }).isEnabled()).rejects.toBeInstanceOf(LocalStoreError);
  });
});
