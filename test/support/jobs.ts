/** A job as the store returns it after one attempt, for tests of what consumes recorded jobs. */
import type { Job } from '../../pipeline-functions/core/model.js';

/**
 * One attempt's job in `local-inbox`: SUCCEEDED was delivered (HTTP 200), any other status last
 * saw an HTTP 503.
 */
export function recordedJob(key: string, status: Job['status'], overrides: Partial<Job> = {}): Job {
  const succeeded = status === 'SUCCEEDED';
  return {
    jobId: `local-inbox/${key}#etag:e1`,
    bucket: 'local-inbox',
    key,
    status,
    runId: 'auto',
    runStartedAt: '2026-11-21T12:00:00.000Z',
    attempt: 1,
    attempts: 1,
    runs: 1,
    firstAttemptAt: '2026-11-21T12:00:00.000Z',
    lastAttemptAt: '2026-11-21T12:00:00.000Z',
    history: [
      {
        at: '2026-11-21T12:00:00.000Z',
        runId: 'auto',
        attempt: 1,
        origin: 's3-event',
        outcome: succeeded ? 'delivered' : 'retryable',
        httpStatus: succeeded ? 200 : 503,
        latencyMs: 12,
        ...(succeeded ? {} : { error: 'HTTP 503' }),
      },
    ],
    idempotencyKey: 'idem',
    createdAt: '2026-11-21T12:00:00.000Z',
    updatedAt: '2026-11-21T12:00:00.000Z',
    ...overrides,
  };
}
