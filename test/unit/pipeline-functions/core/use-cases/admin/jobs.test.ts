import { describe, expect, it } from '@jest/globals';
import { KeyHasNoJobsError } from '../../../../../../pipeline-functions/core/use-cases/admin/errors.js';
import { listJobs, showJob } from '../../../../../../pipeline-functions/core/use-cases/admin/jobs.js';
import { FakeAdmin, job, withJobs } from '../../../../../support/fake-admin.js';

describe('Function: listJobs', () => {
  it('lists failed jobs through the status index only', async () => {
    // Prepare
    const admin = withJobs();

    // Act
    const jobs = await listJobs(admin, { statuses: ['FAILED'], limit: 50 });

    // Assess
    expect(jobs.map((j) => j.key)).toEqual(['bad.csv']);
    expect(admin.jobs.queries).toEqual([{ status: 'FAILED', limit: 50 }]);
  });
});

describe('Function: showJob', () => {
  it("returns every version's job for a key, newest first", async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.jobs.add(
      job('a.csv', { versionId: 'v1', updatedAt: '2026-11-21T09:00:00.000Z' }),
      job('a.csv', { versionId: 'v2', updatedAt: '2026-11-21T10:00:00.000Z' }),
      job('b.csv'),
    );

    // Act
    const jobs = await showJob(admin, 'a.csv');

    // Assess
    expect(jobs.map((j) => j.versionId)).toEqual(['v2', 'v1']);
  });

  it('throws not found for a key without jobs', async () => {
    await expect(showJob(new FakeAdmin(), 'nope.csv')).rejects.toThrow(KeyHasNoJobsError);
  });
});
