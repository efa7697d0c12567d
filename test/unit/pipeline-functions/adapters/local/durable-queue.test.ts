import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableQueue } from '../../../../../pipeline-functions/adapters/local/durable-queue.js';
import { FakeClock } from '../../../../support/fakes.js';

describe('Class: DurableQueue', () => {
  let dir: string;
  let clock: FakeClock;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-queue-'));
    clock = new FakeClock();
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const queueAt = (sub = 'source'): DurableQueue =>
    new DurableQueue({ dir: join(dir, sub), clock, durable: false });

  it('hands out each visible message once, oldest first', async () => {
    // Prepare
    const queue = queueAt();
    await queue.open();
    await queue.send('a');
    clock.advance(1);
    await queue.send('b');
    // Act
    const first = queue.take(1);
    const second = queue.take(10);
    const third = queue.take(10);
    // Assess
    expect(first.map((m) => m.body)).toEqual(['a']);
    expect(second.map((m) => m.body)).toEqual(['b']);
    expect(third).toEqual([]);
  });

  it('persists the receive: after a restart the message comes back only after its visibility timeout', async () => {
    // Prepare
    const queue = queueAt();
    await queue.open();
    await queue.send('work');
    const [message] = queue.take(1);
    await queue.receive([message!], 30_000);
    // Act: a new consumer, as after a crash
    const restarted = queueAt();
    await restarted.open();
    const early = restarted.take(1);
    clock.advance(30_000);
    const late = restarted.take(1);
    // Assess
    expect(early).toEqual([]);
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ body: 'work', receiveCount: 1 });
  });

  it('makes a released message visible again at its persisted time, and forgets a deleted one', async () => {
    // Prepare
    const queue = queueAt();
    await queue.open();
    await queue.send('retry me');
    await queue.send('done');
    const taken = queue.take(2);
    await queue.receive(taken, 1000);
    // Act
    queue.release(taken[0]!.messageId);
    await queue.delete(taken[1]!.messageId);
    clock.advance(1000);
    // Assess
    expect(queue.take(10).map((m) => m.body)).toEqual(['retry me']);
    expect(await queue.list()).toHaveLength(1);
  });

  it('sends a batch: one result per body in order, each message on disk for a consumer after a restart', async () => {
    // Prepare: durable, so the batch ends with the directory flush
    const queue = new DurableQueue({ dir: join(dir, 'source'), clock });
    await queue.open();
    let woken = 0;
    queue.onChange(() => woken++);
    const bodies = Array.from({ length: 20 }, (_, i) => `event ${i}`);
    // Act
    const results = await queue.sendBatch(bodies);
    const restarted = new DurableQueue({ dir: join(dir, 'source'), clock });
    await restarted.open();
    // Assess
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value.body : r.status))).toEqual(bodies);
    expect(woken).toBeGreaterThan(0);
    expect(
      queue
        .take(100)
        .map((m) => m.body)
        .sort(),
    ).toEqual([...bodies].sort());
    expect(
      restarted
        .take(100)
        .map((m) => m.body)
        .sort(),
    ).toEqual([...bodies].sort());
    expect(await queue.sendBatch([])).toEqual([]);
  });

  it('deletes a message whose file is already gone without failing', async () => {
    // Prepare
    const queue = queueAt();
    await queue.open();
    const message = await queue.send('twice');
    await queue.delete(message.messageId);
    // Act
    const again = queue.delete(message.messageId);
    // Assess
    await expect(again).resolves.toBeUndefined();
    expect(await queue.list()).toEqual([]);
  });

  it('picks up messages another process sent when refreshed', async () => {
    // Prepare
    const consumer = queueAt();
    await consumer.open();
    const producer = queueAt();
    let woken = 0;
    consumer.onChange(() => woken++);
    // Act
    await producer.send('from the CLI');
    const before = consumer.take(1);
    const found = await consumer.refresh();
    // Assess
    expect(before).toEqual([]);
    expect(found).toBe(1);
    expect(woken).toBe(1);
    expect(consumer.take(1).map((m) => m.body)).toEqual(['from the CLI']);
  });

  it('moves a message to another queue, keeping its receive count and saying why', async () => {
    // Prepare
    const source = queueAt('source');
    const deadLetters = queueAt('dead');
    await source.open();
    await source.send('poison');
    const taken = source.take(1);
    const [received] = await source.receive(taken, 0);
    // Act
    await source.moveTo(deadLetters, received!, 'received 5 times');
    // Assess
    expect(await source.list()).toEqual([]);
    expect(await deadLetters.list()).toEqual([
      expect.objectContaining({ body: 'poison', receiveCount: 1, deadLetterReason: 'received 5 times' }),
    ]);
  });

  it('counts visible, in-flight and delayed messages from disk', async () => {
    // Prepare
    const queue = queueAt();
    await queue.open();
    await queue.send('visible');
    await queue.send('delayed', { delaySeconds: 60 });
    await queue.send('in flight');
    const taken = queue.take(10).filter((m) => m.body === 'in flight');
    await queue.receive(taken, 60_000);
    queue.release(taken[0]!.messageId);
    clock.advance(2000);
    // Act
    const stats = await queueAt().stats();
    // Assess
    expect(stats).toEqual({ visible: 1, inFlight: 1, delayed: 1, oldestAgeSeconds: 2 });
  });

  it('skips and reports a message file it cannot read', async () => {
    // Prepare
    const bad: string[] = [];
    const queue = new DurableQueue({ dir, clock, onBadFile: (file) => bad.push(file) });
    await writeFile(join(dir, '000000000000001-x.json'), 'not json');
    // Act
    await queue.open();
    // Assess
    expect(bad).toEqual([join(dir, '000000000000001-x.json')]);
    expect(queue.size).toBe(0);
    expect(await readdir(dir)).toContain('000000000000001-x.json');
  });

  it('skips and reports a file whose fields are not a message, even an optional one', async () => {
    // Prepare
    const bad: string[] = [];
    const queue = new DurableQueue({ dir, clock, onBadFile: (file) => bad.push(file) });
    const file = join(dir, '000000000000001-x.json');
    const message = {
      messageId: 'x',
      body: 'a',
      sentAt: '2026-11-21T12:00:00.000Z',
      receiveCount: 1,
      visibleAt: 0,
    };
    await writeFile(file, JSON.stringify({ ...message, firstReceivedAt: 'yesterday' }));
    // Act
    await queue.open();
    // Assess
    expect(bad).toEqual([file]);
    expect(queue.size).toBe(0);
  });
});
