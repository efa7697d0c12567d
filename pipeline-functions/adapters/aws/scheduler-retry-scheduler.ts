import { createHash } from 'node:crypto';
import { CreateScheduleCommand, type SchedulerClient } from '@aws-sdk/client-scheduler';
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import { jobIdOf } from '../../core/model.js';
import { systemClock, type Clock, type RetryScheduler } from '../../core/ports.js';

/** Options of {@link SchedulerRetryScheduler}. */
export interface SchedulerRetrySchedulerOptions {
  /** The schedule group the stack created (and scoped the Lambda's IAM policy to). */
  readonly groupName: string;
  /** ARN of the source queue the retry message is sent to. */
  readonly queueArn: string;
  /** Role Scheduler assumes to send to the queue (`sqs:SendMessage` on it). */
  readonly roleArn: string;
  /** Where Scheduler puts a retry it could not deliver, if anywhere. */
  readonly deadLetterArn?: string;
  /** Scheduler's own retries if SendMessage fails. @default 24 h, 185 attempts (Scheduler's defaults) */
  readonly retryPolicy?: { readonly maximumEventAgeSeconds: number; readonly maximumRetryAttempts: number };
  /** @default systemClock */
  readonly clock?: Clock;
}

/** Scheduler fires one-time schedules with one-minute precision, so nothing is scheduled sooner. */
export const MINIMUM_LEAD_SECONDS = 60;

/** Scheduler's own defaults for retrying a failed SendMessage. */
export const DEFAULT_TARGET_RETRY_POLICY = {
  maximumEventAgeSeconds: 86_400,
  maximumRetryAttempts: 185,
} as const;

const NAME_PREFIX = 'b2a-';
/** Scheduler names match [0-9a-zA-Z-_.]{1,64}; client tokens are at most 64 characters. */
const MAX_NAME_LENGTH = 64;

/**
 * Schedules retries as EventBridge Scheduler one-time schedules that put the b2a envelope on the
 * source queue and delete themselves afterwards.
 *
 * The name and client token are a hash of (job, run, attempt), so scheduling the same retry twice
 * (the target retried by the pipe, a duplicate message) creates one schedule; an existing schedule
 * of that name counts as success.
 *
 * @example
 * const scheduler = new SchedulerRetryScheduler(new SchedulerClient({}), { groupName, queueArn, roleArn });
 * await scheduler.schedule(envelope, new Date(Date.now() + 120_000));
 */
export class SchedulerRetryScheduler implements RetryScheduler {
  private readonly clock: Clock;

  public constructor(
    private readonly client: SchedulerClient,
    private readonly options: SchedulerRetrySchedulerOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  public async schedule(envelope: B2aEnvelope, at: Date): Promise<void> {
    const hash = scheduleHash(envelope);
    const {
      groupName,
      queueArn,
      roleArn,
      deadLetterArn,
      retryPolicy = DEFAULT_TARGET_RETRY_POLICY,
    } = this.options;
    try {
      await this.client.send(
        new CreateScheduleCommand({
          Name: scheduleNameOf(envelope),
          GroupName: groupName,
          ClientToken: hash.slice(0, MAX_NAME_LENGTH),
          ScheduleExpression: atExpression(this.fireTime(at)),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          State: 'ENABLED',
          Description: `b2a retry: attempt ${envelope.attempt} of run ${envelope.run.id}`.slice(0, 512),
          Target: {
            Arn: queueArn,
            RoleArn: roleArn,
            Input: encodeEnvelope(envelope),
            RetryPolicy: {
              MaximumEventAgeInSeconds: retryPolicy.maximumEventAgeSeconds,
              MaximumRetryAttempts: retryPolicy.maximumRetryAttempts,
            },
            ...(deadLetterArn ? { DeadLetterConfig: { Arn: deadLetterArn } } : {}),
          },
        }),
      );
    } catch (error) {
      // The same retry was scheduled before (same name): that is the idempotent outcome we want.
      if (error instanceof Error && error.name === 'ConflictException') return;
      throw error;
    }
  }

  /** No sooner than the minimum lead, rounded up to the whole second `at()` can express. */
  private fireTime(at: Date): Date {
    const earliest = this.clock.now().getTime() + MINIMUM_LEAD_SECONDS * 1000;
    return new Date(Math.ceil(Math.max(at.getTime(), earliest) / 1000) * 1000);
  }
}

/** The schedule name of a retry: `b2a-` and the hex SHA-256 of (job id, run, attempt), 64 characters. */
export function scheduleNameOf(envelope: B2aEnvelope): string {
  return `${NAME_PREFIX}${scheduleHash(envelope)}`.slice(0, MAX_NAME_LENGTH);
}

/** A one-time schedule expression in UTC: `at(yyyy-mm-ddThh:mm:ss)`. */
export function atExpression(time: Date): string {
  return `at(${time.toISOString().slice(0, 19)})`;
}

function scheduleHash(envelope: B2aEnvelope): string {
  return createHash('sha256')
    .update(`${jobIdOf(envelope.object)}|${envelope.run.id}|${envelope.attempt}`)
    .digest('hex');
}
