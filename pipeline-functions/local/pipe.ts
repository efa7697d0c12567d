/**
 * The local pipe: EventBridge Pipes' semantics over the durable queue. It receives batches
 * (`batch.size`, waiting up to `batch.windowSeconds` to fill one), hands them to the enrichment and
 * then the target handler in-process as the SQS records Pipes sends, deletes what the target did
 * not report in `batchItemFailures`, and leaves the rest to come back after the visibility timeout.
 * A message received `maxReceiveCount` times goes to the dead-letter queue, as SQS's redrive policy does.
 *
 * Unlike SQS, a message in this process's hand is never delivered twice at once, however long its
 * batch takes: the visibility timeout only matters after a failure or a crash.
 */
import { createHash } from 'node:crypto';
import type { DurableQueue, StoredMessage } from '../adapters/local/durable-queue.js';
import type { EnrichedItem } from '../core/outcome.js';
import { systemClock, type Clock } from '../core/ports.js';
import type { EnrichmentHandler, PipeSqsRecord } from '../handlers/enrichment.js';
import type { TargetHandler } from '../handlers/target.js';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './data-dir.js';
import { describeError, type RuntimeLog } from './log.js';
import type { Service } from './service.js';
import { Signal } from './signal.js';

/** The SQS record Pipes hands an enrichment, as the local pipe builds it. */
export interface LocalSqsRecord extends PipeSqsRecord {
  readonly receiptHandle: string;
  readonly attributes: {
    readonly ApproximateReceiveCount: string;
    readonly SentTimestamp: string;
    readonly SenderId: string;
    readonly ApproximateFirstReceiveTimestamp: string;
  };
  readonly messageAttributes: Record<string, never>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** What one batch did. */
export interface BatchSummary {
  readonly size: number;
  /** Items the target reported in batchItemFailures (or the whole batch when a step threw). */
  readonly failed: number;
  readonly durationMs: number;
  /** The enrichment's results, when it returned. */
  readonly items?: readonly EnrichedItem[];
  /** Why the whole batch failed, when a step threw. */
  readonly error?: string;
}

/** Options of {@link LocalPipe}. */
export interface LocalPipeOptions {
  readonly source: DurableQueue;
  readonly deadLetter: DurableQueue;
  readonly enrichment: EnrichmentHandler;
  readonly target: TargetHandler;
  readonly batchSize: number;
  readonly batchWindowMs: number;
  readonly visibilityTimeoutMs: number;
  readonly maxReceiveCount: number;
  readonly concurrentBatches: number;
  /**
   * Whether no more messages are on their way (locally: the inbox is not emitting). While it says so
   * and the queue has nothing to add, the window closes early: waiting it out would only delay the
   * batch. @default the window is always waited out, as Pipes does
   */
  readonly nothingOnTheWay?: () => boolean;
  /** How often the queue directory is re-read for messages other processes sent. */
  readonly pollIntervalMs: number;
  readonly log: RuntimeLog;
  /** @default systemClock */
  readonly clock?: Clock;
  readonly onBatch?: (summary: BatchSummary) => void;
  readonly onDeadLetter?: (message: StoredMessage, reason: string) => void;
}

/** How often an open window asks `nothingOnTheWay` again (nothing signals when the inbox goes quiet). */
const WINDOW_CHECK_MS = 10;

/** The local source queue's ARN, as records carry it. */
export const LOCAL_QUEUE_ARN = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:b2a-local-source`;

/** The SQS record for a received message. */
export function toSqsRecord(message: StoredMessage): LocalSqsRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${message.messageId}:${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(Date.parse(message.sentAt)),
      SenderId: LOCAL_ACCOUNT,
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: LOCAL_QUEUE_ARN,
    awsRegion: LOCAL_REGION,
  };
}

/**
 * The pipe as a runtime service. `stop()` returns batches still being collected and finishes the
 * ones being processed.
 */
export class LocalPipe implements Service {
  public readonly name = 'pipe';
  private readonly clock: Clock;
  private readonly signal = new Signal();
  private workers: Promise<void>[] = [];
  private refresher: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running = false;
  private processing = 0;

  public constructor(private readonly options: LocalPipeOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Batches being processed right now. */
  public get batchesInFlight(): number {
    return this.processing;
  }

  public async start(): Promise<void> {
    const { source, deadLetter, concurrentBatches } = this.options;
    await source.open();
    await deadLetter.open();
    this.unsubscribe = source.onChange(() => this.signal.notify());
    this.running = true;
    this.scheduleRefresh();
    this.workers = Array.from({ length: concurrentBatches }, () => this.work());
  }

  public async stop(): Promise<void> {
    this.running = false;
    if (this.refresher) clearTimeout(this.refresher);
    this.refresher = undefined;
    this.signal.notify();
    await Promise.all(this.workers);
    this.workers = [];
    this.unsubscribe?.();
  }

  private scheduleRefresh(): void {
    if (!this.running) return;
    this.refresher = setTimeout(() => {
      this.options.source
        .refresh()
        .catch((error: unknown) =>
          this.options.log.error('pipe', `cannot read the queue: ${describeError(error)}`),
        )
        .finally(() => this.scheduleRefresh());
    }, this.options.pollIntervalMs);
  }

  private async work(): Promise<void> {
    const { source, batchSize, batchWindowMs, pollIntervalMs } = this.options;
    while (this.running) {
      const batch = source.take(batchSize);
      if (batch.length === 0) {
        const next = source.nextVisibleAt();
        const untilVisible = next === undefined ? pollIntervalMs : next - this.clock.now().getTime();
        await this.signal.wait(Math.min(pollIntervalMs, Math.max(1, untilVisible)));
        continue;
      }
      // Pipes invokes when the batch is full or the window has passed since its first message.
      const deadline = this.clock.now().getTime() + batchWindowMs;
      const { nothingOnTheWay } = this.options;
      while (this.running && batch.length < batchSize && this.clock.now().getTime() < deadline) {
        if (nothingOnTheWay?.()) break;
        const left = deadline - this.clock.now().getTime();
        await this.signal.wait(nothingOnTheWay ? Math.min(left, WINDOW_CHECK_MS) : left);
        batch.push(...source.take(batchSize - batch.length));
      }
      if (!this.running) {
        for (const message of batch) source.release(message.messageId);
        return;
      }
      this.processing++;
      try {
        await this.process(batch);
      } catch (error) {
        // A bug, not a delivery failure: keep the worker alive; the messages come back after their timeout.
        for (const message of batch) source.release(message.messageId);
        this.options.log.error('pipe', `batch failed unexpectedly: ${describeError(error)}`);
      } finally {
        this.processing--;
      }
    }
  }

  private async process(batch: readonly StoredMessage[]): Promise<void> {
    const { source, deadLetter, maxReceiveCount, visibilityTimeoutMs, log } = this.options;
    const deliverable: StoredMessage[] = [];
    for (const message of batch) {
      if (message.receiveCount < maxReceiveCount) {
        deliverable.push(message);
        continue;
      }
      const reason = `received ${message.receiveCount} times without being deleted (maxReceiveCount ${maxReceiveCount})`;
      try {
        await source.moveTo(deadLetter, message, reason);
        log.warn('dead-letter', `message ${message.messageId} moved to the dead-letter queue: ${reason}`, {
          messageId: message.messageId,
        });
        this.options.onDeadLetter?.(message, reason);
      } catch (error) {
        source.release(message.messageId);
        log.error(
          'dead-letter',
          `cannot move ${message.messageId} to the dead-letter queue: ${describeError(error)}`,
        );
      }
    }
    if (deliverable.length === 0) return;

    let received: StoredMessage[];
    try {
      received = await source.receive(deliverable, visibilityTimeoutMs);
    } catch (error) {
      for (const message of deliverable) source.release(message.messageId);
      log.error(
        'pipe',
        `cannot record the receive of ${deliverable.length} message(s): ${describeError(error)}`,
      );
      return;
    }

    const started = performance.now();
    let items: EnrichedItem[] | undefined;
    let failed: Set<string>;
    let batchError: string | undefined;
    try {
      items = await this.options.enrichment(received.map(toSqsRecord));
      if (items.length !== received.length) {
        throw new Error(`the enrichment returned ${items.length} results for ${received.length} records`);
      }
      const { batchItemFailures } = await this.options.target(items);
      failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    } catch (error) {
      // As on AWS: a step that throws sends the whole batch back (after the visibility timeout).
      batchError = describeError(error);
      failed = new Set(received.map((m) => m.messageId));
      log.error(
        'pipe',
        `batch of ${received.length} failed, it comes back after the visibility timeout: ${batchError}`,
      );
    }

    // All at once: one after the other, each delete would wait its turn on the disk while the
    // batch's API slots stay idle. Each message is still deleted only after the target returned.
    await Promise.all(
      received.map(async (message) => {
        if (failed.has(message.messageId)) {
          source.release(message.messageId);
          return;
        }
        try {
          await source.delete(message.messageId);
        } catch (error) {
          // Left on disk it comes back after the timeout, and the pipeline dedupes it.
          source.release(message.messageId);
          log.error('pipe', `cannot delete message ${message.messageId}: ${describeError(error)}`);
        }
      }),
    );
    this.options.onBatch?.({
      size: received.length,
      failed: failed.size,
      durationMs: Math.round(performance.now() - started),
      ...(items ? { items } : {}),
      ...(batchError ? { error: batchError } : {}),
    });
  }
}
