/** The local source queue as the {@link WorkQueue} port: a reprocess lands in the durable queue. */
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import type { WorkQueue } from '../../core/ports.js';
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
}
