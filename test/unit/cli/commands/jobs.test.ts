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
  // Changed on purpose (issue 14): SUCCEEDED jobs are not indexed; without --prefix, every status
  // means every status that needs attention.
  it('prints a table of every status that needs attention, newest first', async () => {
    // Act
    const { code, stdout } = await runCli(['jobs'], withJobs());

    // Assess
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'KEY        STATUS      ATTEMPTS  LAST                            UPDATED',
      'later.csv  RETRYING           2  HTTP 200                        2026-11-21 11:45:00Z',
      'bad.csv    FAILED             8  HTTP 503: upstream unavailable  2026-11-21 11:30:00Z',
      '',
    ]);
  });

  it('adds the SUCCEEDED jobs under --prefix, read from the bucket listing and by id, never the index', async () => {
    // Prepare
    const admin = withJobs();
    admin.listing.add('bad.csv').add('later.csv').add('ok.csv');

    // Act
    const { code, stdout } = await runCli(['jobs', '--prefix', 'o'], admin);
    const all = await runCli(['jobs', '--prefix', '', '--status', 'succeeded'], admin);

    // Assess
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'KEY     STATUS      ATTEMPTS  LAST      UPDATED',
      'ok.csv  SUCCEEDED          1  HTTP 200  2026-11-21 11:00:00Z',
      '',
    ]);
    expect(admin.listing.queries).toEqual([{ prefix: 'o', versions: 'all' }]);
    expect(admin.jobs.batches).toEqual([['inbox/ok.csv#v1']]);
    expect(admin.jobs.queries.map((q) => q.status)).toEqual(['RETRYING', 'FAILED', 'SKIPPED', 'SUPERSEDED']);
    expect(all.code).toBe(2);
  });

  it('refuses --status succeeded without --prefix, saying how to ask', async () => {
    // Act
    const { code, stderr } = await runCli(['jobs', '--status', 'succeeded'], withJobs());

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain('SUCCEEDED jobs are not indexed');
    expect(stderr).toContain('--prefix');
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

  it('finds jobs by their last HTTP status with --http-status, reading only the statuses they can be in', async () => {
    // Prepare
    const admin = withJobs();

    // Act
    const { code, stdout } = await runCli(['jobs', '--http-status', '5xx', '--since', '2h', '--json'], admin);

    // Assess
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { key: string }[]).map((j) => j.key)).toEqual(['bad.csv']);
    expect(admin.jobs.queries.map((q) => q.status).sort()).toEqual(['FAILED', 'RETRYING']);
    expect(admin.jobs.queries[0]).toMatchObject({ lastHttpStatus: [{ from: 500, to: 599 }] });
  });

  it('refuses an --http-status that is not a status or a class (exit 2)', async () => {
    const { code, stderr } = await runCli(['jobs', '--http-status', '4x'], withJobs());
    expect(code).toBe(2);
    expect(stderr).toContain('is not an HTTP status');
  });

  it('says so when nothing matches', async () => {
    const { stdout } = await runCli(['jobs', '--prefix', 'zzz/'], withJobs());
    expect(stdout).toBe('No jobs match.\n');
  });

  it('says where delivered files are when the index alone found nothing (no status, no prefix)', async () => {
    const { code, stdout } = await runCli(['jobs'], new FakeAdmin());
    expect(code).toBe(0);
    expect(stdout).toBe(
      'No jobs need attention (RETRYING, FAILED, SKIPPED or SUPERSEDED).\n' +
        'Delivered files are listed by key prefix: b2a jobs --prefix <start of the keys>\n',
    );
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

/** A job of 12 attempts whose history keeps the newest two, each with its delivery log. */
function logged() {
  const request = {
    method: 'POST',
    url: 'https://api.test/in?code=[redacted]',
    headers: { authorization: '[redacted]', 'idempotency-key': 'k1', 'webhook-signature': 'v1,c2ln' },
    bodyBytes: 5,
    bodySha256: 'ab'.repeat(32),
  };
  return job('a.csv', {
    attempts: 12,
    history: [
      {
        at: '2026-11-21T10:00:00.000Z',
        runId: 'auto',
        attempt: 11,
        origin: 'retry',
        outcome: 'retryable',
        httpStatus: 503,
        latencyMs: 80,
        error: 'HTTP 503: maintenance',
        request,
        response: {
          status: 503,
          contentType: 'text/plain',
          retryAfter: '30',
          requestId: { header: 'x-request-id', value: 'req-1' },
          body: 'maintenance\nback soon',
          bodyTruncated: true,
        },
      },
      {
        at: '2026-11-21T10:01:00.000Z',
        runId: 'auto',
        attempt: 12,
        origin: 'retry',
        outcome: 'delivered',
        httpStatus: 201,
        latencyMs: 9,
        request,
        response: { status: 201, body: '{"id":7}' },
      },
    ],
  });
}

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

  it('numbers each attempt among all the job’s attempts (N), as --attempt takes it', async () => {
    // Prepare: 12 attempts, the history keeping the newest 2
    const admin = new FakeAdmin();
    admin.jobs.add(logged());

    // Act
    const { stdout } = await runCli(['jobs', 'show', 'a.csv'], admin);

    // Assess
    expect(stdout).toMatch(/\n\s*N\s+AT\s+RUN/);
    expect(stdout).toMatch(/\n\s*11\s+2026-11-21 10:00:00Z\s+auto\s+11\s+retry\s+retryable\s+503/);
    expect(stdout).toMatch(/\n\s*12\s+2026-11-21 10:01:00Z\s+auto\s+12\s+retry\s+delivered\s+201/);
  });

  it('prints one attempt in full with --attempt N: the request sent and the response', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(logged());

    // Act
    const { code, stdout } = await runCli(['jobs', 'show', 'a.csv', '--attempt', '11'], admin);

    // Assess
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      's3://inbox/a.csv · attempt 11 of 12',
      '  job              inbox/a.csv#v1',
      '  at               2026-11-21 10:00:00Z',
      '  run              auto, attempt 11 (retry)',
      '  outcome          retryable',
      '  latency          80 ms',
      '  error            HTTP 503: maintenance',
      '',
      'Request',
      '  POST             https://api.test/in?code=[redacted]',
      '  body             5 B',
      `  sha256           ${'ab'.repeat(32)}`,
      '  authorization:   [redacted]',
      '  idempotency-key: k1',
      '  webhook-signature: v1,c2ln',
      '',
      'Response',
      '  status           503',
      '  content-type     text/plain',
      '  retry-after      30',
      '  request id       req-1 (x-request-id)',
      '  body             its start (cut):',
      '    maintenance',
      '    back soon',
      '',
    ]);
  });

  it('prints the attempt as JSON with --attempt N --json', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(logged());

    // Act
    const { code, stdout } = await runCli(['jobs', 'show', 'a.csv', '--attempt', '12', '--json'], admin);

    // Assess
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      jobId: 'inbox/a.csv#v1',
      n: 12,
      outcome: 'delivered',
      request: { headers: { authorization: '[redacted]' } },
      response: { status: 201, body: '{"id":7}' },
    });
  });

  it('exits 3 for an attempt the history no longer keeps, or never made', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(logged());

    // Act
    const old = await runCli(['jobs', 'show', 'a.csv', '--attempt', '3'], admin);
    const future = await runCli(['jobs', 'show', 'a.csv', '--attempt', '13'], admin);

    // Assess
    expect(old.code).toBe(3);
    expect(old.stderr).toContain(
      'attempt 3 of job inbox/a.csv#v1 is no longer kept: the job keeps attempts 11 to 12',
    );
    expect(future.code).toBe(3);
    expect(future.stderr).toContain('job inbox/a.csv#v1 has 12 attempt(s); there is no attempt 13');
  });

  it('exits 3 with one line for an unknown key', async () => {
    const { code, stderr } = await runCli(['jobs', 'show', 'nope.csv'], new FakeAdmin());
    expect(code).toBe(3);
    expect(stderr.split('\n')[0]).toBe('b2a: no jobs for key "nope.csv" in bucket inbox (dev)');
  });
});
