import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ChangeMessageVisibilityBatchCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsDeadLetterQueue } from '../../../../../pipeline-functions/adapters/aws/sqs-dead-letter-queue.js';
import { DeadLetterReleaseError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import { RedriveInProgressError } from '../../../../../pipeline-functions/core/errors.js';
import { moveTaskAlreadyRunning } from '../../../../support/aws-answers.js';

const sqs = mockClient(SQSClient);
const options = {
  dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/1/b2a-dlq',
  dlqArn: 'arn:aws:sqs:eu-west-1:1:b2a-dlq',
  sourceArn: 'arn:aws:sqs:eu-west-1:1:b2a-source',
};
const dlq = () => new SqsDeadLetterQueue(new SQSClient({}), options);

const message = (n: number) => ({
  MessageId: `id-${n}`,
  ReceiptHandle: `rh-${n}`,
  Body: `{"n":${n}}`,
  Attributes: { SentTimestamp: '1772323200000', ApproximateReceiveCount: '6' },
});

describe('Class: SqsDeadLetterQueue', () => {
  beforeEach(() => {
    sqs.reset();
  });

  it('peeks until the queue has nothing new, then makes every message visible again', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1), message(2)] })
      .resolvesOnce({ Messages: [message(3)] })
      .resolves({ Messages: [] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({ Successful: [], Failed: [] });

    // Act
    const letters = await dlq().list(10);

    // Assess
    expect(letters.map((l) => l.messageId)).toEqual(['id-1', 'id-2', 'id-3']);
    expect(letters[0]).toEqual({
      messageId: 'id-1',
      body: '{"n":1}',
      sentAt: '2026-03-01T00:00:00.000Z',
      receiveCount: 6,
    });
    expect(sqs).toReceiveCommandWith(ChangeMessageVisibilityBatchCommand, {
      QueueUrl: options.dlqUrl,
      Entries: [
        { Id: 'm0', ReceiptHandle: 'rh-1', VisibilityTimeout: 0 },
        { Id: 'm1', ReceiptHandle: 'rh-2', VisibilityTimeout: 0 },
        { Id: 'm2', ReceiptHandle: 'rh-3', VisibilityTimeout: 0 },
      ],
    });
  });

  it('stops at the limit and asks for no more than it needs', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1), message(2)] })
      .resolves({ Messages: [message(3)] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});

    // Act
    const letters = await dlq().list(3);

    // Assess
    expect(letters).toHaveLength(3);
    expect(sqs).toHaveReceivedCommandTimes(ReceiveMessageCommand, 2);
    expect(sqs).toHaveReceivedNthSpecificCommandWith(2, ReceiveMessageCommand, { MaxNumberOfMessages: 1 });
  });

  it('releases what it received when a later receive fails, and reports the failure', async () => {
    // Prepare
    const throttled = new Error('throttled');
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1)] })
      .rejects(throttled);
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});

    // Act
    const listing = dlq().list(5);

    // Assess
    await expect(listing).rejects.toBe(throttled);
    expect(sqs).toReceiveCommandWith(ChangeMessageVisibilityBatchCommand, {
      Entries: [{ Id: 'm0', ReceiptHandle: 'rh-1', VisibilityTimeout: 0 }],
    });
  });

  it('says so when peeked messages could not be released', async () => {
    // Prepare
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message(1)] })
      .resolves({});
    sqs
      .on(ChangeMessageVisibilityBatchCommand)
      .resolves({ Failed: [{ Id: 'm0', Code: 'ReceiptHandleIsInvalid', SenderFault: true }] });

    // Act
    const listing = dlq().list(5);

    // Assess
    await expect(listing).rejects.toBeInstanceOf(DeadLetterReleaseError);
  });

  it('redrives with a message move task and reports how many SQS will move', async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [{ TaskHandle: 'task-1', Status: 'RUNNING', ApproximateNumberOfMessagesToMove: 42 }],
    });

    // Act
    const result = await dlq().redrive();

    // Assess
    expect(result).toEqual({ moved: 42 });
    expect(sqs).toReceiveCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: options.dlqArn,
      DestinationArn: options.sourceArn,
    });
  });

  it('redrives without a count when SQS gives none', async () => {
    // Prepare
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [] });

    // Act
    const result = await dlq().redrive();

    // Assess
    expect(result).toEqual({});
  });

  describe('while a redrive runs', () => {
    it("refuses with the running task's progress", async () => {
      // Prepare
      sqs.on(StartMessageMoveTaskCommand).rejects(moveTaskAlreadyRunning());
      sqs.on(ListMessageMoveTasksCommand).resolves({
        Results: [
          {
            TaskHandle: 'task-0',
            Status: 'RUNNING',
            ApproximateNumberOfMessagesMoved: 120,
            ApproximateNumberOfMessagesToMove: 500,
            StartedTimestamp: Date.parse('2026-11-21T11:50:00.000Z'),
          },
        ],
      });

      // Act
      const redrive = dlq().redrive();

      // Assess
      await expect(redrive).rejects.toBeInstanceOf(RedriveInProgressError);
      await expect(redrive).rejects.toThrow(
        'a redrive of the dead-letter queue is already running (120 of 500 message(s) moved, started 2026-11-21T11:50:00.000Z); SQS runs one at a time',
      );
      expect(sqs).toReceiveCommandWith(ListMessageMoveTasksCommand, { SourceArn: options.dlqArn });
    });

    it('lets the refusal through when no task is running after all', async () => {
      // Prepare
      const refusal = moveTaskAlreadyRunning();
      sqs.on(StartMessageMoveTaskCommand).rejects(refusal);
      sqs.on(ListMessageMoveTasksCommand).resolves({ Results: [{ Status: 'COMPLETED' }] });

      // Act & Assess
      await expect(dlq().redrive()).rejects.toBe(refusal);
    });
  });
});
