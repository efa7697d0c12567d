import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import { QUEUE_BATCH_LIMIT, type QueueSendResult, type WorkQueue } from '../../core/ports.js';

/**
 * Puts b2a envelopes (a reprocess, a backfill) on the source queue, where the pipe picks them up
 * like any S3 event.
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

  /**
   * One SendMessageBatch (authorised by sqs:SendMessage). SQS answers 200 with the entries it refused
   * in `Failed`, so a partial failure is read entry by entry
   * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
   */
  public async sendBatch(envelopes: readonly B2aEnvelope[]): Promise<readonly QueueSendResult[]> {
    if (envelopes.length === 0) return [];
    if (envelopes.length > QUEUE_BATCH_LIMIT) {
      throw new RangeError(
        `SendMessageBatch takes at most ${QUEUE_BATCH_LIMIT} entries, not ${envelopes.length}`,
      );
    }
    const { Failed = [] } = await this.client.send(
      new SendMessageBatchCommand({
        QueueUrl: this.options.queueUrl,
        Entries: envelopes.map((envelope, i) => ({ Id: String(i), MessageBody: encodeEnvelope(envelope) })),
      }),
    );
    const refused = new Map(
      Failed.map((entry) => [entry.Id, `${entry.Code ?? 'Failed'}: ${entry.Message ?? ''}`]),
    );
    return envelopes.map((_, i): QueueSendResult => {
      const reason = refused.get(String(i));
      return reason === undefined ? { sent: true } : { sent: false, reason };
    });
  }
}
