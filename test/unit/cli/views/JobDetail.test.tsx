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
    expect(frame).toMatch(
      /2026-11-21 11:00:00Z\s+r-42\s+1\s+reprocess\s+retryable\s+503\s+90 ms\s+HTTP 503\s+arn:aws:iam::1:user\/alice/,
    );
    expect(frame).toContain('inbox/a.csv#v1');
  });
});
