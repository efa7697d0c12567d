import { beforeEach, describe, expect, it } from '@jest/globals';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
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
});
