/**
 * Lambda entry point of the pipe's target step, and its composition root: the jobs (conditional
 * write), retries and notifications, built once per container on the first invocation.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { SchedulerRetryScheduler } from '../adapters/aws/scheduler-retry-scheduler.js';
import { SnsNotifier } from '../adapters/aws/sns-notifier.js';
import { FUNCTION_ENVIRONMENT } from '../core/function-environment.js';
import { JOB_DEFERRED_LOG, JOB_RECORDED_LOG } from '../core/names.js';
import type { EnrichedItem } from '../core/outcome.js';
import { createTargetHandler, type TargetHandler } from '../handlers/target.js';
import {
  client,
  containerHandler,
  describeError,
  functionBasics,
  itemKeys,
  logItem,
  type BuildOptions,
} from './composition-root.js';

/** Builds the target handler: jobs (conditional write), retries and notifications, logging each item. */
export async function buildTarget(options: BuildOptions = {}): Promise<TargetHandler> {
  const { env, config, logger, clock } = functionBasics(options, FUNCTION_ENVIRONMENT.target);
  const handle = createTargetHandler({
    config,
    clock,
    jobs: new DynamoDbJobRepository(
      client(options, 'dynamodb', (config) => new DynamoDBClient(config)),
      { tableName: env.B2A_TABLE_NAME, clock },
    ),
    scheduler: new SchedulerRetryScheduler(
      client(options, 'scheduler', (config) => new SchedulerClient(config)),
      {
        groupName: env.B2A_SCHEDULE_GROUP,
        queueArn: env.B2A_QUEUE_ARN,
        roleArn: env.B2A_SCHEDULER_ROLE_ARN,
        deadLetterArn: env.B2A_SCHEDULER_DLQ_ARN,
      },
    ),
    notifier: new SnsNotifier(
      client(options, 'sns', (config) => new SNSClient(config)),
      { topicArn: env.B2A_TOPIC_ARN },
    ),
    onError: (item, error) =>
      logger.error('target: could not record or notify', { ...itemKeys(item), error: describeError(error) }),
    // The stack's metric filters count these lines: the message and fields are a contract (names.ts).
    // The attempt is logged whole: the job keeps only the newest `jobs.historyLimit`, this log all.
    // A deferral is no attempt: its own message keeps it out of the job counts.
    onRecorded: (item, job) =>
      logger.info(item.result.kind === 'deferred' ? JOB_DEFERRED_LOG : JOB_RECORDED_LOG, {
        ...itemKeys(item),
        status: job.status,
        ...('latencyMs' in item.result && item.result.latencyMs !== undefined
          ? { latencyMs: item.result.latencyMs }
          : {}),
        attempt: job.history.at(-1),
      }),
  });
  return async (event) => {
    const output = await handle(event);
    const failed = new Set(output.batchItemFailures.map((f) => f.itemIdentifier));
    const items = Array.isArray(event) ? event : [event as unknown as EnrichedItem];
    for (const item of items) logItem(logger, 'target', item, failed.has(item.messageId));
    return output;
  };
}

/** Runs the target with the container's handler, built on first use. */
export const runTarget = containerHandler(() => buildTarget());

/** The function's handler (`index.handler`). */
export const handler = runTarget;
