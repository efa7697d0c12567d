import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import type { WorkQueue } from '../../core/ports.js';

/**
 * Puts b2a envelopes (a reprocess) on the source queue, where the pipe picks them up like any S3 event.
 *
 * @example
 * await new SqsWorkQueue(new SQSClient({}), { queueUrl }).send(envelope);
 */
export class SqsWorkQueue implements WorkQueue {
  public constructor(
    private readonly client: SQSClient,
    private readonly options: { readonly queueUrl: string },
  ) {}

  public async send(envelope: B2aEnvelope): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.options.queueUrl, MessageBody: encodeEnvelope(envelope) }),
    );
  }
}
