import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DEAD_LETTER_RETENTION_DAYS } from '../config/stage-config.js';

/**
 * Dead letters are kept as long as SQS allows. Their age counts from the first enqueue on the source
 * queue, whose retention the stage schema keeps below this.
 */
export const DEAD_LETTER_RETENTION = Duration.days(DEAD_LETTER_RETENTION_DAYS);

/**
 * A b2a dead-letter queue: SSE-SQS, HTTPS only, 14 days' retention. Used for the pipe's DLQ and for
 * the retry schedules' DLQ.
 */
export function deadLetterQueue(
  scope: Construct,
  id: string,
  props: { readonly queueName: string; readonly removalPolicy: RemovalPolicy },
): sqs.Queue {
  return new sqs.Queue(scope, id, {
    queueName: props.queueName,
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: DEAD_LETTER_RETENTION,
    removalPolicy: props.removalPolicy,
  });
}
