import { describe, expect, it } from '@jest/globals';
import { FakeAdmin, FakePipe, runCli } from '../support/fake-admin.js';

describe('Command: b2a toggle', () => {
  it('shows the flag as plain text', async () => {
    const { code, stdout, stderr } = await runCli(['toggle'], new FakeAdmin());
    expect(code).toBe(0);
    expect(stdout).toBe('b2a is ON in dev\n');
    expect(stderr).toBe('');
  });

  it('turns b2a off and says what changed', async () => {
    // Prepare
    const admin = new FakeAdmin();

    // Act
    const { code, stdout, opened } = await runCli(['toggle', 'off', '--env', 'prod'], admin);

    // Assess
    expect(code).toBe(0);
    expect(opened?.env).toBe('prod');
    expect(stdout).toBe('b2a is now OFF in dev (was ON)\n');
    expect(admin.flag.enabled).toBe(false);
    expect(admin.closed).toBe(1);
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await runCli(['toggle', 'on', '--json'], new FakeAdmin());
    expect(code).toBe(0);
    // Changed on purpose (issue 11): the value and the previous value are words (on, off, hold).
    expect(JSON.parse(stdout)).toEqual({
      environment: 'dev',
      value: 'on',
      enabled: true,
      previous: 'on',
      changed: false,
    });
  });

  it('shows the history, newest first', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.flag.changes.push(
      {
        enabled: false,
        at: '2026-11-21T11:00:00.000Z',
        by: 'arn:aws:sts::1:assumed-role/b2a-dev-admin/alice',
      },
      { enabled: true, at: '2026-11-20T09:00:00.000Z' },
    );

    // Act
    const { code, stdout } = await runCli(['toggle', 'history', '--limit', '5'], admin);

    // Assess
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'AT                    STATE  BY',
      '2026-11-21 11:00:00Z  OFF    arn:aws:sts::1:assumed-role/b2a-dev-admin/alice',
      '2026-11-20 09:00:00Z  ON     unknown',
      '',
    ]);
  });

  it('holds: the flag says hold and the pipe stops; toggle shows HOLD; toggle on starts it', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.pipe = new FakePipe(admin.monitor);

    // Act
    const held = await runCli(['toggle', 'hold'], admin);
    const shown = await runCli(['toggle'], admin);
    const resumed = await runCli(['toggle', 'on'], admin);

    // Assess
    expect(held.stdout).toBe(
      'b2a is now HOLD in dev (was ON)\nPipe stopping (STOPPING); messages wait in the source queue\n',
    );
    expect(shown.stdout).toContain(
      'b2a is HOLD in dev, since 2026-11-21 12:00:00Z by arn:aws:iam::111111111111:user/admin',
    );
    expect(shown.stdout).toContain('nothing is SKIPPED');
    expect(resumed.stdout).toBe('b2a is now ON in dev (was HOLD)\nPipe starting (STARTING)\n');
    expect(admin.pipe.calls).toEqual(['stop', 'start']);
    expect((await runCli(['toggle', 'history'], admin)).stdout.split('\n').slice(1, 3)).toEqual([
      '2026-11-21 12:00:00Z  ON     arn:aws:iam::111111111111:user/admin',
      '2026-11-21 12:00:00Z  HOLD   arn:aws:iam::111111111111:user/admin',
    ]);
  });

  it('rejects a state other than on, off or hold (exit 2), without opening the backend', async () => {
    const { code, stderr, opened } = await runCli(['toggle', 'maybe'], new FakeAdmin());
    expect(code).toBe(2);
    expect(stderr).toContain('Allowed choices are on, off, hold');
    expect(opened).toBeUndefined();
  });
});
