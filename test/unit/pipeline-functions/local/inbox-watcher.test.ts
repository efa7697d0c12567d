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
  public async send(body: string): Promise<void> {
    this.events.push(JSON.parse(body) as S3ObjectCreatedEvent);
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
