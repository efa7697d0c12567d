import { describe, expect, it } from '@jest/globals';
import {
  readFlag,
  readFlagHistory,
  setFlag,
} from '../../../../../../pipeline-functions/core/use-cases/admin/flag.js';
import { FakeAdmin, FakePipe } from '../../../../../support/fake-admin.js';

describe('Function: setFlag', () => {
  it('writes the flag when it changes', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');

    // Act
    const result = await setFlag(admin, 'off');

    // Assess
    expect(result).toEqual({
      environment: 'prod',
      value: 'off',
      enabled: false,
      previous: 'on',
      changed: true,
    });
    expect(admin.flag.enabled).toBe(false);
    expect(admin.flag.writes).toBe(1);
  });

  it('writes nothing when the flag already has that value', async () => {
    const admin = new FakeAdmin();
    const result = await setFlag(admin, 'on');
    expect(result.changed).toBe(false);
    expect(admin.flag.writes).toBe(0);
  });

  it('holds: sets the flag to hold, then stops the pipe', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');
    admin.pipe = new FakePipe(admin.monitor);

    // Act
    const result = await setFlag(admin, 'hold');

    // Assess
    expect(result).toEqual({
      environment: 'prod',
      value: 'hold',
      enabled: false,
      previous: 'on',
      changed: true,
      pipe: { action: 'stopped', state: 'STOPPING' },
    });
    expect(await admin.flag.read()).toEqual({ state: 'hold' });
    expect(admin.pipe.calls).toEqual(['stop']);
  });

  it.each(['on', 'off'] as const)('%s after hold starts the stopped pipe again', async (value) => {
    // Prepare
    const admin = new FakeAdmin();
    admin.pipe = new FakePipe(admin.monitor);
    await setFlag(admin, 'hold');

    // Act
    const result = await setFlag(admin, value);

    // Assess
    expect(result).toMatchObject({ value, previous: 'hold', pipe: { action: 'started', state: 'STARTING' } });
    expect(admin.pipe.calls).toEqual(['stop', 'start']);
  });

  it('leaves a running pipe alone on on and off, and a stopped one on hold', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.pipe = new FakePipe(admin.monitor);

    // Act
    await setFlag(admin, 'off');
    await setFlag(admin, 'on');
    admin.monitor.state = 'STOPPING';
    const held = await setFlag(admin, 'hold');

    // Assess
    expect(admin.pipe.calls).toEqual([]);
    expect(held.pipe).toBeUndefined();
  });

  it('without a pipe to stop (local), hold is the flag alone', async () => {
    const admin = new FakeAdmin();
    const result = await setFlag(admin, 'hold');
    expect(result.pipe).toBeUndefined();
    expect(await admin.flag.read()).toEqual({ state: 'hold' });
  });
});

describe('Function: readFlag', () => {
  it('returns the state and its newest change', async () => {
    // Prepare
    const admin = new FakeAdmin();
    await admin.flag.set('off');

    // Act
    const state = await readFlag(admin);

    // Assess
    expect(state).toEqual({
      environment: 'dev',
      value: 'off',
      enabled: false,
      lastChange: {
        enabled: false,
        value: 'off',
        at: '2026-11-21T12:00:00.000Z',
        by: 'arn:aws:iam::111111111111:user/admin',
      },
    });
    expect(await readFlagHistory(admin, 5)).toHaveLength(1);
  });

  it('says a value it does not understand is held', async () => {
    const admin = new FakeAdmin();
    admin.flag.reading = { state: 'not-understood', value: 'true' };
    expect(await readFlag(admin)).toEqual({
      environment: 'dev',
      value: 'not-understood',
      enabled: false,
      detail: 'flag value "true" not understood; treated as hold',
    });
  });
});
