import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { CircuitNotification, JobNotification, Notifier } from '../../core/ports.js';

/** SNS subjects are ASCII, without line breaks, under 100 characters. */
const MAX_SUBJECT_LENGTH = 99;

/** The JSON message body of a notification: a job's summary (the CLI shows the full history). */
export interface JobNotificationMessage {
  readonly environment: string;
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastError?: string;
  readonly lastHttpStatus?: number;
  readonly updatedAt: string;
}

/**
 * Publishes terminal job states to an SNS topic. The message attributes `status` and `environment`
 * let subscribers filter (e.g. `{"status": ["FAILED"]}` for failures only) without parsing the body.
 * The circuit breaker's transitions carry `event` (`circuit-open`, `circuit-closed`) instead of
 * `status`, so a filter on `status` does not let them through
 * (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html).
 *
 * @example
 * const notifier = new SnsNotifier(new SNSClient({}), { topicArn });
 */
export class SnsNotifier implements Notifier {
  public constructor(
    private readonly client: SNSClient,
    private readonly options: { readonly topicArn: string },
  ) {}

  public async notify({ status, environment, job }: JobNotification): Promise<void> {
    const message: JobNotificationMessage = {
      environment,
      jobId: job.jobId,
      bucket: job.bucket,
      key: job.key,
      ...(job.versionId ? { versionId: job.versionId } : {}),
      status,
      attempts: job.attempts,
      ...(job.lastError ? { lastError: job.lastError } : {}),
      ...(job.lastHttpStatus !== undefined ? { lastHttpStatus: job.lastHttpStatus } : {}),
      updatedAt: job.updatedAt,
    };
    await this.client.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: subjectOf(environment, status, job.key),
        Message: JSON.stringify(message, null, 2),
        MessageAttributes: {
          status: { DataType: 'String', StringValue: status },
          environment: { DataType: 'String', StringValue: environment },
        },
      }),
    );
  }

  public async notifyCircuit(notification: CircuitNotification): Promise<void> {
    const { event, environment } = notification;
    await this.client.send(
      new PublishCommand({
        TopicArn: this.options.topicArn,
        Subject: `b2a ${environment}: ${event.replace('-', ' ')}`,
        Message: JSON.stringify(notification, null, 2),
        MessageAttributes: {
          event: { DataType: 'String', StringValue: event },
          environment: { DataType: 'String', StringValue: environment },
        },
      }),
    );
  }
}

/** `b2a prod: FAILED report.csv`, cut to SNS's limit, non-ASCII and control characters replaced. */
export function subjectOf(environment: string, status: string, key: string): string {
  const name = key.slice(key.lastIndexOf('/') + 1) || key;
  const subject = `b2a ${environment}: ${status} ${name}`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length > MAX_SUBJECT_LENGTH ? `${subject.slice(0, MAX_SUBJECT_LENGTH - 3)}...` : subject;
}
