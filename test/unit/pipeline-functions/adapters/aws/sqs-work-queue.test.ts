import { beforeEach, describe, expect, it } from '@jest/globals';
import { SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsWorkQueue } from '../../../../../pipeline-functions/adapters/aws/sqs-work-queue.js';
import { decodeMessage, type B2aEnvelope } from '../../../../../pipeline-functions/core/messages.js';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/b2a-prod-source';

describe('Class: SqsWorkQueue', () => {
  beforeEach(() => {
    sqs.reset();
  });

  it('sends the envelope as a message the pipeline decodes back', async () => {
    // Prepare
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const envelope: B2aEnvelope = {
      b2a: 1,
      kind: 'reprocess',
      object: { bucket: 'inbox', key: 'a b+c.txt', versionId: 'v1' },
      run: { id: 'r-1', startedAt: '2026-03-01T00:00:00.000Z' },
      attempt: 1,
      requestedBy: 'arn:aws:iam::123456789012:user/alice',
      sentAt: '2026-03-01T00:00:00Z',
    };

    // Act
    await new SqsWorkQueue(new SQSClient({}), { queueUrl: QUEUE_URL }).send(envelope);

    // Assess
    expect(sqs).toReceiveCommandWith(SendMessageCommand, { QueueUrl: QUEUE_URL });
    const body = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '';
    expect(decodeMessage(body, '2026-03-01T00:00:00Z')).toMatchObject({
      type: 'object',
      origin: 'reprocess',
      object: envelope.object,
      run: envelope.run,
      requestedBy: envelope.requestedBy,
    });
  });

  it('reads a SendMessageBatch partial failure entry by entry, and decodes a backfill envelope', async () => {
    // Prepare: SQS answers 200 with the refused entries in Failed
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'm0', MD5OfMessageBody: 'x' }],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
    });
    const envelope = (key: string): B2aEnvelope => ({
      b2a: 1,
      kind: 'backfill',
      object: { bucket: 'inbox', key, etag: '"e"' },
      run: { id: 'auto', startedAt: '2026-03-01T00:00:00.000Z' },
      attempt: 1,
      requestedBy: 'arn:aws:iam::123456789012:user/alice',
      backfillId: 'bf1',
      sentAt: '2026-03-02T00:00:00.000Z',
    });

    // Act
    const results = await new SqsWorkQueue(new SQSClient({}), { queueUrl: QUEUE_URL }).sendBatch([
      envelope('a.csv'),
      envelope('b.csv'),
    ]);

    // Assess
    expect(results).toEqual([{ sent: true }, { sent: false, reason: 'InternalError: try again' }]);
    const entries = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries ?? [];
    expect(entries.map((e) => e.Id)).toEqual(['0', '1']);
    expect(decodeMessage(entries[0]?.MessageBody ?? '', '2026-03-02T00:00:00Z')).toMatchObject({
      origin: 'backfill',
      backfillId: 'bf1',
      requestedBy: 'arn:aws:iam::123456789012:user/alice',
    });
  });
});
