import { describe, expect, it } from '@jest/globals';
import { JobsNotSucceededError } from '../../../../../../pipeline-functions/core/use-cases/admin/errors.js';
import type { StartedJob } from '../../../../../../pipeline-functions/core/use-cases/admin/reprocess.js';
import {
  assertSucceeded,
  waitForJobs,
} from '../../../../../../pipeline-functions/core/use-cases/admin/wait-for-jobs.js';
import { FakeAdmin, job, NOW } from '../../../../../support/fake-admin.js';

const clock = { now: () => new Date(NOW) };

describe('Function: waitForJobs', () => {
  const started: StartedJob = {
    jobId: 'inbox/a.csv#v7',
    bucket: 'inbox',
    key: 'a.csv',
    versionId: 'v7',
    runId: 'run-1',
    startedAt: '2026-11-21T12:00:00.000Z',
  };
  const mine = { runId: 'run-1', runStartedAt: '2026-11-21T12:00:00.000Z', versionId: 'v7' };

  it('polls until the run reaches a terminal state', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.script.set(started.jobId, [
      undefined,
      job('a.csv', { ...mine, status: 'RETRYING' }),
      job('a.csv', { ...mine, status: 'SUCCEEDED' }),
    ]);
    const sleeps: number[] = [];
    const updates: number[] = [];

    // Act
    const { states, timedOut } = await waitForJobs(admin.jobs, [started], {
      timeoutMs: 60_000,
      intervalMs: 2000,
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onUpdate: (s) => updates.push(s.filter((x) => x.done).length),
    });

    // Assess
    expect(timedOut).toBe(false);
    expect(states[0]?.job?.status).toBe('SUCCEEDED');
    expect(sleeps).toEqual([2000, 2000]);
    expect(updates).toEqual([0, 0, 1]);
    expect(() => assertSucceeded(states, timedOut, '1m')).not.toThrow();
  });

  it("does not take the previous run's terminal state for this one", async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(job('a.csv', { versionId: 'v7', status: 'FAILED', runId: 'auto' }));
    let now = NOW.getTime();

    // Act
    const { states, timedOut } = await waitForJobs(admin.jobs, [started], {
      timeoutMs: 5000,
      intervalMs: 2000,
      clock: { now: () => new Date(now) },
      sleep: async (ms) => {
        now += ms;
      },
    });

    // Assess
    expect(timedOut).toBe(true);
    expect(states[0]?.done).toBe(false);
    expect(() => assertSucceeded(states, timedOut, '5s')).toThrow(
      new JobsNotSucceededError('1 of 1 job(s) still running after 5s', true, []),
    );
  });

  it('fails the wait when a job ends FAILED or SKIPPED', () => {
    const states = [{ started, job: job('a.csv', { ...mine, status: 'SKIPPED' }), done: true }];
    expect(() => assertSucceeded(states, false, '1m')).toThrow(/did not succeed \(SKIPPED\)/);
  });
});
