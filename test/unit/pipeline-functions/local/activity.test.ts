import { describe, expect, it } from '@jest/globals';
import type { ApiResponse } from '../../../../pipeline-functions/core/ports.js';
import { Activity, THROUGHPUT_WINDOW_MS } from '../../../../pipeline-functions/local/activity.js';
import { recordedJob } from '../../../support/jobs.js';

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
    activity.jobRecorded(recordedJob('a', 'RETRYING'));
    activity.jobRecorded(recordedJob('a', 'SUCCEEDED'));
    activity.jobRecorded(recordedJob('b', 'SUCCEEDED'));
    const now = activity.snapshot();
    const later = activity.snapshot(Date.now() + THROUGHPUT_WINDOW_MS + 1);
    // Assess
    expect(now.recent.map((r) => `${r.key}:${r.status}`)).toEqual([
      'b:SUCCEEDED',
      'a:SUCCEEDED',
      'a:RETRYING',
    ]);
    expect(now.recent[2]).toMatchObject({ error: 'HTTP 503' });
    expect(now.recordedSinceStart).toEqual({
      SUCCEEDED: 2,
      RETRYING: 1,
      FAILED: 0,
      SKIPPED: 0,
      SUPERSEDED: 0,
    });
    expect(now.deliveredPerSecond).toBe(2 / (THROUGHPUT_WINDOW_MS / 1000));
    expect(later.deliveredPerSecond).toBe(0);
  });

  it('keeps the last response of each recent job, for the dashboard', () => {
    // Prepare
    const activity = new Activity();
    const base = recordedJob('a', 'SUCCEEDED');
    const response = { status: 200, requestId: { header: 'x-request-id', value: 'r-1' }, body: 'ok' };

    // Act
    activity.jobRecorded({ ...base, history: base.history.map((attempt) => ({ ...attempt, response })) });

    // Assess
    expect(activity.snapshot().recent[0]?.response).toEqual(response);
  });
});
