import { describe, expect, it } from '@jest/globals';
import { statusesOf } from '../../../../cli/commands/jobs.js';
import { UsageError } from '../../../../cli/errors.js';
import { FakeAdmin, job, runCli, withJobs } from '../support/fake-admin.js';

describe('Function: statusesOf', () => {
  it('reads --failed as FAILED and refuses a contradiction', () => {
    expect(statusesOf({ failed: true })).toEqual(['FAILED']);
    expect(statusesOf({ status: ['RETRYING'] })).toEqual(['RETRYING']);
    expect(statusesOf({})).toBeUndefined();
    expect(() => statusesOf({ failed: true, status: ['SUCCEEDED'] })).toThrow(UsageError);
  });
});

describe('Command: b2a jobs', () => {
  it('prints a table of every status, newest first', async () => {
    // Act
    const { code, stdout } = await runCli(['jobs'], withJobs());

    // Assess
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'KEY        STATUS      ATTEMPTS  LAST                            UPDATED',
      'later.csv  RETRYING           2  HTTP 200                        2026-11-21 11:45:00Z',
      'bad.csv    FAILED             8  HTTP 503: upstream unavailable  2026-11-21 11:30:00Z',
      'ok.csv     SUCCEEDED          1  HTTP 200                        2026-11-21 11:00:00Z',
      '',
    ]);
  });

  it('prints a JSON array of jobs with --json', async () => {
    // Act
    const { code, stdout } = await runCli(['jobs', '--failed', '--json'], withJobs());

    // Assess
    expect(code).toBe(0);
    const jobs = JSON.parse(stdout) as Record<string, unknown>[];
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({
      jobId: 'inbox/bad.csv#v1',
      bucket: 'inbox',
      key: 'bad.csv',
      status: 'FAILED',
      attempts: 8,
      lastError: 'HTTP 503: upstream unavailable',
      updatedAt: '2026-11-21T11:30:00.000Z',
    });
  });

  it('turns --since into a time before now', async () => {
    const admin = withJobs();
    const { stdout } = await runCli(
      ['jobs', '--status', 'failed,retrying', '--since', '20m', '--json'],
      admin,
    );
    expect((JSON.parse(stdout) as { key: string }[]).map((j) => j.key)).toEqual(['later.csv']);
    expect(admin.jobs.queries.map((q) => q.since)).toEqual([
      '2026-11-21T11:40:00.000Z',
      '2026-11-21T11:40:00.000Z',
    ]);
  });

  it('says so when nothing matches', async () => {
    const { stdout } = await runCli(['jobs', '--prefix', 'zzz/'], withJobs());
    expect(stdout).toBe('No jobs match.\n');
  });

  it('refuses --watch without a terminal (exit 2)', async () => {
    const { code, stderr } = await runCli(['jobs', '--watch'], withJobs());
    expect(code).toBe(2);
    expect(stderr).toContain('--watch needs a terminal');
  });

  it('refuses an unknown status (exit 2)', async () => {
    const { code, stderr } = await runCli(['jobs', '--status', 'DONE'], withJobs());
    expect(code).toBe(2);
    expect(stderr).toContain('is not a status');
  });
});

describe('Command: b2a jobs show', () => {
  it('prints the attempt history', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(
      job('a b.csv', {
        status: 'FAILED',
        attempts: 2,
        history: [
          {
            at: '2026-11-21T10:00:00.000Z',
            runId: 'auto',
            attempt: 1,
            origin: 's3-event',
            outcome: 'retryable',
            httpStatus: 503,
            latencyMs: 80,
            error: 'HTTP 503',
          },
          {
            at: '2026-11-21T10:01:00.000Z',
            runId: 'auto',
            attempt: 2,
            origin: 'retry',
            outcome: 'terminal',
            httpStatus: 400,
            latencyMs: 12,
            error: 'HTTP 400: bad csv',
          },
        ],
      }),
    );

    // Act
    const { code, stdout } = await runCli(['jobs', 'show', 's3://inbox/a b.csv'], admin);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain('s3://inbox/a b.csv\n  job          inbox/a b.csv#v1');
    expect(stdout).toMatch(
      /2026-11-21 10:01:00Z\s+auto\s+2\s+retry\s+terminal\s+400\s+12 ms\s+HTTP 400: bad csv/,
    );
  });

  it('exits 3 with one line for an unknown key', async () => {
    const { code, stderr } = await runCli(['jobs', 'show', 'nope.csv'], new FakeAdmin());
    expect(code).toBe(3);
    expect(stderr.split('\n')[0]).toBe('b2a: no jobs for key "nope.csv" in bucket inbox (dev)');
  });
});
