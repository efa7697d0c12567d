/** The local source queue as the {@link WorkQueue} port: a reprocess or backfill lands in the durable queue. */
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import type { QueueSendResult, WorkQueue } from '../../core/ports.js';
import type { DurableQueue } from './durable-queue.js';

/**
 * Sends b2a envelopes to the local source queue. Works whether the runtime runs or not: the message
 * waits on disk and is picked up when the runtime (re)starts.
 * @example await new LocalWorkQueue(sourceQueue).send(envelope)
 */
export class LocalWorkQueue implements WorkQueue {
  public constructor(private readonly queue: DurableQueue) {}

  public async send(envelope: B2aEnvelope): Promise<void> {
    await this.queue.send(encodeEnvelope(envelope));
  }

  /** One group commit of the durable queue: one directory flush for the whole batch. */
  public async sendBatch(envelopes: readonly B2aEnvelope[]): Promise<readonly QueueSendResult[]> {
    const results = await this.queue.sendBatch(envelopes.map((envelope) => encodeEnvelope(envelope)));
    return results.map((result): QueueSendResult =>
      result.status === 'fulfilled'
        ? { sent: true }
        : {
            sent: false,
            reason: result.reason instanceof Error ? result.reason.message : String(result.reason),
          },
    );
  }
}
