import { describe, expect, it } from '@jest/globals';
import {
  readFlag,
  readFlagHistory,
  setFlag,
} from '../../../../../../pipeline-functions/core/use-cases/admin/flag.js';
import { FakeAdmin } from '../../../../../support/fake-admin.js';

describe('Function: setFlag', () => {
  it('writes the flag when it changes', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');

    // Act
    const result = await setFlag(admin, false);

    // Assess
    expect(result).toEqual({ environment: 'prod', enabled: false, previous: true, changed: true });
    expect(admin.flag.enabled).toBe(false);
    expect(admin.flag.writes).toBe(1);
  });

  it('writes nothing when the flag already has that value', async () => {
    const admin = new FakeAdmin();
    const result = await setFlag(admin, true);
    expect(result.changed).toBe(false);
    expect(admin.flag.writes).toBe(0);
  });
});

describe('Function: readFlag', () => {
  it('returns the state and its newest change', async () => {
    // Prepare
    const admin = new FakeAdmin();
    await admin.flag.setEnabled(false);

    // Act
    const state = await readFlag(admin);

    // Assess
    expect(state).toEqual({
      environment: 'dev',
      enabled: false,
      lastChange: {
        enabled: false,
        at: '2026-11-21T12:00:00.000Z',
        by: 'arn:aws:iam::111111111111:user/admin',
      },
    });
    expect(await readFlagHistory(admin, 5)).toHaveLength(1);
  });
});
