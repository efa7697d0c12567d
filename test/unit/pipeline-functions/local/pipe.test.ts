import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DurableQueue,
  type StoredMessage,
} from '../../../../pipeline-functions/adapters/local/durable-queue.js';
import type { EnrichedItem } from '../../../../pipeline-functions/core/outcome.js';
import type { PipeSqsRecord } from '../../../../pipeline-functions/handlers/enrichment.js';
import type { BatchItemFailures } from '../../../../pipeline-functions/handlers/target.js';
import { RuntimeLog } from '../../../../pipeline-functions/local/log.js';
import {
  LocalPipe,
  type LocalPipeOptions,
  type LocalSqsRecord,
} from '../../../../pipeline-functions/local/pipe.js';

const until = async (condition: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('Class: LocalPipe', () => {
  let dir: string;
  let source: DurableQueue;
  let deadLetter: DurableQueue;
  let batches: LocalSqsRecord[][];
  let failIds: Set<string>;
  let pipe: LocalPipe | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-pipe-'));
    source = new DurableQueue({ dir: join(dir, 'source'), durable: false });
    deadLetter = new DurableQueue({ dir: join(dir, 'dead'), durable: false });
    batches = [];
    failIds = new Set();
    pipe = undefined;
  });

  afterEach(async () => {
    await pipe?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const enrichment = async (records: readonly PipeSqsRecord[]): Promise<EnrichedItem[]> => {
    batches.push(records as LocalSqsRecord[]);
    return records.map((r) => ({
      messageId: r.messageId,
      result: { kind: 'ignored', reason: r.body },
      at: new Date().toISOString(),
    }));
  };
  const target = async (items: readonly EnrichedItem[]): Promise<BatchItemFailures> => ({
    batchItemFailures: items
      .filter((i) => failIds.has(i.messageId))
      .map((i) => ({ itemIdentifier: i.messageId })),
  });

  const startPipe = async (overrides: Partial<LocalPipeOptions> = {}): Promise<LocalPipe> => {
    pipe = new LocalPipe({
      source,
      deadLetter,
      enrichment,
      target,
      batchSize: 10,
      batchWindowMs: 0,
      visibilityTimeoutMs: 100,
      maxReceiveCount: 5,
      concurrentBatches: 1,
      pollIntervalMs: 20,
      log: new RuntimeLog(),
      ...overrides,
    });
    await pipe.start();
    return pipe;
  };

  it('hands batches of at most batch.size SQS records to the enrichment and deletes what succeeded', async () => {
    // Prepare
    for (const body of ['a', 'b', 'c', 'd', 'e']) await source.send(body);
    // Act
    await startPipe({ batchSize: 2 });
    await until(() => batches.flat().length === 5);
    await until(() => source.size === 0);
    // Assess
    expect(batches.every((b) => b.length <= 2)).toBe(true);
    expect(
      batches
        .flat()
        .map((r) => r.body)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(batches[0]?.[0]).toMatchObject({
      eventSource: 'aws:sqs',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
    });
    expect(await source.list()).toEqual([]);
  });

  it('deletes the messages of a batch at once, not one after the other', async () => {
    // Prepare: a queue whose deletes take a while, counting how many run at the same time.
    let deleting = 0;
    let mostAtOnce = 0;
    const slowSource = new (class extends DurableQueue {
      public override async delete(messageId: string): Promise<void> {
        deleting++;
        mostAtOnce = Math.max(mostAtOnce, deleting);
        await new Promise((r) => setTimeout(r, 20));
        await super.delete(messageId);
        deleting--;
      }
    })({ dir: join(dir, 'slow'), durable: false });
    for (const body of ['a', 'b', 'c', 'd', 'e']) await slowSource.send(body);
    // Act
    await startPipe({ source: slowSource, batchSize: 5 });
    await until(() => batches.flat().length === 5);
    await until(() => slowSource.size === 0);
    // Assess
    expect(batches).toHaveLength(1);
    expect(mostAtOnce).toBe(5);
    expect(await slowSource.list()).toEqual([]);
  });

  it('waits for the batch window to fill a batch', async () => {
    // Prepare
    await startPipe({ batchSize: 3, batchWindowMs: 300 });
    // Act
    await source.send('a');
    await new Promise((r) => setTimeout(r, 50));
    await source.send('b');
    await source.send('c');
    await until(() => batches.length > 0);
    // Assess
    expect(batches.map((b) => b.length)).toEqual([3]);
  });

  it('closes the window early once nothing more is on its way, and not before', async () => {
    // Prepare: a window far longer than the test; the inbox is emitting until told otherwise
    let emitting = true;
    await startPipe({ batchSize: 10, batchWindowMs: 60_000, nothingOnTheWay: () => !emitting });
    // Act
    await source.send('a');
    await new Promise((r) => setTimeout(r, 50));
    await source.send('b');
    await new Promise((r) => setTimeout(r, 50));
    const whileEmitting = batches.length;
    emitting = false;
    await until(() => batches.length > 0);
    // Assess
    expect(whileEmitting).toBe(0);
    expect(batches.map((b) => b.map((r) => r.body))).toEqual([['a', 'b']]);
  });

  it('redelivers the items the target reported in batchItemFailures after the visibility timeout', async () => {
    // Prepare
    const first = await source.send('fails once');
    failIds.add(first.messageId);
    await source.send('ok');
    // Act
    await startPipe();
    await until(() => batches.length >= 1);
    failIds.clear();
    await until(() => batches.length >= 2);
    await until(() => source.size === 0);
    // Assess
    expect(batches[1]).toEqual([
      expect.objectContaining({
        messageId: first.messageId,
        attributes: expect.objectContaining({ ApproximateReceiveCount: '2' }),
      }),
    ]);
  });

  it('moves a message received maxReceiveCount times to the dead-letter queue', async () => {
    // Prepare
    const poison = await source.send('poison');
    failIds.add(poison.messageId);
    const dead: StoredMessage[] = [];
    // Act
    await startPipe({ maxReceiveCount: 2, visibilityTimeoutMs: 10, onDeadLetter: (m) => dead.push(m) });
    await until(() => dead.length === 1);
    // Assess
    expect(batches).toHaveLength(2);
    expect(await source.list()).toEqual([]);
    expect(await deadLetter.list()).toEqual([
      expect.objectContaining({
        messageId: poison.messageId,
        receiveCount: 2,
        deadLetterReason: expect.stringContaining('maxReceiveCount 2'),
      }),
    ]);
  });

  it('sends the whole batch back when a step throws', async () => {
    // Prepare
    let calls = 0;
    const flaky = async (records: readonly PipeSqsRecord[]): Promise<EnrichedItem[]> => {
      calls++;
      if (calls === 1) throw new Error('enrichment crashed');
      return enrichment(records);
    };
    await source.send('a');
    await source.send('b');
    // Act
    await startPipe({ enrichment: flaky });
    await until(() => batches.length === 1 && source.size === 0);
    // Assess
    expect(calls).toBe(2);
    expect(batches[0]?.map((r) => r.attributes.ApproximateReceiveCount)).toEqual(['2', '2']);
  });

  it('returns a batch still being collected when stopped, without counting a receive', async () => {
    // Prepare
    await startPipe({ batchSize: 10, batchWindowMs: 60_000 });
    await source.send('a');
    await new Promise((r) => setTimeout(r, 50));
    // Act
    await pipe?.stop();
    // Assess
    expect(batches).toEqual([]);
    expect(await source.list()).toEqual([expect.objectContaining({ body: 'a', receiveCount: 0 })]);
  });
});
