/**
 * The one way admin use cases put b2a envelopes on the source queue in bulk (reprocess, backfill,
 * reconcile --fix): batches of {@link QUEUE_BATCH_LIMIT} (one SendMessageBatch each on AWS), each
 * batch admitted by a {@link Pacer} first.
 */
import type { B2aEnvelope } from '../../messages.js';
import { QUEUE_BATCH_LIMIT, type Pacer, type WorkQueue } from '../../ports.js';

/** No pacing: every batch goes at once. The default until a rate limit is plugged in. */
export const noPacing: Pacer = { take: async () => undefined };

/** An envelope the queue did not take, and why. */
export interface Unsent {
  readonly envelope: B2aEnvelope;
  readonly reason: string;
}

/** What became of the envelopes of one batch, or of all of them. */
export interface BatchOutcome {
  readonly sent: B2aEnvelope[];
  readonly failed: Unsent[];
}

/** Options of {@link sendInBatches}. */
export interface SendInBatchesOptions {
  /** Admits each batch. @default noPacing */
  readonly pace?: Pacer;
  /** Told after each batch, before the next is sent (a progress bar, a checkpoint). */
  readonly onBatch?: (batch: BatchOutcome) => Promise<void> | void;
  /**
   * When a whole call fails (network, expired credentials): `record` its envelopes as failed and go
   * on, or `throw` and stop, so that what was told to `onBatch` is exactly what was sent.
   * @default 'record'
   */
  readonly onCallError?: 'record' | 'throw';
}

/**
 * Sends envelopes in order, a batch at a time. Entries the queue refuses (a partial failure) are
 * failed, never retried here: the caller decides what a refused entry means.
 * @example const { sent, failed } = await sendInBatches(ports.queue, envelopes, { pace });
 */
export async function sendInBatches(
  queue: WorkQueue,
  envelopes: readonly B2aEnvelope[],
  options: SendInBatchesOptions = {},
): Promise<BatchOutcome> {
  const pace = options.pace ?? noPacing;
  const total: BatchOutcome = { sent: [], failed: [] };
  for (let start = 0; start < envelopes.length; start += QUEUE_BATCH_LIMIT) {
    const batch = envelopes.slice(start, start + QUEUE_BATCH_LIMIT);
    await pace.take(batch.length);
    let outcome: BatchOutcome;
    try {
      const results = await queue.sendBatch(batch);
      outcome = {
        sent: batch.filter((_, i) => results[i]?.sent === true),
        failed: batch.flatMap((envelope, i) => {
          const result = results[i];
          if (result?.sent === true) return [];
          return [{ envelope, reason: result ? result.reason : 'the queue gave no result for it' }];
        }),
      };
    } catch (error) {
      if (options.onCallError === 'throw') throw error;
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      outcome = { sent: [], failed: batch.map((envelope) => ({ envelope, reason })) };
    }
    total.sent.push(...outcome.sent);
    total.failed.push(...outcome.failed);
    await options.onBatch?.(outcome);
  }
  return total;
}
