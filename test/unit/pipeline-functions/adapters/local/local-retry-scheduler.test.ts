import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStoreError } from '../../../../../pipeline-functions/adapters/local/errors.js';
import {
  LocalRetryScheduler,
  scheduleNameOf,
  type ScheduledRetry,
} from '../../../../../pipeline-functions/adapters/local/local-retry-scheduler.js';
import type { B2aEnvelope } from '../../../../../pipeline-functions/core/messages.js';

const envelope = (attempt: number): B2aEnvelope => ({
  b2a: 1,
  kind: 'retry',
  object: { bucket: 'local-inbox', key: 'a b.csv', etag: 'e1' },
  run: { id: 'auto', startedAt: '2026-11-21T12:00:00.000Z' },
  attempt,
  sentAt: '2026-11-21T12:00:00.000Z',
});

/** A queue that records what it was sent. */
class RecordingQueue {
  public readonly bodies: string[] = [];
  public async send(body: string): Promise<void> {
    this.bodies.push(body);
  }
}

const until = async (condition: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe('Class: LocalRetryScheduler', () => {
  let dir: string;
  let queue: RecordingQueue;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-retries-'));
    queue = new RecordingQueue();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps one schedule per job, run and attempt', async () => {
    // Prepare
    const scheduler = new LocalRetryScheduler({ dir, queue, durable: false });
    const at = new Date(Date.now() + 60_000);
    // Act
    await scheduler.schedule(envelope(2), at);
    await scheduler.schedule(envelope(2), at);
    await scheduler.schedule(envelope(3), at);
    // Assess
    expect((await readdir(dir)).sort()).toEqual(
      [`${scheduleNameOf(envelope(2))}.json`, `${scheduleNameOf(envelope(3))}.json`].sort(),
    );
  });

  it('sends a retry that fell due while it was stopped as soon as it starts, then forgets it', async () => {
    // Prepare: scheduled by a runtime that then stopped
    await new LocalRetryScheduler({ dir, queue, durable: false }).schedule(
      envelope(2),
      new Date(Date.now() - 1),
    );
    const fired: ScheduledRetry[] = [];
    const restarted = new LocalRetryScheduler({ dir, queue, durable: false, onFired: (r) => fired.push(r) });
    // Act
    await restarted.start();
    await until(() => fired.length > 0);
    await restarted.stop();
    // Assess
    expect(queue.bodies.map((b) => JSON.parse(b) as B2aEnvelope)).toEqual([envelope(2)]);
    expect(await readdir(dir)).toEqual([]);
    expect(restarted.size).toBe(0);
  });

  it('scales delays by timeScale', async () => {
    // Prepare
    const scheduler = new LocalRetryScheduler({ dir, queue, durable: false, timeScale: 0.001 });
    await scheduler.start();
    // Act: a 60 s backoff becomes 60 ms
    await scheduler.schedule(envelope(2), new Date(Date.now() + 60_000));
    await until(() => queue.bodies.length > 0);
    await scheduler.stop();
    // Assess
    expect(queue.bodies).toHaveLength(1);
  });

  it('keeps each deferral of an attempt apart from the retry of that attempt and from the other deferrals', async () => {
    // Prepare
    const scheduler = new LocalRetryScheduler({ dir, queue, durable: false });
    const at = new Date(Date.now() + 60_000);
    const deferral = (n: number): B2aEnvelope => ({
      ...envelope(2),
      kind: 'deferral',
      origin: 'retry',
      deferral: n,
    });
    // Act
    for (const e of [envelope(2), deferral(1), deferral(2), deferral(2)]) await scheduler.schedule(e, at);
    // Assess
    expect(await readdir(dir)).toHaveLength(3);
  });

  it('sends a deferral that fell due while it was stopped whole, with its count and origin', async () => {
    // Prepare: scheduled by a runtime that then stopped
    const deferral: B2aEnvelope = { ...envelope(2), kind: 'deferral', origin: 's3-event', deferral: 3 };
    await new LocalRetryScheduler({ dir, queue, durable: false }).schedule(
      deferral,
      new Date(Date.now() - 1),
    );
    const restarted = new LocalRetryScheduler({ dir, queue, durable: false });
    // Act
    await restarted.start();
    await until(() => queue.bodies.length > 0);
    await restarted.stop();
    // Assess
    expect(queue.bodies.map((b) => JSON.parse(b) as B2aEnvelope)).toEqual([deferral]);
  });

  it('does not scale a deferral: it waits for a real time (the next probe, the end of a hold)', async () => {
    // Prepare
    const scheduler = new LocalRetryScheduler({ dir, queue, durable: false, timeScale: 0.001 });
    await scheduler.start();
    // Act
    await scheduler.schedule(
      { ...envelope(2), kind: 'deferral', origin: 'retry', deferral: 1 },
      new Date(Date.now() + 60_000),
    );
    await scheduler.stop();
    // Assess
    expect(queue.bodies).toEqual([]);
    expect(scheduler.nextDueAt()).toBeGreaterThan(Date.now() + 50_000);
  });

  it('leaves retries that are not due on disk when it stops', async () => {
    // Prepare
    const scheduler = new LocalRetryScheduler({ dir, queue, durable: false });
    await scheduler.start();
    await scheduler.schedule(envelope(2), new Date(Date.now() + 60_000));
    // Act
    await scheduler.stop();
    // Assess
    expect(queue.bodies).toEqual([]);
    expect(await readdir(dir)).toHaveLength(1);
    expect(scheduler.nextDueAt()).toBeGreaterThan(Date.now());
  });

  it('keeps a retry it could not send and reports the error', async () => {
    // Prepare
    const errors: unknown[] = [];
    const failing = { send: async (): Promise<void> => Promise.reject(new Error('disk full')) };
    await new LocalRetryScheduler({ dir, queue, durable: false }).schedule(
      envelope(2),
      new Date(Date.now() - 1),
    );
    const scheduler = new LocalRetryScheduler({
      dir,
      queue: failing,
      durable: false,
      onError: (_r, e) => errors.push(e),
    });
    // Act
    await scheduler.start();
    await until(() => errors.length > 0);
    await scheduler.stop();
    // Assess
    expect(String(errors[0])).toContain('disk full');
    expect(await readdir(dir)).toHaveLength(1);
  });

  it('refuses to start on a file that is not a scheduled retry, rather than fail when it is due', async () => {
    // Prepare
    await writeFile(
      join(dir, 'r.json'),
      JSON.stringify({ name: 'r', dueAt: '2026-11-21T12:00:00.000Z', envelope: null }),
    );
    const scheduler = new LocalRetryScheduler({ dir, queue });
    // Act & Assess
    await expect(scheduler.start()).rejects.toBeInstanceOf(LocalStoreError);
  });
});
