import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InboxWatcher, isIgnoredName } from '../../../../pipeline-functions/local/inbox-watcher.js';
import { RuntimeLog, type LogEntry } from '../../../../pipeline-functions/local/log.js';
import type { S3ObjectCreatedEvent } from '../../../../pipeline-functions/local/s3-event.js';
import { FakeClock } from '../../../support/fakes.js';

class RecordingQueue {
  public readonly events: S3ObjectCreatedEvent[] = [];
  /** Keys whose event the next batch refuses (that event is not queued). */
  public readonly refuse = new Set<string>();
  /** When set, the next batch fails as a whole, after queueing its events (a failed directory flush). */
  public failNextBatch: Error | undefined;
  public async sendBatch(bodies: readonly string[]): Promise<PromiseSettledResult<void>[]> {
    const results = bodies.map((body): PromiseSettledResult<void> => {
      const event = JSON.parse(body) as S3ObjectCreatedEvent;
      if (this.refuse.delete(event.detail.object.key))
        return { status: 'rejected', reason: new Error('disk full') };
      this.events.push(event);
      return { status: 'fulfilled', value: undefined };
    });
    const failure = this.failNextBatch;
    this.failNextBatch = undefined;
    if (failure) throw failure;
    return results;
  }
  public keys(): string[] {
    return this.events.map((e) => e.detail.object.key).sort();
  }
}

describe('Class: InboxWatcher', () => {
  let dir: string;
  let inboxDir: string;
  let queue: RecordingQueue;
  let logged: LogEntry[];
  let clock: FakeClock;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-inbox-'));
    inboxDir = join(dir, 'inbox');
    await mkdir(inboxDir);
    queue = new RecordingQueue();
    logged = [];
    clock = new FakeClock(new Date(Date.now() + 60_000));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const watcher = (stableMs = 1000): InboxWatcher =>
    new InboxWatcher({
      inboxDir,
      ledgerFile: join(dir, 'ledger.jsonl'),
      bucket: 'local-inbox',
      queue,
      // Scans are driven by the test; the timer never fires within it.
      scanIntervalMs: 60_000,
      stableMs,
      log: new RuntimeLog((entry) => logged.push(entry)),
      clock,
    });

  /** A watcher on file events with the real clock; its periodic scan (every 60 s) never comes within a test. */
  const eventWatcher = (stableMs: number, on: RecordingQueue = queue): InboxWatcher =>
    new InboxWatcher({
      inboxDir,
      ledgerFile: join(dir, 'ledger.jsonl'),
      bucket: 'local-inbox',
      queue: on,
      scanIntervalMs: 60_000,
      stableMs,
      fileEvents: true,
      log: new RuntimeLog((entry) => logged.push(entry)),
    });

  /** Waits until `done()`, for `timeoutMs` at most (the assertions then say what is missing). */
  const until = async (done: () => boolean, timeoutMs: number): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  };

  const put = async (key: string, content: string): Promise<void> => {
    const path = join(inboxDir, ...key.split('/'));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
  };

  it('emits one event per complete file with its key, size and MD5 ETag, and ignores partial files', async () => {
    // Prepare
    await put('deep/er/a b+%ü.csv', 'x,y\n');
    await put('empty.txt', '');
    await put('upload.csv.part', 'half');
    await put('.hidden', 'x');
    await put('tmp/report.tmp', 'x');
    const inbox = watcher();
    // Act
    await inbox.start();
    await inbox.stop();
    // Assess
    expect(queue.keys()).toEqual(['deep/er/a b+%ü.csv', 'empty.txt']);
    const event = queue.events.find((e) => e.detail.object.key === 'deep/er/a b+%ü.csv');
    expect(event?.detail.object).toMatchObject({
      size: 4,
      etag: createHash('md5').update('x,y\n').digest('hex'),
    });
  });

  it('waits until a file has stopped changing', async () => {
    // Prepare: a file written "now" by the test clock
    const inbox = watcher(5000);
    await inbox.start();
    await put('growing.csv', 'a');
    const path = join(inboxDir, 'growing.csv');
    const now = clock.now();
    await utimes(path, now, now);
    // Act
    await inbox.scan();
    const whileFresh = queue.events.length;
    clock.advance(5000);
    await inbox.scan();
    await inbox.stop();
    // Assess
    expect(whileFresh).toBe(0);
    expect(queue.keys()).toEqual(['growing.csv']);
  });

  it('with file events, emits a file once it is complete without waiting for the periodic scan', async () => {
    // Prepare
    const inbox = eventWatcher(100);
    await inbox.start();

    // Act: one file written at once, another in two parts
    await put('report.csv', 'a,b\n');
    await put('nested/growing.csv', 'a');
    await put('nested/growing.csv', 'a,b\n');
    await until(() => queue.events.length >= 2, 10_000);
    await inbox.stop();

    // Assess: each emitted once, complete
    expect(queue.keys()).toEqual(['nested/growing.csv', 'report.csv']);
    expect(queue.events.map((e) => e.detail.object.size)).toEqual([4, 4]);
    expect(logged.filter((entry) => entry.level !== 'info')).toEqual([]);
  });

  it('with file events, emits a file written after a slow emission without waiting it out again', async () => {
    // Prepare: the first group takes 2.5 s to queue (a burst on a busy disk); the real clock
    const slow = new (class extends RecordingQueue {
      private first = true;
      public override async sendBatch(bodies: readonly string[]): Promise<PromiseSettledResult<void>[]> {
        if (this.first) await new Promise((r) => setTimeout(r, 2500));
        this.first = false;
        return super.sendBatch(bodies);
      }
    })();
    const inbox = eventWatcher(50, slow);
    await inbox.start();
    await put('burst.csv', 'a\n');
    await until(() => slow.events.length >= 1, 10_000);

    // Act: a file written after the slow emission, and a wait well under 3 × 2.5 s
    await put('after.csv', 'b\n');
    await until(() => slow.events.length >= 2, 5000);
    await inbox.stop();

    // Assess: the scan after the slow one was not spaced by the time spent queueing
    expect(slow.keys()).toEqual(['after.csv', 'burst.csv']);
  });

  it('remembers what it emitted across restarts and finds files that arrived while it was down', async () => {
    // Prepare
    await put('first.txt', '1');
    const before = watcher();
    await before.start();
    await before.stop();
    await put('while-down.txt', '2');
    // Act
    const after = watcher();
    await after.start();
    const pending = await after.pendingCount();
    await after.stop();
    // Assess
    expect(queue.keys()).toEqual(['first.txt', 'while-down.txt']);
    expect(pending).toBe(0);
  });

  it('emits a new version when the content changes, but not for a touch', async () => {
    // Prepare
    await put('a.txt', 'one');
    const inbox = watcher();
    await inbox.start();
    // Act
    const later = new Date(clock.now().getTime() - 2000);
    await utimes(join(inboxDir, 'a.txt'), later, later);
    await inbox.scan();
    const afterTouch = queue.events.length;
    await put('a.txt', 'two');
    await inbox.scan();
    await inbox.stop();
    // Assess
    expect(afterTouch).toBe(1);
    expect(queue.events.map((e) => e.detail.object.etag)).toEqual([
      createHash('md5').update('one').digest('hex'),
      createHash('md5').update('two').digest('hex'),
    ]);
  });

  it('forgets a deleted file, so writing it again is a new object', async () => {
    // Prepare
    await put('a.txt', 'same');
    const inbox = watcher();
    await inbox.start();
    // Act
    await rm(join(inboxDir, 'a.txt'));
    await inbox.scan();
    await put('a.txt', 'same');
    await inbox.scan();
    await inbox.stop();
    // Assess
    expect(queue.keys()).toEqual(['a.txt', 'a.txt']);
  });

  it('emits a backlog larger than a group once per file, and records all of it', async () => {
    // Prepare: more files than one group commit holds
    const keys = Array.from({ length: 150 }, (_, i) => `backlog/f-${String(i).padStart(3, '0')}.txt`);
    for (const key of keys) await put(key, `content of ${key}`);
    const first = watcher();
    // Act
    await first.start();
    await first.stop();
    const restarted = watcher();
    await restarted.start();
    const pending = await restarted.pendingCount();
    await restarted.stop();
    // Assess
    expect(queue.keys()).toEqual(keys);
    expect(pending).toBe(0);
  });

  it('records a file only once its event is queued: one the queue refused is emitted at the next scan', async () => {
    // Prepare
    await put('a.txt', 'a');
    await put('b.txt', 'b');
    await put('c.txt', 'c');
    queue.refuse.add('b.txt');
    const inbox = watcher();
    await inbox.start();
    const afterStart = queue.keys();
    // Act
    await inbox.scan();
    await inbox.stop();
    // Assess
    expect(afterStart).toEqual(['a.txt', 'c.txt']);
    expect(queue.keys()).toEqual(['a.txt', 'b.txt', 'c.txt']);
    expect(logged.filter((e) => e.level === 'error').map((e) => e.message)).toEqual([
      expect.stringMatching(/^could not emit b\.txt: .*disk full/),
    ]);
  });

  it('repeats rather than loses: a batch that failed as a whole is emitted again, also after a restart', async () => {
    // Prepare: the events get queued, then the batch fails (as a failed directory flush would)
    await put('a.txt', 'a');
    await put('b.txt', 'b');
    queue.failNextBatch = new Error('fsync failed');
    const crashed = watcher();
    await crashed.start();
    await crashed.stop();
    // Act
    const restarted = watcher();
    await restarted.start();
    const pending = await restarted.pendingCount();
    await restarted.stop();
    // Assess: each event twice (the pipeline dedupes the repeat), none missing
    expect(queue.keys()).toEqual(['a.txt', 'a.txt', 'b.txt', 'b.txt']);
    expect(pending).toBe(0);
  });

  it('counts files not yet emitted as pending', async () => {
    // Prepare
    const inbox = watcher(60_000);
    await inbox.start();
    await put('fresh.txt', 'x');
    const now = clock.now();
    await utimes(join(inboxDir, 'fresh.txt'), now, now);
    // Act
    await inbox.scan();
    const pending = await inbox.pendingCount();
    await inbox.stop();
    // Assess
    expect(pending).toBe(1);
    expect(queue.events).toEqual([]);
  });
});

describe('Function: isIgnoredName', () => {
  it('ignores dotfiles and in-progress suffixes', () => {
    // Act & Assess
    expect(['.x', 'a.tmp', 'a.PART', 'a.crdownload', 'a~', 'a.swp'].every(isIgnoredName)).toBe(true);
    expect(['a.csv', 'a.tmp.csv', 'part'].some(isIgnoredName)).toBe(false);
  });
});
