import { describe, expect, it } from '@jest/globals';
import { runCli, statusAdmin as admin } from '../support/fake-admin.js';

describe('Command: b2a status', () => {
  // Changed on purpose (issue 11): a value b2a does not understand now holds, it no longer skips.
  it('says when the flag holds a value b2a does not understand, and that it counts as hold', async () => {
    // Prepare
    const a = admin();
    a.flag.reading = { state: 'not-understood', value: 'true' };

    // Act
    const text = await runCli(['status'], a);
    const json = await runCli(['status', '--json'], a);

    // Assess
    expect(text.stdout).toContain(
      'flag          HOLD: flag value "true" not understood; treated as hold; deliveries wait, nothing is SKIPPED (b2a toggle on|off|hold sets it)',
    );
    expect(JSON.parse(json.stdout)).toMatchObject({
      enabled: false,
      flag: 'not-understood',
      flagProblem: 'flag value "true" not understood; treated as hold',
    });
  });

  it('counts SUPERSEDED jobs only when there are some', async () => {
    // Prepare
    const a = admin();
    a.jobs.add({
      ...[...a.jobs.jobs.values()][0]!,
      jobId: 'inbox/a#v0',
      versionId: 'v0',
      status: 'SUPERSEDED',
    });

    // Act
    const { stdout } = await runCli(['status'], a);

    // Assess
    expect(stdout).toContain('jobs          RETRYING 0  FAILED 1  SKIPPED 0  SUPERSEDED 1 (since');
  });

  it('prints the status as plain text, counting the last 24 hours', async () => {
    // Act
    const { code, stdout } = await runCli(['status'], admin());

    // Assess
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'environment   prod (bucket inbox)',
      'you           arn:aws:iam::111111111111:user/admin (account 111111111111)',
      'flag          ON: calling the API',
      'pipe          RUNNING',
      'queue         3 waiting, 1 in flight, 0 delayed, oldest 2m 5s',
      'dead letters  2 waiting, 0 in flight, 0 delayed',
      'jobs          RETRYING 0  FAILED 1  SKIPPED 0 (since 2026-11-20 12:00:00Z)',
      'succeeded     not counted (not indexed): b2a jobs --status succeeded --prefix <prefix>',
      '',
      'There are dead letters: see them with b2a dlq, send them back with b2a dlq redrive',
      '',
    ]);
  });

  it('counts over --since and prints JSON', async () => {
    const { code, stdout } = await runCli(['status', '--since', '7d', '--json'], admin());
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ since: '2026-11-14T12:00:00.000Z', counts: { FAILED: 2 } });
  });

  it('carries the circuit breaker in --json and says when its probe is due (half-open)', async () => {
    // Prepare
    const a = admin();
    a.circuit = {
      read: async () => ({
        state: 'open',
        failures: 0,
        openedAt: '2026-11-21T11:58:00.000Z',
        reason: 'HTTP 401',
        lastError: 'HTTP 401',
        deferred: 7,
        nextProbeAt: '2026-11-21T11:59:30.000Z',
      }),
    };

    // Act
    const json = await runCli(['status', '--json'], a);
    const text = await runCli(['status'], a);

    // Assess
    expect(JSON.parse(json.stdout).circuit).toEqual({
      state: 'half-open',
      since: '2026-11-21T11:58:00.000Z',
      reason: 'HTTP 401',
      lastError: 'HTTP 401',
      deferred: 7,
      failures: 0,
      nextProbeAt: '2026-11-21T11:59:30.000Z',
    });
    expect(text.stdout).toContain(
      'circuit       HALF-OPEN (probe due) since 2026-11-21 11:58:00Z: HTTP 401; last error HTTP 401; 7 deferred',
    );
  });
});
