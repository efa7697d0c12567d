import { describe, expect, it } from '@jest/globals';
import { FakeAdmin, job, runCli } from '../support/fake-admin.js';

/** Admin ports whose bucket holds a.csv (with a job) and b.csv, c.csv (without). */
function bucket(environment = 'dev'): FakeAdmin {
  const admin = new FakeAdmin(environment);
  admin.listing.add('a.csv').add('b.csv').add('c.csv');
  admin.jobs.add(job('a.csv'));
  return admin;
}

describe('Command: b2a backfill', () => {
  it('prints a summary object with --json', async () => {
    // Act
    const { code, stdout } = await runCli(['backfill', '--json'], bucket());

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      environment: 'dev',
      dryRun: false,
      resumed: false,
      counts: { listed: 3, alreadyDone: 1, sent: 2, skippedByFilter: 0, failed: 0 },
      failed: [],
    });
  });

  it('takes permits from the pacer before each batch it sends, and none on a dry run', async () => {
    // Prepare
    const admin = new FakeAdmin();
    for (let i = 0; i < 12; i++) admin.listing.add(`k${String(i).padStart(2, '0')}.csv`);
    const dry = new FakeAdmin();
    dry.listing.add('a.csv');

    // Act
    const { code } = await runCli(['backfill'], admin);
    await runCli(['backfill', '--dry-run'], dry);

    // Assess
    expect(code).toBe(0);
    expect(admin.pacer.takes).toEqual([
      { permits: 10, sentBefore: 0 },
      { permits: 2, sentBefore: 10 },
    ]);
    expect(dry.pacer.takes).toEqual([]);
  });

  it('prints what a dry run would send, and sends nothing', async () => {
    // Prepare
    const admin = bucket();

    // Act
    const { code, stdout } = await runCli(['backfill', '--dry-run'], admin);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/b\.csv\s+v1\n.*c\.csv\s+v1/s);
    expect(stdout).toContain('Dry run: would send 2 backfill message(s) in dev.');
    expect(admin.queue.sent).toEqual([]);
  });

  it('asks for confirmation in prod, and needs --yes without a terminal', async () => {
    // Prepare
    const admin = bucket('prod');

    // Act
    const refused = await runCli(['backfill'], admin);
    const confirmed = await runCli(['backfill', '--yes'], admin);

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('backfill s3://inbox/ in prod needs confirmation');
    expect(confirmed.code).toBe(0);
    expect(admin.queue.sent).toHaveLength(2);
  });

  it('refuses --since with --after', async () => {
    const { code, stderr } = await runCli(
      ['backfill', '--since', '2h', '--after', '2026-11-01T00:00:00Z'],
      bucket(),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('pass --since or --after, not both');
  });

  it('refuses --since with --after before opening the environment', async () => {
    // Act
    const { code, opened } = await runCli(
      ['backfill', '--since', '2h', '--after', '2026-11-01T00:00:00Z'],
      bucket(),
    );

    // Assess
    expect(code).toBe(2);
    expect(opened).toBeUndefined();
  });

  it('exits 7 when the queue refused messages, and says to run it again', async () => {
    // Prepare
    const admin = bucket();
    admin.queue.refused.add('c.csv');

    // Act
    const { code, stdout, stderr } = await runCli(['backfill'], admin);

    // Assess
    expect(code).toBe(7);
    expect(stdout).toContain('Not sent: s3://inbox/c.csv (v1): Error: InternalError');
    expect(stderr).toContain('run the same command again');
  });
});

describe('Command: b2a reconcile', () => {
  it('reports drift as a table and fixes the missed objects with --fix', async () => {
    // Prepare
    const admin = bucket();
    admin.jobs.add(job('gone.csv', { status: 'FAILED' }));

    // Act
    const report = await runCli(['reconcile'], admin);
    const fixed = await runCli(['reconcile', '--fix', '--json'], admin);

    // Assess
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/MISSED\s+b\.csv/);
    expect(report.stdout).toMatch(/GONE\s+gone\.csv/);
    expect(report.stdout).toContain('Listed 3 in dev: 2 missed, 1 gone, 0 stuck, 0 skipped.');
    expect(fixed.code).toBe(0);
    expect(JSON.parse(fixed.stdout)).toMatchObject({ fix: { backfilled: 2, retried: 0 } });
    expect(admin.queue.sent.map((e) => e.kind)).toEqual(['backfill', 'backfill']);
  });
});
