import { describe, expect, it } from '@jest/globals';
import { KeysNotFoundError } from '../../../../../../pipeline-functions/core/use-cases/admin/errors.js';
import {
  resolveKeys,
  selectObjects,
  sendReprocess,
} from '../../../../../../pipeline-functions/core/use-cases/admin/reprocess.js';
import { FakeAdmin, job, NOW, withObjects } from '../../../../../support/fake-admin.js';

const clock = { now: () => new Date(NOW) };

describe('Function: resolveKeys', () => {
  it('reads the current version of each key', async () => {
    const refs = await resolveKeys(withObjects(), ['a.csv', 'dir/b c.csv', 'a.csv']);
    expect(refs).toEqual([
      { bucket: 'inbox', key: 'a.csv', versionId: 'v7', etag: '"e7"', size: 10 },
      { bucket: 'inbox', key: 'dir/b c.csv', etag: '"eb"', size: 20 },
    ]);
  });

  it('names every missing key', async () => {
    await expect(resolveKeys(withObjects(), ['a.csv', 'x.csv', 'y.csv'])).rejects.toThrow(
      new KeysNotFoundError(['x.csv', 'y.csv'], 'inbox', 'dev'),
    );
  });
});

describe('Function: sendReprocess', () => {
  it('sends a reprocess envelope per object, each with a new run, as the caller', async () => {
    // Prepare
    const admin = withObjects();
    const ids = ['run-1', 'run-2'];
    const refs = await resolveKeys(admin, ['a.csv', 'dir/b c.csv']);

    // Act
    const result = await sendReprocess(admin, refs, {
      clock,
      verify: false,
      newRunId: () => ids.shift() ?? 'x',
    });

    // Assess
    expect(admin.queue.sent).toEqual([
      {
        b2a: 1,
        kind: 'reprocess',
        object: { bucket: 'inbox', key: 'a.csv', versionId: 'v7', etag: '"e7"', size: 10 },
        run: { id: 'run-1', startedAt: '2026-11-21T12:00:00.000Z' },
        attempt: 1,
        requestedBy: 'arn:aws:iam::111111111111:user/admin',
        sentAt: '2026-11-21T12:00:00.000Z',
      },
      expect.objectContaining({
        object: expect.objectContaining({ key: 'dir/b c.csv' }),
        run: { id: 'run-2', startedAt: '2026-11-21T12:00:00.000Z' },
      }),
    ]);
    expect(result.started.map((s) => s.jobId)).toEqual(['inbox/a.csv#v7', 'inbox/dir/b c.csv#etag:eb']);
    expect(result.missing).toEqual([]);
  });

  it('counts objects that are gone instead of sending them, when verifying', async () => {
    // Prepare
    const admin = withObjects();
    const progress: number[] = [];

    // Act
    const result = await sendReprocess(
      admin,
      [
        { bucket: 'inbox', key: 'a.csv', versionId: 'v7' },
        { bucket: 'inbox', key: 'a.csv', versionId: 'v1' },
      ],
      { clock, verify: true, onProgress: (done) => progress.push(done) },
    );

    // Assess
    expect(result.started).toHaveLength(1);
    expect(result.missing).toEqual([{ bucket: 'inbox', key: 'a.csv', versionId: 'v1' }]);
    expect(admin.queue.sent).toHaveLength(1);
    expect(progress.sort()).toEqual([1, 2]);
  });
});

describe('Function: selectObjects', () => {
  it("selects the failed jobs' object versions", async () => {
    const admin = new FakeAdmin();
    admin.jobs.add(
      job('a.csv', { status: 'FAILED', versionId: 'v3' }),
      job('b.csv', { status: 'SUCCEEDED' }),
    );
    const objects = await selectObjects(admin.jobs, { statuses: ['FAILED'] });
    expect(objects).toEqual([{ bucket: 'inbox', key: 'a.csv', versionId: 'v3', etag: 'e1', size: 12 }]);
  });
});
