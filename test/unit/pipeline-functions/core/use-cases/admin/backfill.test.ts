import { describe, expect, it } from '@jest/globals';
import type { B2aEnvelope } from '../../../../../../pipeline-functions/core/messages.js';
import {
  backfill,
  narrowestPrefix,
  type BackfillRequest,
} from '../../../../../../pipeline-functions/core/use-cases/admin/backfill.js';
import { FakeAdmin, job, NOW } from '../../../../../support/fake-admin.js';

const clock = { now: () => new Date(NOW) };
const LATEST: BackfillRequest = { versions: 'latest', all: false, dryRun: false };

/** A bucket of `count` objects `k000.csv`…, the even ones with a job. */
function halfDone(count: number, pageSize = 1000): FakeAdmin {
  const admin = new FakeAdmin();
  admin.listing.pageSize = pageSize;
  for (let i = 0; i < count; i++) {
    const key = `k${String(i).padStart(3, '0')}.csv`;
    admin.listing.add(key);
    if (i % 2 === 0) admin.jobs.add(job(key));
  }
  return admin;
}

describe('Function: backfill', () => {
  it('sends one backfill message per object version with no job, as the automatic run it missed', async () => {
    // Prepare
    const admin = halfDone(4);

    // Act
    const result = await backfill(admin, LATEST, { clock, newId: () => 'bf1' });

    // Assess
    expect(admin.queue.sent.map((e) => e.object.key)).toEqual(['k001.csv', 'k003.csv']);
    expect(admin.queue.sent[0]).toEqual({
      b2a: 1,
      kind: 'backfill',
      object: { bucket: 'inbox', key: 'k001.csv', versionId: 'v1', etag: '"e1"', size: 12 },
      // The run the missed S3 event would have started: the same Idempotency-Key as that event.
      run: { id: 'auto', startedAt: '2026-11-21T10:00:00.000Z' },
      attempt: 1,
      requestedBy: 'arn:aws:iam::111111111111:user/admin',
      backfillId: 'bf1',
      sentAt: NOW.toISOString(),
    } satisfies B2aEnvelope);
    expect(result.counts).toEqual({ listed: 4, skippedByFilter: 0, alreadyDone: 2, sent: 2, failed: 0 });
    expect(admin.checkpoints.values.size).toBe(0);
  });

  it('reads each job once, in batches, and sends in batches of 10', async () => {
    // Prepare
    const admin = halfDone(50, 20);

    // Act
    await backfill(admin, LATEST, { clock });

    // Assess
    expect(admin.jobs.gets).toEqual([]);
    expect(admin.jobs.batches.map((ids) => ids.length)).toEqual([20, 20, 10]);
    expect(new Set(admin.jobs.batches.flat()).size).toBe(50);
    expect(admin.queue.batches).toEqual([10, 10, 5]);
    expect(admin.queue.sent).toHaveLength(25);
  });

  it('takes a permit per message from the pacer before each batch', async () => {
    // Prepare
    const admin = halfDone(30);
    const taken: number[] = [];

    // Act
    await backfill(admin, LATEST, { clock, pace: { take: async (n) => void taken.push(n) } });

    // Assess
    expect(taken).toEqual([10, 5]);
  });

  it("keeps to the pipeline's filters, the asked prefix and --since", async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.filters = { prefix: 'in/', suffix: '.csv' };
    admin.listing
      .add('in/a.csv')
      .add('in/b.txt')
      .add('in/old.csv', { lastModified: '2026-11-01T00:00:00.000Z' })
      .add('out/c.csv');

    // Act
    const result = await backfill(
      admin,
      { ...LATEST, prefix: 'in', after: '2026-11-20T00:00:00.000Z' },
      { clock },
    );

    // Assess
    expect(admin.listing.queries[0]?.prefix).toBe('in/');
    expect(admin.queue.sent.map((e) => e.object.key)).toEqual(['in/a.csv']);
    expect(result.counts).toMatchObject({ listed: 3, skippedByFilter: 2, sent: 1 });
  });

  it('with --all, sends every version as one new run of the backfill', async () => {
    // Prepare
    const admin = halfDone(2);

    // Act
    await backfill(admin, { ...LATEST, all: true }, { clock, newId: () => 'bf2' });

    // Assess
    expect(admin.jobs.batches).toEqual([]);
    expect(admin.queue.sent.map((e) => e.run)).toEqual([
      { id: 'backfill-bf2', startedAt: NOW.toISOString() },
      { id: 'backfill-bf2', startedAt: NOW.toISOString() },
    ]);
  });

  it('sends nothing and writes no checkpoint in a dry run, and counts what it would send', async () => {
    // Prepare
    const admin = halfDone(6);

    // Act
    const result = await backfill(admin, { ...LATEST, dryRun: true }, { clock, planLimit: 2 });

    // Assess
    expect(admin.queue.sent).toEqual([]);
    expect(admin.checkpoints.writes).toBe(0);
    expect(result.counts.sent).toBe(3);
    expect(result.planned.map((o) => o.key)).toEqual(['k001.csv', 'k003.csv']);
  });

  it('resumes an interrupted backfill after its last batch, sending nothing twice', async () => {
    // Prepare: the third SendMessageBatch call fails as expired credentials would.
    const admin = halfDone(60, 25);
    const sendBatch = admin.queue.sendBatch.bind(admin.queue);
    let calls = 0;
    admin.queue.sendBatch = async (envelopes) => {
      if (++calls === 3)
        throw Object.assign(new Error('The security token included in the request is expired'), {
          name: 'ExpiredToken',
        });
      return sendBatch(envelopes);
    };
    const interrupted = backfill(admin, LATEST, { clock, newId: () => 'bf3' });
    await expect(interrupted).rejects.toThrow('expired');
    const sentBefore = admin.queue.sent.length;

    // Act
    const result = await backfill(admin, LATEST, { clock, newId: () => 'other' });

    // Assess
    const keys = admin.queue.sent.map((e) => e.object.key);
    // Page 1 (25 objects) sent its 12 missing in two batches (10 + 2); page 2 failed on its first batch.
    expect(sentBefore).toBe(12);
    expect(keys).toHaveLength(30);
    expect(new Set(keys).size).toBe(30);
    expect(result).toMatchObject({ resumed: true, backfillId: 'bf3' });
    expect(result.counts).toMatchObject({ listed: 60, alreadyDone: 30, sent: 30, failed: 0 });
    expect(admin.checkpoints.values.size).toBe(0);
  });

  it('keeps what SendMessageBatch refused in its checkpoint, and sends it first when run again', async () => {
    // Prepare
    const admin = halfDone(4);
    admin.queue.refused.add('k003.csv');

    // Act
    const first = await backfill(admin, LATEST, { clock });
    admin.queue.refused.clear();
    const second = await backfill(admin, LATEST, { clock });

    // Assess
    expect(first.failed).toEqual([
      expect.objectContaining({ key: 'k003.csv', reason: 'Error: InternalError' }),
    ]);
    expect(first.counts).toMatchObject({ sent: 1, failed: 1 });
    expect(second.resumed).toBe(true);
    expect(admin.queue.sent.map((e) => e.object.key)).toEqual(['k001.csv', 'k003.csv']);
    expect(second.counts).toMatchObject({ sent: 2, failed: 0 });
    expect(admin.checkpoints.values.size).toBe(0);
  });

  it('starts afresh when the arguments differ', async () => {
    // Prepare
    const admin = halfDone(4);
    admin.queue.refused.add('k003.csv');
    await backfill(admin, LATEST, { clock });
    admin.queue.refused.clear();

    // Act
    const other = await backfill(admin, { ...LATEST, prefix: 'k00' }, { clock });

    // Assess
    expect(other.resumed).toBe(false);
    expect(admin.checkpoints.values.size).toBe(1);
  });
});

describe('Function: narrowestPrefix', () => {
  it('lists under the longer prefix, and nothing when the two exclude each other', () => {
    expect(narrowestPrefix('in/2026/', 'in/')).toBe('in/2026/');
    expect(narrowestPrefix('', 'in/')).toBe('in/');
    expect(narrowestPrefix('out/', 'in/')).toBeUndefined();
  });
});
