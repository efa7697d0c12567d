import {
  ChangeMessageVisibilityBatchCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  type ListMessageMoveTasksResultEntry,
  StartMessageMoveTaskCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { RedriveInProgressError, type RedriveProgress } from '../../core/errors.js';
import type { DeadLetter, DeadLetterQueue } from '../../core/ports.js';
import { DeadLetterReleaseError } from './errors.js';

/** Options of {@link SqsDeadLetterQueue}. */
export interface SqsDeadLetterQueueOptions {
  readonly dlqUrl: string;
  readonly dlqArn: string;
  /** The source queue the dead letters are moved back to. */
  readonly sourceArn: string;
  /**
   * How long peeked messages are hidden while the peek runs; they are released at once after.
   * @default 30
   */
  readonly peekVisibilitySeconds?: number;
}

/** SQS receives and changes at most 10 messages per call. */
const SQS_BATCH = 10;

/**
 * What SQS answers a StartMessageMoveTask while another task of the queue runs: `InvalidParameterValue`
 * "There is already a task running. Only one active task is allowed for a source queue arn at a given
 * time." (recorded against AWS in localstack's tests/aws/services/sqs/test_sqs_move_task.snapshot.json);
 * the API reference lists `UnsupportedOperation` for the operation, so both are checked against the
 * queue's tasks before being called a running redrive.
 */
const REFUSED_MOVE_TASK = new Set(['InvalidParameterValue', 'UnsupportedOperation']);

/**
 * The source queue's dead-letter queue, for `b2a dlq list` and `b2a dlq redrive`.
 *
 * SQS has no "peek": `list` receives messages (which hides them and raises their receive count) and
 * then makes them visible again at once. It hides them for a short while during the peek so the
 * same message is not received twice, and releases them even if a later receive fails. Each peek
 * adds one to the messages' `receiveCount` (harmless: the DLQ has no redrive policy of its own).
 *
 * @example
 * const dlq = new SqsDeadLetterQueue(new SQSClient({}), { dlqUrl, dlqArn, sourceArn });
 * const letters = await dlq.list(20);
 */
export class SqsDeadLetterQueue implements DeadLetterQueue {
  public constructor(
    private readonly client: SQSClient,
    private readonly options: SqsDeadLetterQueueOptions,
  ) {}

  public async list(limit: number): Promise<DeadLetter[]> {
    const seen = new Map<string, Message>();
    const handles: { id: string; handle: string }[] = [];
    let receiveError: unknown;
    try {
      while (seen.size < limit) {
        const { Messages = [] } = await this.client.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.dlqUrl,
            MaxNumberOfMessages: Math.min(SQS_BATCH, limit - seen.size),
            VisibilityTimeout: this.options.peekVisibilitySeconds ?? 30,
            // A short wait: short polling samples a subset of servers and can miss messages.
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['SentTimestamp', 'ApproximateReceiveCount'],
          }),
        );
        let fresh = 0;
        for (const message of Messages) {
          if (message.ReceiptHandle)
            handles.push({ id: `m${handles.length}`, handle: message.ReceiptHandle });
          if (message.MessageId && !seen.has(message.MessageId)) {
            seen.set(message.MessageId, message);
            fresh++;
          }
        }
        if (fresh === 0) break;
      }
    } catch (error) {
      receiveError = error;
    }
    // Release what was received even when a receive failed, and report both failures if both fail.
    try {
      await this.release(handles);
    } catch (releaseError) {
      if (receiveError === undefined) throw releaseError;
      throw new AggregateError([receiveError, releaseError], 'peeking at the dead-letter queue failed twice');
    }
    if (receiveError !== undefined) throw receiveError;
    return [...seen.values()].slice(0, limit).map(toDeadLetter);
  }

  /**
   * Starts an SQS message move task from the DLQ to the source queue (SQS moves them in the
   * background) and returns the count SQS reports for it, when it reports one.
   * @throws RedriveInProgressError with the running task's progress when SQS refuses a second task
   */
  public async redrive(): Promise<{ readonly moved?: number }> {
    const { dlqArn, sourceArn } = this.options;
    try {
      await this.client.send(
        new StartMessageMoveTaskCommand({ SourceArn: dlqArn, DestinationArn: sourceArn }),
      );
    } catch (error) {
      if (error instanceof Error && REFUSED_MOVE_TASK.has(error.name)) {
        const latest = await this.latestTask();
        if (latest?.Status === 'RUNNING')
          throw new RedriveInProgressError(progressOf(latest), { cause: error });
      }
      throw error;
    }
    // One task runs at a time per queue, so the latest one is the task just started.
    const moved = (await this.latestTask())?.ApproximateNumberOfMessagesToMove;
    return moved !== undefined ? { moved } : {};
  }

  private async latestTask(): Promise<ListMessageMoveTasksResultEntry | undefined> {
    const { Results = [] } = await this.client.send(
      new ListMessageMoveTasksCommand({ SourceArn: this.options.dlqArn, MaxResults: 1 }),
    );
    return Results[0];
  }

  private async release(handles: readonly { id: string; handle: string }[]): Promise<void> {
    for (let i = 0; i < handles.length; i += SQS_BATCH) {
      const { Failed = [] } = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.options.dlqUrl,
          Entries: handles
            .slice(i, i + SQS_BATCH)
            .map(({ id, handle }) => ({ Id: id, ReceiptHandle: handle, VisibilityTimeout: 0 })),
        }),
      );
      if (Failed.length > 0) {
        throw new DeadLetterReleaseError(
          `could not make ${Failed.length} peeked dead letters visible again (they reappear after the peek timeout): ${Failed.map((f) => f.Message ?? f.Code).join('; ')}`,
        );
      }
    }
  }
}

function toDeadLetter(message: Message): DeadLetter {
  const sent = Number(message.Attributes?.SentTimestamp);
  const receives = Number(message.Attributes?.ApproximateReceiveCount);
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    ...(Number.isFinite(sent) && sent > 0 ? { sentAt: new Date(sent).toISOString() } : {}),
    ...(Number.isFinite(receives) && receives > 0 ? { receiveCount: receives } : {}),
  };
}

function progressOf(task: ListMessageMoveTasksResultEntry): RedriveProgress {
  const started = task.StartedTimestamp;
  return {
    ...(task.ApproximateNumberOfMessagesMoved !== undefined
      ? { moved: task.ApproximateNumberOfMessagesMoved }
      : {}),
    ...(task.ApproximateNumberOfMessagesToMove !== undefined
      ? { toMove: task.ApproximateNumberOfMessagesToMove }
      : {}),
    // A Long like SQS's other timestamps (SentTimestamp): milliseconds since the epoch.
    ...(started !== undefined ? { startedAt: new Date(started).toISOString() } : {}),
  };
}
