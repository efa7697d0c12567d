import { describe, expect, it } from '@jest/globals';
import {
  selectJobs,
  statusesAnswered,
} from '../../../../../../pipeline-functions/core/use-cases/admin/job-selection.js';
import { SucceededNeedsPrefixError } from '../../../../../../pipeline-functions/core/use-cases/admin/errors.js';
import { FakeJobRepository, FakeListing, job } from '../../../../../support/fake-admin.js';

const at = (minute: number): string => `2026-11-21T10:${String(minute).padStart(2, '0')}:00.000Z`;

describe('Function: selectJobs', () => {
  it('merges every status, newest first, up to the limit', async () => {
    // Prepare
    const jobs = new FakeJobRepository().add(
      job('a', { status: 'SUCCEEDED', updatedAt: at(1) }),
      job('b', { status: 'FAILED', updatedAt: at(4) }),
      job('c', { status: 'RETRYING', updatedAt: at(3) }),
      job('d', { status: 'SKIPPED', updatedAt: at(2) }),
    );

    // Act
    const selected = await selectJobs(jobs, { limit: 3 });

    // Assess
    expect(selected.map((j) => j.key)).toEqual(['b', 'c', 'd']);
    // Changed on purpose (issue 14): SUCCEEDED is not indexed, so never asked of the status index.
    expect(new Set(jobs.queries.map((q) => q.status))).toEqual(
      new Set(['RETRYING', 'FAILED', 'SKIPPED', 'SUPERSEDED']),
    );
  });

  it('selects SUCCEEDED jobs through the listing under the prefix, every version, read by id in batches', async () => {
    // Prepare
    const jobs = new FakeJobRepository().add(
      job('in/a', { status: 'SUCCEEDED', updatedAt: at(1) }),
      job('in/a', { versionId: 'v0', status: 'SUCCEEDED', updatedAt: at(0) }),
      job('in/b', { status: 'FAILED', updatedAt: at(4) }),
      job('in/c', { status: 'SUCCEEDED', updatedAt: at(5), lastHttpStatus: 201 }),
      job('out/d', { status: 'SUCCEEDED', updatedAt: at(6) }),
    );
    const listing = new FakeListing(2)
      .add('in/a')
      .add('in/a', { versionId: 'v0', isLatest: false })
      .add('in/b')
      .add('in/c')
      .add('out/d');

    // Act
    const selected = await selectJobs(jobs, { statuses: ['SUCCEEDED'], prefix: 'in/', limit: 2 }, listing);
    const since = await selectJobs(jobs, { statuses: ['SUCCEEDED'], prefix: 'in/', since: at(1) }, listing);
    const created = await selectJobs(
      jobs,
      { prefix: 'in/', httpStatuses: [{ from: 201, to: 201 }] },
      listing,
    );

    // Assess
    expect(selected.map((j) => j.jobId)).toEqual(['inbox/in/c#v1', 'inbox/in/a#v1']);
    expect(since.map((j) => j.jobId)).toEqual(['inbox/in/c#v1', 'inbox/in/a#v1']);
    expect(created.map((j) => j.key)).toEqual(['in/c']);
    expect(jobs.queries).toEqual([]);
    expect(listing.queries[0]).toEqual({ prefix: 'in/', versions: 'all' });
    expect(jobs.batches[0]).toEqual(['inbox/in/a#v0', 'inbox/in/a#v1']);
  });

  it('refuses SUCCEEDED without a prefix, and leaves it out of every status', async () => {
    // Prepare
    const jobs = new FakeJobRepository().add(job('a', { status: 'SUCCEEDED', updatedAt: at(1) }));
    const listing = new FakeListing().add('a');

    // Act
    const asked = selectJobs(jobs, { statuses: ['SUCCEEDED'] }, listing);
    const ok = selectJobs(jobs, { httpStatuses: [{ from: 200, to: 299 }] }, listing);
    const every = await selectJobs(jobs, {}, listing);

    // Assess
    await expect(asked).rejects.toThrow(SucceededNeedsPrefixError);
    await expect(ok).rejects.toThrow(SucceededNeedsPrefixError);
    expect(every).toEqual([]);
    expect(listing.queries).toEqual([]);
  });

  it('follows the cursor through every page of a status', async () => {
    // Prepare
    const jobs = new FakeJobRepository();
    for (let i = 0; i < 250; i++)
      jobs.add(
        job(`k${i}`, { status: 'FAILED', updatedAt: `2026-11-21T10:00:00.${String(i).padStart(3, '0')}Z` }),
      );

    // Act
    const selected = await selectJobs(jobs, { statuses: ['FAILED'] });

    // Assess
    expect(selected).toHaveLength(250);
    expect(jobs.queries.map((q) => q.cursor)).toEqual([undefined, '100', '200']);
    expect(jobs.queries.every((q) => q.status === 'FAILED')).toBe(true);
  });

  it('keeps reading pages until the prefix matches fill the limit', async () => {
    // Prepare
    const jobs = new FakeJobRepository();
    for (let i = 0; i < 150; i++) {
      jobs.add(
        job(`${i % 3 === 0 ? 'in/' : 'out/'}${i}`, {
          status: 'FAILED',
          updatedAt: `2026-11-21T10:00:00.${String(i).padStart(3, '0')}Z`,
        }),
      );
    }

    // Act
    const selected = await selectJobs(jobs, { statuses: ['FAILED'], prefix: 'in/', limit: 40 });

    // Assess
    expect(selected).toHaveLength(40);
    expect(selected.every((j) => j.key.startsWith('in/'))).toBe(true);
    expect(jobs.queries).toHaveLength(2);
  });

  it('finds jobs by their last HTTP status, querying only the statuses such jobs can be in', async () => {
    // Prepare
    const jobs = new FakeJobRepository().add(
      job('ok', { status: 'SUCCEEDED', lastHttpStatus: 200, updatedAt: at(20) }),
      job('busy', { status: 'RETRYING', lastHttpStatus: 429, updatedAt: at(21) }),
      job('bad', { status: 'FAILED', lastHttpStatus: 400, updatedAt: at(22) }),
      job('down', { status: 'FAILED', lastHttpStatus: 503, updatedAt: at(23) }),
      job('old', { status: 'FAILED', lastHttpStatus: 404, updatedAt: at(1) }),
    );

    // Act
    const selected = await selectJobs(jobs, { httpStatuses: [{ from: 400, to: 499 }], since: at(10) });

    // Assess
    expect(selected.map((j) => j.key)).toEqual(['bad', 'busy']);
    expect(jobs.queries.map((q) => q.status).sort()).toEqual(['FAILED', 'RETRYING']);
    expect(jobs.queries.every((q) => q.since === at(10) && q.lastHttpStatus?.[0]?.from === 400)).toBe(true);
  });

  it.each([
    [[{ from: 200, to: 299 }], ['SUCCEEDED']],
    [[{ from: 429, to: 429 }], ['RETRYING', 'FAILED']],
    [
      [
        { from: 200, to: 200 },
        { from: 500, to: 599 },
      ],
      ['SUCCEEDED', 'RETRYING', 'FAILED'],
    ],
  ])('knows which statuses answers %j leave a job in', (ranges, statuses) => {
    expect(statusesAnswered(ranges)).toEqual(statuses);
  });

  it('passes --since to the status index', async () => {
    const jobs = new FakeJobRepository().add(
      job('old', { status: 'FAILED', updatedAt: at(1) }),
      job('new', { status: 'FAILED', updatedAt: at(30) }),
    );
    const selected = await selectJobs(jobs, { statuses: ['FAILED'], since: at(10) });
    expect(selected.map((j) => j.key)).toEqual(['new']);
    expect(jobs.queries[0]?.since).toBe(at(10));
  });
});
