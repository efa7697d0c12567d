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

  it.each([
    ['{"enabled":" ON "}', { state: 'on' }],
    ['{"enabled":"off"}', { state: 'off' }],
    ['{"enabled":"Hold"}', { state: 'hold' }],
    ['{"enabled":"yes"}', { state: 'not-understood', value: 'yes' }],
    ['{"enabled":1}', { state: 'not-understood', value: '1' }],
    ['["on"]', { state: 'not-understood', value: '["on"]' }],
  ])('reads %s as %j, never throwing for a value it does not understand', async (content, reading) => {
    // Prepare
    await writeFile(path, content);
    // Act & Assess
    expect(await new FileFlagAdmin({ path }).read()).toEqual(reading);
  });

  it('keeps the last reading when the file cannot be read, and fails only when it never read one', async () => {
    // Prepare
    const clock = new FakeClock();
    const flag = new FileFlagAdmin({ path, cacheSeconds: 1, clock });
    await writeFile(path, '{"enabled":false}');
    await flag.read();
    await writeFile(path, '{"enabled": fa');
    clock.advance(1000);
    // Act
    const kept = await flag.read();
    const fresh = new FileFlagAdmin({ path }).read();
    // Assess
    expect(kept).toEqual({ state: 'off' });
    await expect(fresh).rejects.toBeInstanceOf(LocalStoreError);
  });

  it('overwrites a value it did not understand when set', async () => {
    // Prepare
    await writeFile(path, '{"enabled":"yes"}');
    const flag = new FileFlagAdmin({ path });
    // Act
    await flag.setEnabled(true);
    // Assess
    expect(await flag.read()).toEqual({ state: 'on' });
  });

  it('leaves out history entries that are not changes (a file edited by hand)', async () => {
    // Prepare
    const change = { enabled: false, at: '2026-11-21T12:00:00.000Z', by: 'local:alice' };
    await writeFile(path, JSON.stringify({ enabled: false, history: [change, 'junk', { enabled: 'no' }] }));
    // Act
    const history = await new FileFlagAdmin({ path }).history(10);
    // Assess
    expect(history).toEqual([change]);
  });
});
