/** The local dead-letter queue as the {@link DeadLetterQueue} port. */
import type { DeadLetter, DeadLetterQueue } from '../../core/ports.js';
import type { DurableQueue } from './durable-queue.js';

/**
 * Lists and redrives the local dead-letter queue. A redrive sends each body to the source queue as a
 * new message (receive count 0) and then deletes the dead letter: a crash in between only repeats a
 * message, which the pipeline dedupes.
 * @example await new LocalDeadLetterQueue(deadLetters, source).redrive()
 */
export class LocalDeadLetterQueue implements DeadLetterQueue {
  public constructor(
    private readonly deadLetters: DurableQueue,
    private readonly source: DurableQueue,
  ) {}

  public async list(limit: number): Promise<DeadLetter[]> {
    return (await this.deadLetters.list(limit)).map((m) => ({
      messageId: m.messageId,
      body: m.body,
      sentAt: m.sentAt,
      receiveCount: m.receiveCount,
    }));
  }

  public async redrive(): Promise<{ readonly moved?: number }> {
    let moved = 0;
    for (const message of await this.deadLetters.list()) {
      await this.source.send(message.body);
      await this.deadLetters.delete(message.messageId);
      moved++;
    }
    return { moved };
  }
}
