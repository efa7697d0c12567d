import { describe, expect, it } from '@jest/globals';
import { fixDrift, reconcile } from '../../../../../../pipeline-functions/core/use-cases/admin/reconcile.js';
import { FakeAdmin, job, NOW } from '../../../../../support/fake-admin.js';

const clock = { now: () => new Date(NOW) };

/** A bucket and jobs with one of each kind of drift. */
function drifted(): FakeAdmin {
  const admin = new FakeAdmin();
  admin.listing
    .add('ok.csv')
    .add('missed.csv')
    .add('stuck.csv')
    .add('skipped.csv')
    // An older version of ok.csv is still there: its job is not gone.
    .add('ok.csv', { versionId: 'v0', isLatest: false });
  admin.jobs.add(
    job('ok.csv'),
    job('ok.csv', { versionId: 'v0' }),
    job('deleted.csv', { status: 'FAILED' }),
    job('stuck.csv', { status: 'RETRYING', attempt: 3, nextAttemptAt: '2026-11-21T11:00:00.000Z' }),
    job('late.csv', { status: 'RETRYING', nextAttemptAt: '2026-11-21T11:55:00.000Z' }),
    job('skipped.csv', { status: 'SKIPPED', lastError: 'b2a was off' }),
  );
  admin.listing.add('late.csv');
  return admin;
}

describe('Function: reconcile', () => {
  it('reports missed objects, gone versions, retries that never came and skipped jobs', async () => {
    // Act
    const report = await reconcile(drifted(), { stuckMarginMs: 15 * 60_000 }, { clock });

    // Assess
    expect(report.listed).toBe(6);
    expect(report.missed.map((o) => o.key)).toEqual(['missed.csv']);
    expect(report.gone.map((j) => j.key)).toEqual(['deleted.csv']);
    // late.csv's retry is 5 minutes late, within the 15 minute margin.
    expect(report.stuck.map((j) => j.key)).toEqual(['stuck.csv']);
    expect(report.skipped.map((j) => j.key)).toEqual(['skipped.csv']);
  });

  it("keeps to the pipeline's filters", async () => {
    // Prepare
    const admin = drifted();
    admin.filters = { prefix: '', suffix: '.txt' };

    // Act
    const report = await reconcile(admin, {}, { clock });

    // Assess
    expect([...report.missed, ...report.gone, ...report.stuck, ...report.skipped]).toEqual([]);
  });
});

describe('Function: fixDrift', () => {
  it('sends the missed objects as a backfill and each stuck job its next attempt, in one batch', async () => {
    // Prepare
    const admin = drifted();
    const report = await reconcile(admin, {}, { clock });

    // Act
    const fix = await fixDrift(admin, report, { clock, newId: () => 'fx1' });

    // Assess
    expect(fix).toEqual({ backfillId: 'fx1', backfilled: 1, retried: 1, failed: [] });
    expect(admin.queue.batches).toEqual([2]);
    expect(admin.queue.sent.map((e) => [e.kind, e.object.key, e.run.id, e.attempt])).toEqual([
      ['backfill', 'missed.csv', 'auto', 1],
      ['retry', 'stuck.csv', 'auto', 4],
    ]);
  });
});
