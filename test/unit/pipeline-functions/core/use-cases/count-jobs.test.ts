import { describe, expect, it } from '@jest/globals';
import type { JobStatus } from '../../../../../pipeline-functions/core/model.js';
import { countJobsByStatus } from '../../../../../pipeline-functions/core/use-cases/count-jobs.js';

/** Answers from a fixed table of (status, updatedAt), recording what it was asked. */
const repository = (jobs: readonly { status: JobStatus; updatedAt: string }[]) => {
  const asked: { status: JobStatus; since: string | undefined }[] = [];
  return {
    asked,
    countByStatus: async (status: JobStatus, since?: string): Promise<number> => {
      asked.push({ status, since });
      return jobs.filter((job) => job.status === status && (!since || job.updatedAt >= since)).length;
    },
  };
};

describe('Function: countJobsByStatus', () => {
  it('counts every status that needs attention, with 0 for one that has no job, and never asks for SUCCEEDED', async () => {
    // Prepare
    const jobs = repository([
      { status: 'SUCCEEDED', updatedAt: '2026-03-01T00:00:00.000Z' },
      { status: 'SUCCEEDED', updatedAt: '2026-03-02T00:00:00.000Z' },
      { status: 'FAILED', updatedAt: '2026-03-02T00:00:00.000Z' },
    ]);
    // Act
    const counts = await countJobsByStatus(jobs);
    // Assess
    expect(counts).toEqual({ RETRYING: 0, FAILED: 1, SKIPPED: 0, SUPERSEDED: 0 });
    expect(jobs.asked.map((q) => q.status)).toEqual(['RETRYING', 'FAILED', 'SKIPPED', 'SUPERSEDED']);
    expect(jobs.asked.map((q) => q.since)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('passes `since` to every count', async () => {
    // Prepare
    const jobs = repository([
      { status: 'FAILED', updatedAt: '2026-03-01T00:00:00.000Z' },
      { status: 'FAILED', updatedAt: '2026-03-02T00:00:00.000Z' },
    ]);
    // Act
    const counts = await countJobsByStatus(jobs, '2026-03-02T00:00:00.000Z');
    // Assess
    expect(counts.FAILED).toBe(1);
    expect(jobs.asked).toHaveLength(4);
    expect(jobs.asked.every((q) => q.since === '2026-03-02T00:00:00.000Z')).toBe(true);
  });
});
