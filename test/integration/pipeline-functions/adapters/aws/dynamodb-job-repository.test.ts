import { describe, expect, it } from '@jest/globals';
import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbJobRepository } from '../../../../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { InvalidCursorError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import {
  jobIdOf,
  type JobStatus,
  type ObjectRef,
  type Run,
} from '../../../../../pipeline-functions/core/model.js';
import type { Clock, JobUpdate } from '../../../../../pipeline-functions/core/ports.js';
import { ensureJobsTable } from '../../../../../pipeline-functions/local/dynamo-store.js';
import { dynaliteClient } from '../../../../support/dynalite.js';
import { dynaliteForSuite } from '../../../../support/dynalite-suite.js';

/** A clock the test moves by hand, so `updatedAt` (the index's sort key) is known. */
class ManualClock implements Clock {
  private current = new Date('2026-03-01T00:00:00.000Z');
  public now(): Date {
    return new Date(this.current);
  }
  public tick(seconds = 1): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

const AUTO: Run = { id: 'auto', startedAt: '2026-03-01T00:00:00Z' };

function update(
  object: ObjectRef,
  run: Run,
  attempt: number,
  status: JobStatus,
  httpStatus?: number,
  at = '2026-03-01T00:00:00Z',
): JobUpdate {
  return {
    object,
    run,
    attempt,
    status,
    idempotencyKey: `idem-${run.id}`,
    historyLimit: 20,
    entry: {
      at,
      runId: run.id,
      attempt,
      origin: attempt === 1 ? 's3-event' : 'retry',
      outcome: status === 'SUCCEEDED' ? 'delivered' : 'retryable',
      ...(httpStatus ? { httpStatus } : {}),
      ...(status === 'SUCCEEDED' ? {} : { error: `HTTP ${httpStatus ?? 503}` }),
    },
  };
}

let tableCount = 0;

describe('Class: DynamoDbJobRepository', () => {
  const db = dynaliteForSuite();

  /** A fresh table per test, so counts and pages are exact. */
  async function freshRepository(clock = new ManualClock()) {
    const tableName = `jobs-${++tableCount}`;
    // Waits for ACTIVE: dynalite answers ResourceNotFound until its zero-delay timer has run.
    await ensureJobsTable(db.client, tableName);
    return {
      repository: new DynamoDbJobRepository(db.client, { tableName, clock, retentionDays: 2 }),
      clock,
      tableName,
    };
  }

  describe('record', () => {
    it('indexes a job only while it needs attention: a success removes its index entry (a sparse index)', async () => {
      // Prepare
      const { repository, tableName } = await freshRepository();
      const object = { bucket: 'inbox', key: 'sparse.txt', versionId: 'v1' };
      const key = { pk: { S: 'inbox/sparse.txt' }, sk: { S: 'v1' } };
      const attentionOf = async (): Promise<unknown> =>
        (await db.client.send(new GetItemCommand({ TableName: tableName, Key: key }))).Item?.['attention'];

      // Act
      await repository.record(update(object, AUTO, 1, 'RETRYING', 503));
      const retrying = await attentionOf();
      const listedRetrying = await repository.listByStatus({ status: 'RETRYING' });
      await repository.record(update(object, AUTO, 2, 'SUCCEEDED', 200));
      const succeeded = await attentionOf();
      const listedAfter = await repository.listByStatus({ status: 'RETRYING' });
      const job = await repository.get(jobIdOf(object));

      // Assess
      expect(retrying).toEqual({ S: 'RETRYING' });
      expect(listedRetrying.items.map((j) => j.key)).toEqual(['sparse.txt']);
      expect(succeeded).toBeUndefined();
      expect(listedAfter.items).toEqual([]);
      expect(job).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      expect(job).not.toHaveProperty('attention');
    });

    it('stores the history as one compressed Binary and reads back the same attempts, and a history stored as a list', async () => {
      // Prepare
      const { repository, tableName: TableName } = await freshRepository();
      const object = { bucket: 'inbox', key: 'log/a b+%.json', versionId: 'v1' };
      const first = update(object, AUTO, 1, 'RETRYING', 503);
      const second = update(object, AUTO, 2, 'SUCCEEDED', 200, '2026-03-01T00:01:00Z');
      const Key = { pk: { S: `inbox/${object.key}` }, sk: { S: 'v1' } };

      // Act
      await repository.record(first);
      await repository.record(second);
      const { Item } = await db.client.send(new GetItemCommand({ TableName, Key }));
      const job = await repository.get(jobIdOf(object));
      // An item written before the history was compressed holds it as a list of maps.
      await db.client.send(
        new UpdateItemCommand({
          TableName,
          Key,
          UpdateExpression: 'SET #h = :h',
          ExpressionAttributeNames: { '#h': 'history' },
          ExpressionAttributeValues: {
            ':h': {
              L: [{ M: { at: { S: '2026-03-01T00:00:00Z' }, runId: { S: 'auto' }, attempt: { N: '1' } } }],
            },
          },
        }),
      );
      const legacy = await repository.get(jobIdOf(object));

      // Assess
      expect(Item?.['history']?.B).toBeInstanceOf(Uint8Array);
      expect(job?.history).toEqual([first, second].map((u) => ('entry' in u ? u.entry : undefined)));
      expect(legacy?.history).toEqual([{ at: '2026-03-01T00:00:00Z', runId: 'auto', attempt: 1 }]);
    });

    it('keeps the S3 sequencer of the version, also through a later run that cannot name it', async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'a.txt', versionId: 'v1', sequencer: '0055AED6DCD90281E5' };
      const backfill: Run = { id: 'backfill-1', startedAt: '2026-03-02T00:00:00Z' };
      const { sequencer: _, ...unordered } = object;

      // Act
      const first = await repository.record(update(object, AUTO, 1, 'RETRYING', 503));
      const later = await repository.record(update(unordered, backfill, 1, 'SUCCEEDED', 200));

      // Assess
      expect(first).toMatchObject({ sequencer: '0055AED6DCD90281E5' });
      expect(later).toMatchObject({ runId: 'backfill-1', sequencer: '0055AED6DCD90281E5' });
    });

    it('creates a job on the first attempt and reads it back consistently', async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'a.txt', versionId: 'v1', etag: 'e1', size: 3 };

      // Act
      const recorded = await repository.record(update(object, AUTO, 1, 'RETRYING', 503));
      const read = await repository.get(jobIdOf(object));

      // Assess
      expect(recorded).toMatchObject({
        jobId: 'inbox/a.txt#v1',
        bucket: 'inbox',
        key: 'a.txt',
        versionId: 'v1',
        status: 'RETRYING',
        attempt: 1,
        attempts: 1,
        lastHttpStatus: 503,
        lastError: 'HTTP 503',
        createdAt: '2026-03-01T00:00:00.000Z',
        updatedAt: '2026-03-01T00:00:00.000Z',
      });
      expect(recorded?.history).toHaveLength(1);
      expect(read).toEqual(recorded);
      expect(read).not.toHaveProperty('ttl');
      expect(read).not.toHaveProperty('pk');
    });

    it('records a newer attempt, appends history, keeps createdAt and clears the old error', async () => {
      // Prepare
      const { repository, clock } = await freshRepository();
      const object = { bucket: 'inbox', key: 'b.txt', etag: '"e2"' };
      await repository.record(update(object, AUTO, 1, 'RETRYING', 503));
      clock.tick(60);

      // Act
      const job = await repository.record(update(object, AUTO, 2, 'SUCCEEDED', 200));

      // Assess
      expect(job).toMatchObject({
        jobId: 'inbox/b.txt#etag:e2',
        status: 'SUCCEEDED',
        attempt: 2,
        attempts: 2,
        lastHttpStatus: 200,
        createdAt: '2026-03-01T00:00:00.000Z',
        updatedAt: '2026-03-01T00:01:00.000Z',
      });
      expect(job?.history.map((a) => a.attempt)).toEqual([1, 2]);
      expect(job).not.toHaveProperty('lastError');
    });

    it('ignores a stale duplicate of an attempt already recorded', async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'c.txt', versionId: 'v1' };
      await repository.record(update(object, AUTO, 2, 'RETRYING'));

      // Act
      const same = await repository.record(update(object, AUTO, 2, 'RETRYING'));
      const older = await repository.record(update(object, AUTO, 1, 'SUCCEEDED'));

      // Assess
      expect(same).toBeUndefined();
      expect(older).toBeUndefined();
      expect(await repository.get(jobIdOf(object))).toMatchObject({
        attempt: 2,
        attempts: 1,
        status: 'RETRYING',
      });
    });

    it('keeps a success final within its run', async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'd.txt', versionId: 'v1' };
      await repository.record(update(object, AUTO, 1, 'SUCCEEDED', 200));

      // Act
      const later = await repository.record(update(object, AUTO, 2, 'RETRYING', 503));

      // Assess
      expect(later).toBeUndefined();
      expect(await repository.get(jobIdOf(object))).toMatchObject({ status: 'SUCCEEDED', attempt: 1 });
    });

    it('lets a newer run (reprocess) supersede, and never lets the old run overwrite it', async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'e.txt', versionId: 'v1' };
      const reprocess: Run = { id: 'r-1', startedAt: '2026-03-02T00:00:00Z' };
      await repository.record(update(object, AUTO, 1, 'SUCCEEDED', 200));

      // Act
      const newRun = await repository.record(update(object, reprocess, 1, 'RETRYING', 503));
      const oldRun = await repository.record(update(object, AUTO, 3, 'FAILED', 500));

      // Assess
      expect(newRun).toMatchObject({ runId: 'r-1', attempt: 1, attempts: 2, status: 'RETRYING' });
      expect(oldRun).toBeUndefined();
      expect(await repository.get(jobIdOf(object))).toMatchObject({ runId: 'r-1', status: 'RETRYING' });
    });

    it('keeps the newest 20 of 30 attempts with totals of all, in one conditional write each, and stale messages change nothing', async () => {
      // Prepare: three runs (the S3 event's and two reprocesses) of ten attempts each
      const { repository, clock } = await freshRepository();
      const object = { bucket: 'inbox', key: 'busy.csv', versionId: 'v1' };
      const runs: Run[] = [
        AUTO,
        { id: 'r-1', startedAt: '2026-03-02T00:00:00.000Z' },
        { id: 'r-2', startedAt: '2026-03-03T00:00:00.000Z' },
      ];
      const times: string[] = [];

      // Act
      for (const run of runs) {
        for (let attempt = 1; attempt <= 10; attempt++) {
          clock.tick(60);
          const at = clock.now().toISOString();
          times.push(at);
          await repository.record(update(object, run, attempt, 'RETRYING', 503, at));
        }
      }
      const recorded = await repository.get(jobIdOf(object));
      const stale = [
        await repository.record(update(object, runs[1]!, 11, 'SUCCEEDED', 200, clock.now().toISOString())),
        await repository.record(update(object, runs[2]!, 10, 'SUCCEEDED', 200, clock.now().toISOString())),
      ];
      const after = await repository.get(jobIdOf(object));

      // Assess
      expect(recorded).toMatchObject({
        runId: 'r-2',
        attempt: 10,
        attempts: 30,
        runs: 3,
        firstAttemptAt: times[0],
        lastAttemptAt: times[29],
      });
      expect(recorded?.history).toHaveLength(20);
      expect(recorded?.history.map((a) => a.at)).toEqual(times.slice(10));
      expect(recorded?.history[0]).toMatchObject({ runId: 'r-1', attempt: 1 });
      expect(stale).toEqual([undefined, undefined]);
      expect(after).toEqual(recorded);
    });

    it.each([
      ['spaces', 'dir with spaces/a b.txt'],
      ['plus and percent', 'a+b%20c%2Fd.txt'],
      ['hashes', 'x#y#z.txt'],
      ['unicode', 'ünïcödé/文件/😀.csv'],
      ['1,024 bytes', `k/${'é'.repeat(511)}`],
    ])('keeps keys with %s exact, through get, listByKey and the status index', async (_, key) => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key, etag: 'abc' };

      // Act
      await repository.record(update(object, AUTO, 1, 'FAILED', 400));
      const byId = await repository.get(jobIdOf(object));
      const byKey = await repository.listByKey('inbox', key);
      const byStatus = await repository.listByStatus({ status: 'FAILED' });

      // Assess
      expect(byId).toMatchObject({ jobId: jobIdOf(object), key });
      expect(byKey.map((j) => j.key)).toEqual([key]);
      expect(byStatus.items.map((j) => j.jobId)).toEqual([jobIdOf(object)]);
    });

    it("uses a key fixture at S3's 1,024-byte limit", () => {
      // Assess
      expect(Buffer.byteLength(`k/${'é'.repeat(511)}`)).toBe(1024);
    });

    it('records deferrals without spending attempts, in their place in the run, and refuses a stale one', async () => {
      // Prepare: attempt 1 failed; attempt 2 is then deferred twice before it is made
      const { repository, clock } = await freshRepository();
      const object = { bucket: 'inbox', key: 'deferred.txt', etag: 'e1' };
      const deferral = (n: number, note: string): JobUpdate => ({
        object,
        run: AUTO,
        attempt: 2,
        ...(n > 0 ? { deferral: n } : {}),
        status: 'RETRYING',
        idempotencyKey: 'idem-auto',
        nextAttemptAt: '2026-03-01T00:10:00.000Z',
        historyLimit: 20,
        deferred: { at: '2026-03-01T00:01:00Z', note },
      });
      await repository.record(update(object, AUTO, 1, 'RETRYING', 503));

      // Act
      clock.tick();
      const first = await repository.record(deferral(0, 'deferred: rate limit'));
      clock.tick();
      const second = await repository.record(deferral(1, 'deferred: circuit open (HTTP 503)'));
      const stale = await repository.record(deferral(0, 'deferred: hold'));
      clock.tick();
      const made = await repository.record({ ...update(object, AUTO, 2, 'SUCCEEDED', 200), deferral: 2 });

      // Assess
      expect(first).toMatchObject({
        status: 'RETRYING',
        attempt: 2,
        attempts: 1,
        note: 'deferred: rate limit',
      });
      expect(first?.history).toHaveLength(1);
      expect(second).toMatchObject({
        attempts: 1,
        deferral: 1,
        note: 'deferred: circuit open (HTTP 503)',
        lastError: 'HTTP 503',
      });
      expect(stale).toBeUndefined();
      expect(made).toMatchObject({
        status: 'SUCCEEDED',
        attempt: 2,
        attempts: 2,
        deferral: 2,
        lastHttpStatus: 200,
      });
      expect(made).not.toHaveProperty('note');
      expect(made?.history.map((a) => a.attempt)).toEqual([1, 2]);
    });

    it('creates a job from a deferral with no attempts yet', async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'held.txt', etag: 'e1' };

      // Act
      const held = await repository.record({
        object,
        run: AUTO,
        attempt: 1,
        status: 'RETRYING',
        idempotencyKey: 'idem-auto',
        historyLimit: 20,
        deferred: { at: '2026-03-01T00:00:00Z', note: 'deferred: hold' },
      });

      // Assess
      expect(held).toMatchObject({
        status: 'RETRYING',
        attempt: 1,
        attempts: 0,
        history: [],
        note: 'deferred: hold',
      });
    });
  });

  describe('recordAll', () => {
    it("records two updates of one job in one batch in order, the second from the first one's write, and refuses a duplicate", async () => {
      // Prepare
      const { repository } = await freshRepository();
      const object = { bucket: 'inbox', key: 'twice.txt', versionId: 'v1' };
      const other = { bucket: 'inbox', key: 'other.txt', versionId: 'v1' };

      // Act
      const results = await repository.recordAll([
        update(object, AUTO, 1, 'RETRYING', 503),
        update(other, AUTO, 1, 'SUCCEEDED', 200),
        update(object, AUTO, 2, 'SUCCEEDED', 200, '2026-03-01T00:01:00Z'),
        update(object, AUTO, 2, 'SUCCEEDED', 200, '2026-03-01T00:01:00Z'),
      ]);

      // Assess
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      const values = results.map((r) => (r.status === 'fulfilled' ? r.value : r.reason));
      expect(values[0]).toMatchObject({ status: 'RETRYING', attempts: 1 });
      expect(values[1]).toMatchObject({ key: 'other.txt', status: 'SUCCEEDED', attempts: 1 });
      expect(values[2]).toMatchObject({ status: 'SUCCEEDED', attempts: 2 });
      expect(values[3]).toBeUndefined();
      const job = await repository.get(jobIdOf(object));
      expect(job).toMatchObject({ status: 'SUCCEEDED', attempt: 2, attempts: 2 });
      expect(job?.history.map((a) => a.attempt)).toEqual([1, 2]);
    });

    it('writes from a stale batch read only through a failed condition and a strong read: newer state wins, an older update changes nothing', async () => {
      // Prepare: a client whose batch read is overtaken by another writer before its writes.
      const { repository: writer, tableName } = await freshRepository();
      const a = { bucket: 'inbox', key: 'raced-a.txt', versionId: 'v1' };
      const b = { bucket: 'inbox', key: 'raced-b.txt', versionId: 'v1' };
      await writer.record(update(a, AUTO, 1, 'RETRYING', 503));
      await writer.record(update(b, AUTO, 1, 'RETRYING', 503));
      const racing = dynaliteClient(db.endpoint);
      let raced = false;
      racing.middlewareStack.add(
        (next) => async (args) => {
          const output = await next(args);
          if (
            !raced &&
            typeof args.input === 'object' &&
            args.input !== null &&
            'RequestItems' in args.input
          ) {
            raced = true;
            await writer.record(update(a, AUTO, 2, 'RETRYING', 503));
            await writer.record(update(b, AUTO, 3, 'RETRYING', 503));
          }
          return output;
        },
        { step: 'initialize', name: 'overtakeTheBatchRead' },
      );
      const repository = new DynamoDbJobRepository(racing, { tableName, clock: new ManualClock() });

      // Act: a's attempt 3 is newer than what the store now holds; b's attempt 2 is older.
      const results = await repository.recordAll([
        update(a, AUTO, 3, 'SUCCEEDED', 200),
        update(b, AUTO, 2, 'SUCCEEDED', 200),
      ]);
      racing.destroy();

      // Assess
      expect(raced).toBe(true);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(results[0]).toMatchObject({ value: { status: 'SUCCEEDED', attempts: 3 } });
      expect(results[1]).toEqual({ status: 'fulfilled', value: undefined });
      expect((await writer.get(jobIdOf(a)))?.history.map((h) => h.attempt)).toEqual([1, 2, 3]);
      expect(await writer.get(jobIdOf(b))).toMatchObject({ status: 'RETRYING', attempt: 3, attempts: 2 });
    });
  });

  describe('queries', () => {
    it('lists one status newest first, pages across more than two pages, and honours since', async () => {
      // Prepare
      const { repository, clock } = await freshRepository();
      for (let i = 0; i < 7; i++) {
        clock.tick(60);
        await repository.record(
          update({ bucket: 'inbox', key: `f-${i}.txt`, versionId: 'v1' }, AUTO, 1, 'FAILED'),
        );
      }
      await repository.record(
        update({ bucket: 'inbox', key: 'ok.txt', versionId: 'v1' }, AUTO, 1, 'SUCCEEDED'),
      );

      // Act
      const pages: string[][] = [];
      let cursor: string | undefined;
      do {
        const page = await repository.listByStatus({
          status: 'FAILED',
          limit: 3,
          ...(cursor ? { cursor } : {}),
        });
        pages.push(page.items.map((j) => j.key));
        cursor = page.cursor;
      } while (cursor);
      const recent = await repository.listByStatus({ status: 'FAILED', since: '2026-03-01T00:05:00.000Z' });

      // Assess
      expect(pages.slice(0, 3)).toEqual([
        ['f-6.txt', 'f-5.txt', 'f-4.txt'],
        ['f-3.txt', 'f-2.txt', 'f-1.txt'],
        ['f-0.txt'],
      ]);
      expect(pages.flat()).toHaveLength(7);
      expect(recent.items.map((j) => j.key)).toEqual(['f-6.txt', 'f-5.txt', 'f-4.txt']);
      expect(recent.cursor).toBeUndefined();
    });

    it('finds jobs by their last HTTP status within a status and a time window (a filtered Query, no scan)', async () => {
      // Prepare: FAILED jobs that ended on a 400, a 404, a 503 (after retries) and none (bad input)
      const { repository, clock } = await freshRepository();
      const answers: [string, number | undefined][] = [
        ['old-404.txt', 404],
        ['a-400.txt', 400],
        ['b-503.txt', 503],
        ['c-none.txt', undefined],
        ['d-404.txt', 404],
      ];
      for (const [key, httpStatus] of answers) {
        clock.tick(600);
        await repository.record(
          update({ bucket: 'inbox', key, versionId: 'v1' }, AUTO, 1, 'FAILED', httpStatus),
        );
      }

      // Act: pages of 2 items read, so the filter leaves some pages short of matches
      const fourXx: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await repository.listByStatus({
          status: 'FAILED',
          since: '2026-03-01T00:15:00.000Z',
          lastHttpStatus: [{ from: 400, to: 499 }],
          limit: 2,
          ...(cursor ? { cursor } : {}),
        });
        fourXx.push(...page.items.map((j) => j.key));
        cursor = page.cursor;
      } while (cursor);
      const exact = await repository.listByStatus({
        status: 'FAILED',
        lastHttpStatus: [
          { from: 503, to: 503 },
          { from: 400, to: 400 },
        ],
      });

      // Assess
      expect(fourXx).toEqual(['d-404.txt', 'a-400.txt']);
      expect(exact.items.map((j) => j.key)).toEqual(['b-503.txt', 'a-400.txt']);
    });

    it('counts one status, with and without since', async () => {
      // Prepare
      const { repository, clock } = await freshRepository();
      for (let i = 0; i < 5; i++) {
        clock.tick(60);
        await repository.record(
          update({ bucket: 'inbox', key: `s-${i}`, versionId: 'v1' }, AUTO, 1, 'SKIPPED'),
        );
      }
      await repository.record(update({ bucket: 'inbox', key: 'r', versionId: 'v1' }, AUTO, 1, 'RETRYING'));

      // Act
      const all = await repository.countByStatus('SKIPPED');
      const since = await repository.countByStatus('SKIPPED', '2026-03-01T00:04:00.000Z');
      const none = await repository.countByStatus('FAILED');

      // Assess
      expect(all).toBe(5);
      expect(since).toBe(2);
      expect(none).toBe(0);
    });

    it('lists every version of one key, and no other key', async () => {
      // Prepare
      const { repository, clock } = await freshRepository();
      await repository.record(
        update({ bucket: 'inbox', key: 'same', versionId: 'v1' }, AUTO, 1, 'SUCCEEDED'),
      );
      clock.tick(5);
      await repository.record(update({ bucket: 'inbox', key: 'same', versionId: 'v2' }, AUTO, 1, 'FAILED'));
      await repository.record(
        update({ bucket: 'inbox', key: 'same-but-longer', versionId: 'v1' }, AUTO, 1, 'FAILED'),
      );

      // Act
      const jobs = await repository.listByKey('inbox', 'same');

      // Assess
      expect(jobs.map((j) => j.jobId)).toEqual(['inbox/same#v2', 'inbox/same#v1']);
    });

    it('returns undefined for a job that does not exist', async () => {
      // Prepare
      const { repository } = await freshRepository();

      // Act
      const job = await repository.get('inbox/missing#v1');

      // Assess
      expect(job).toBeUndefined();
    });

    it('rejects a cursor it did not hand out', async () => {
      // Prepare
      const { repository } = await freshRepository();

      // Act
      const listing = repository.listByStatus({ status: 'FAILED', cursor: 'not-a-cursor' });

      // Assess
      await expect(listing).rejects.toBeInstanceOf(InvalidCursorError);
    });
  });
});
