import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { JobDetail } from '../../../../cli/views/JobDetail.js';
import { job } from '../support/fake-admin.js';

describe('Component: JobDetail', () => {
  it("shows each version's job and its attempt history", () => {
    // Prepare
    const failed = job('a.csv', {
      versionId: 'v2',
      status: 'FAILED',
      runId: 'r-42',
      attempt: 2,
      attempts: 3,
      runs: 2,
      firstAttemptAt: '2026-11-21T10:00:00.000Z',
      lastAttemptAt: '2026-11-21T11:01:00.000Z',
      history: [
        {
          at: '2026-11-21T10:00:00.000Z',
          runId: 'auto',
          attempt: 1,
          origin: 's3-event',
          outcome: 'delivered',
          httpStatus: 200,
          latencyMs: 40,
        },
        {
          at: '2026-11-21T11:00:00.000Z',
          runId: 'r-42',
          attempt: 1,
          origin: 'reprocess',
          outcome: 'retryable',
          httpStatus: 503,
          latencyMs: 90,
          error: 'HTTP 503',
          requestedBy: 'arn:aws:iam::1:user/alice',
        },
        {
          at: '2026-11-21T11:01:00.000Z',
          runId: 'r-42',
          attempt: 2,
          origin: 'retry',
          outcome: 'terminal',
          httpStatus: 400,
          latencyMs: 12,
          error: 'HTTP 400: bad',
        },
      ],
    });

    // Act
    const frame =
      render(<JobDetail jobs={[failed, job('a.csv', { versionId: 'v1' })]} width={140} />).lastFrame() ?? '';

    // Assess
    expect(frame).toContain('s3://inbox/a.csv');
    expect(frame).toContain('  job          inbox/a.csv#v2');
    expect(frame).toContain('  status       FAILED (attempt 2 of run r-42; 3 in all)');
    expect(frame).toContain('  attempts     3 in 2 runs, 2026-11-21 10:00:00Z to 2026-11-21 11:01:00Z');
    expect(frame).toMatch(
      /2026-11-21 11:00:00Z\s+r-42\s+1\s+reprocess\s+retryable\s+503\s+90 ms\s+HTTP 503\s+arn:aws:iam::1:user\/alice/,
    );
    // N numbers the attempts among all of them: what `--attempt` takes.
    expect(frame).toMatch(/N\s+AT\s+RUN/);
    expect(frame).toMatch(/\n\s*2\s+2026-11-21 11:00:00Z\s+r-42/);
    expect(frame).toContain('inbox/a.csv#v1');
  });

  it('shows the totals of all attempts when the history lists only the newest', () => {
    // Prepare: 30 attempts in 3 runs, the job keeping the newest 20
    const busy = job('busy.csv', {
      attempts: 30,
      runs: 3,
      firstAttemptAt: '2026-11-01T08:00:00.000Z',
      lastAttemptAt: '2026-11-21T11:00:00.000Z',
      history: Array.from({ length: 20 }, (_, i) => ({
        at: `2026-11-21T10:${String(i).padStart(2, '0')}:00.000Z`,
        runId: 'r-2',
        attempt: i + 1,
        origin: 'retry' as const,
        outcome: 'retryable' as const,
        httpStatus: 503,
      })),
    });

    // Act
    const frame = render(<JobDetail jobs={[busy]} width={140} />).lastFrame() ?? '';

    // Assess
    expect(frame).toContain(
      '  attempts     30 in 3 runs, 2026-11-01 08:00:00Z to 2026-11-21 11:00:00Z (newest 20 listed)',
    );
  });
});
