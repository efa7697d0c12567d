import { describe, expect, it } from '@jest/globals';
import type { Job } from '../../../../pipeline-functions/core/model.js';
import type { ApiResponse } from '../../../../pipeline-functions/core/ports.js';
import { Activity, THROUGHPUT_WINDOW_MS } from '../../../../pipeline-functions/local/activity.js';

const job = (key: string, status: Job['status']): Job =>
  ({
    jobId: `local-inbox/${key}#etag:1`,
    bucket: 'local-inbox',
    key,
    status,
    attempt: 1,
    attempts: 1,
    history: [
      {
        at: '2026-11-21T12:00:00.000Z',
        runId: 'auto',
        attempt: 1,
        origin: 's3-event',
        outcome: 'retryable',
        error: 'HTTP 503',
      },
    ],
    updatedAt: '2026-11-21T12:00:00.000Z',
  }) as unknown as Job;

describe('Class: Activity', () => {
  it('counts calls in flight through the wrapped API', async () => {
    // Prepare
    const activity = new Activity();
    let release: (response: ApiResponse) => void = () => undefined;
    const api = activity.countCalls({
      call: () => new Promise<ApiResponse>((resolve) => (release = resolve)),
    });
    // Act
    const call = api.call({ headers: {}, body: '' });
    const during = activity.snapshot().callsInFlight;
    release({ status: 200, latencyMs: 1 });
    await call;
    // Assess
    expect(during).toBe(1);
    expect(activity.snapshot().callsInFlight).toBe(0);
  });

  it('keeps recent jobs newest first and the delivery rate over the window', () => {
    // Prepare
    const activity = new Activity();
    // Act
    activity.jobRecorded(job('a', 'RETRYING'));
    activity.jobRecorded(job('a', 'SUCCEEDED'));
    activity.jobRecorded(job('b', 'SUCCEEDED'));
    const now = activity.snapshot();
    const later = activity.snapshot(Date.now() + THROUGHPUT_WINDOW_MS + 1);
    // Assess
    expect(now.recent.map((r) => `${r.key}:${r.status}`)).toEqual([
      'b:SUCCEEDED',
      'a:SUCCEEDED',
      'a:RETRYING',
    ]);
    expect(now.recent[2]).toMatchObject({ error: 'HTTP 503' });
    expect(now.recordedSinceStart).toEqual({ SUCCEEDED: 2, RETRYING: 1, FAILED: 0, SKIPPED: 0 });
    expect(now.deliveredPerSecond).toBe(2 / (THROUGHPUT_WINDOW_MS / 1000));
    expect(later.deliveredPerSecond).toBe(0);
  });
});
