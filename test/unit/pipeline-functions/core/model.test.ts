import { describe, expect, it } from '@jest/globals';
import {
  idempotencyKeyOf,
  isLaterRun,
  isNewerThan,
  jobIdOf,
  runOf,
  type Job,
} from '../../../../pipeline-functions/core/model.js';

const job = (over: Partial<Job>): Job => ({
  jobId: 'inbox/a#v1',
  bucket: 'inbox',
  key: 'a',
  status: 'RETRYING',
  runId: 'auto',
  runStartedAt: '2026-11-21T10:00:00Z',
  attempt: 2,
  attempts: 2,
  runs: 1,
  firstAttemptAt: '2026-11-21T10:00:00Z',
  lastAttemptAt: '2026-11-21T10:01:00Z',
  history: [],
  idempotencyKey: 'k',
  createdAt: '2026-11-21T10:00:00Z',
  updatedAt: '2026-11-21T10:01:00Z',
  ...over,
});
const auto = { id: 'auto', startedAt: '2026-11-21T10:00:00Z' };

describe('Function: isNewerThan', () => {
  it('lets the first attempt through', () => {
    expect(isNewerThan(undefined, auto, 1)).toBe(true);
  });
  it('lets a later attempt of the same run through', () => {
    expect(isNewerThan(job({}), auto, 3)).toBe(true);
  });
  it('stops a duplicate or older attempt of the same run', () => {
    expect(isNewerThan(job({}), auto, 2)).toBe(false);
    expect(isNewerThan(job({}), auto, 1)).toBe(false);
  });
  it('orders a deferral after the message it defers and before the next attempt', () => {
    // A deferral comes back with the same attempt number and the next deferral count.
    expect(isNewerThan(job({}), auto, 2, 1)).toBe(true);
    expect(isNewerThan(job({ deferral: 1 }), auto, 2, 1)).toBe(false);
    expect(isNewerThan(job({ deferral: 1 }), auto, 2, 0)).toBe(false);
    expect(isNewerThan(job({ deferral: 4 }), auto, 3, 0)).toBe(true);
  });
  it('stops anything in a run that already succeeded', () => {
    expect(isNewerThan(job({ status: 'SUCCEEDED' }), auto, 9)).toBe(false);
  });
  it('lets a newer run (a reprocess) through, whatever the status', () => {
    expect(
      isNewerThan(job({ status: 'SUCCEEDED' }), { id: 'r1', startedAt: '2026-11-21T11:00:00Z' }, 1),
    ).toBe(true);
  });
  it('stops an older run arriving after a newer one (a stale retry)', () => {
    const reprocessed = job({
      runId: 'r1',
      runStartedAt: '2026-11-21T11:00:00Z',
      status: 'SUCCEEDED',
      attempt: 1,
    });
    expect(isNewerThan(reprocessed, auto, 3)).toBe(false);
  });
});

describe('Function: idempotencyKeyOf', () => {
  const ref = { bucket: 'inbox', key: 'a b+c', versionId: 'v1' };
  it('is stable for one object version and run', () => {
    expect(idempotencyKeyOf(ref, 'auto')).toBe(idempotencyKeyOf({ ...ref }, 'auto'));
  });
  it('differs per run and per version', () => {
    expect(idempotencyKeyOf(ref, 'auto')).not.toBe(idempotencyKeyOf(ref, 'r1'));
    expect(idempotencyKeyOf(ref, 'auto')).not.toBe(idempotencyKeyOf({ ...ref, versionId: 'v2' }, 'auto'));
  });
});

describe('Function: jobIdOf', () => {
  it('names the version by version id, else by ETag without quotes', () => {
    expect(jobIdOf({ bucket: 'b', key: 'k#1', versionId: 'v' })).toBe('b/k#1#v');
    expect(jobIdOf({ bucket: 'b', key: 'k', etag: '"abc"' })).toBe('b/k#etag:abc');
    expect(jobIdOf({ bucket: 'b', key: 'k' })).toBe('b/k#null');
  });
});

describe('Function: isLaterRun', () => {
  it('orders runs by start time, and never a run after itself', () => {
    const reprocess = { id: 'r1', startedAt: '2026-11-21T11:00:00.000Z' };
    expect(isLaterRun(reprocess, auto)).toBe(true);
    expect(isLaterRun(auto, reprocess)).toBe(false);
    expect(isLaterRun(reprocess, { ...reprocess })).toBe(false);
    expect(isLaterRun(runOf(job({ runId: 'r1', runStartedAt: reprocess.startedAt })), auto)).toBe(true);
  });
});
