import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.js';

/** Props of {@link SourceQueue}. */
export interface SourceQueueProps {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** Six times the pipe's execution time (see `visibilityTimeoutSeconds`). */
  readonly visibilityTimeoutSeconds: number;
  /** How long the source queue keeps a message. */
  readonly retentionDays: number;
  /** Receives before a message moves to the dead-letter queue. */
  readonly maxReceiveCount: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The queue the pipe reads, fed by the EventBridge rule, by Scheduler (retries) and by `b2a reprocess`,
 * with its dead-letter queue. Both use SSE-SQS and refuse plain HTTP; the pipe inherits the DLQ
 * through the queue's redrive policy.
 */
export class SourceQueue extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;

  public constructor(scope: Construct, id: string, props: SourceQueueProps) {
    super(scope, id);
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: props.queueName,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(props.retentionDays),
      visibilityTimeout: Duration.seconds(props.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
  }
}
