import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableQueue } from '../../../../../pipeline-functions/adapters/local/durable-queue.js';
import {
  FileNotifier,
  type NotificationLine,
} from '../../../../../pipeline-functions/adapters/local/file-notifier.js';
import { LocalDeadLetterQueue } from '../../../../../pipeline-functions/adapters/local/local-dead-letter-queue.js';
import { LocalIdentityProvider } from '../../../../../pipeline-functions/adapters/local/local-identity.js';
import { LocalPipelineMonitor } from '../../../../../pipeline-functions/adapters/local/local-pipeline-monitor.js';
import { LocalWorkQueue } from '../../../../../pipeline-functions/adapters/local/local-work-queue.js';
import { decodeMessage } from '../../../../../pipeline-functions/core/messages.js';
import type { Job } from '../../../../../pipeline-functions/core/model.js';

describe('Local admin adapters', () => {
  let dir: string;
  let source: DurableQueue;
  let deadLetters: DurableQueue;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-admin-'));
    source = new DurableQueue({ dir: join(dir, 'source'), durable: false });
    deadLetters = new DurableQueue({ dir: join(dir, 'dead'), durable: false });
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  describe('Class: LocalWorkQueue', () => {
    it('puts a reprocess envelope on the source queue, where the pipeline can decode it', async () => {
      // Act
      await new LocalWorkQueue(source).send({
        b2a: 1,
        kind: 'reprocess',
        object: { bucket: 'local-inbox', key: 'a.csv', etag: 'e' },
        run: { id: 'r1', startedAt: '2026-11-21T12:00:00.000Z' },
        attempt: 1,
        requestedBy: 'local:alice',
        sentAt: '2026-11-21T12:00:00.000Z',
      });
      // Assess
      const [message] = await source.list();
      expect(decodeMessage(message!.body, message!.sentAt)).toMatchObject({
        type: 'object',
        origin: 'reprocess',
        requestedBy: 'local:alice',
        run: { id: 'r1' },
      });
    });
  });

  describe('Class: LocalDeadLetterQueue', () => {
    it('lists dead letters and redrives them to the source queue as new messages', async () => {
      // Prepare
      await deadLetters.put({
        messageId: 'm1',
        body: '{"x":1}',
        sentAt: '2026-11-21T12:00:00.000Z',
        receiveCount: 5,
        visibleAt: 0,
      });
      const dlq = new LocalDeadLetterQueue(deadLetters, source);
      // Act
      const listed = await dlq.list(10);
      const result = await dlq.redrive();
      // Assess
      expect(listed).toEqual([
        { messageId: 'm1', body: '{"x":1}', sentAt: '2026-11-21T12:00:00.000Z', receiveCount: 5 },
      ]);
      expect(result).toEqual({ moved: 1 });
      expect(await deadLetters.list()).toEqual([]);
      expect(await source.list()).toEqual([expect.objectContaining({ body: '{"x":1}', receiveCount: 0 })]);
    });
  });

  describe('Class: LocalPipelineMonitor', () => {
    it('reports queue depths and whether the runtime runs', async () => {
      // Prepare
      await source.send('a');
      const monitor = new LocalPipelineMonitor(source, deadLetters, async () => false);
      // Act
      const stats = await monitor.queueStats();
      // Assess
      expect(stats.source).toMatchObject({ visible: 1, inFlight: 0, delayed: 0 });
      expect(stats.deadLetter).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
      expect(await monitor.pipeState()).toBe('NOT_RUNNING');
    });
  });

  describe('Class: FileNotifier', () => {
    it('appends one JSON line per notification with SNS-like attributes and reports it', async () => {
      // Prepare
      const path = join(dir, 'notifications.jsonl');
      const seen: NotificationLine[] = [];
      const notifier = new FileNotifier({ path, onNotify: (line) => seen.push(line) });
      const job = {
        jobId: 'local-inbox/a#etag:e',
        bucket: 'local-inbox',
        key: 'a',
        etag: 'e',
        attempts: 2,
        lastHttpStatus: 422,
        lastError: 'HTTP 422',
      } as Job;
      // Act
      await notifier.notify({ status: 'FAILED', environment: 'local', job });
      await notifier.notify({ status: 'SUCCEEDED', environment: 'local', job });
      // Assess
      const lines = (await readFile(path, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as NotificationLine);
      expect(lines.map((l) => l.attributes)).toEqual([
        { status: 'FAILED', environment: 'local' },
        { status: 'SUCCEEDED', environment: 'local' },
      ]);
      expect(lines[0]).toMatchObject({ key: 'a', lastHttpStatus: 422, lastError: 'HTTP 422', attempts: 2 });
      expect(seen).toHaveLength(2);
    });
  });

  describe('Class: LocalIdentityProvider', () => {
    it('names the local operating system user', async () => {
      // Act
      const { arn } = await new LocalIdentityProvider().whoami();
      // Assess
      expect(arn).toMatch(/^local:.+/);
    });
  });
});
