import { createHash } from 'node:crypto';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import { jobIdOf } from '../../core/model.js';
import type { RetryScheduler, ScheduleTiming } from '../../core/ports.js';
import { UnschedulableTimeError } from './errors.js';

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
}

/**
 * Scheduler invokes targets with 60 second precision: a schedule `at(…T10:01:00)` fires between
 * 10:01:00 and 10:01:59 (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
 * Retries are therefore due on whole minutes, and never sooner than a minute away.
 */
export const SCHEDULER_TIMING: ScheduleTiming = { minimumLeadSeconds: 60, precisionSeconds: 60 };

/** Scheduler's own defaults for retrying a failed SendMessage. */
export const DEFAULT_TARGET_RETRY_POLICY = {
  maximumEventAgeSeconds: 86_400,
  maximumRetryAttempts: 185,
} as const;

const NAME_PREFIX = 'b2a-';
/** Scheduler names match [0-9a-zA-Z-_.]{1,64}. */
const MAX_NAME_LENGTH = 64;

/**
 * Schedules retries as EventBridge Scheduler one-time schedules that put the b2a envelope on the
 * source queue and delete themselves afterwards.
 *
 * The name is a hash of (job, run, attempt), so scheduling the same retry twice (the target retried
 * by the pipe, a duplicate message) creates one schedule; an existing schedule of that name counts as
 * success. The core makes the request itself the same each time (its time and jitter depend on
 * nothing else), and the client token is a hash of the whole request, so one token always names one
 * request: AWS answers a token reused with other parameters with an error, not with the schedule.
 *
 * @example
 * const scheduler = new SchedulerRetryScheduler(new SchedulerClient({}), { groupName, queueArn, roleArn });
 * await scheduler.schedule(envelope, new Date(Date.now() + 120_000));
 */
export class SchedulerRetryScheduler implements RetryScheduler {
  public readonly timing = SCHEDULER_TIMING;

  public constructor(
    private readonly client: SchedulerClient,
    private readonly options: SchedulerRetrySchedulerOptions,
  ) {}

  /**
   * @throws UnschedulableTimeError when `at` is not on the minute: the core computes due times on
   * `timing`, and this adapter never moves one (the job records it as the time the retry fires).
   */
  public async schedule(envelope: B2aEnvelope, at: Date): Promise<void> {
    if (at.getTime() % (SCHEDULER_TIMING.precisionSeconds * 1000) !== 0) {
      throw new UnschedulableTimeError(
        `a retry is due at ${at.toISOString()}, not on a whole minute as Scheduler fires`,
      );
    }
    const {
      groupName,
      queueArn,
      roleArn,
      deadLetterArn,
      retryPolicy = DEFAULT_TARGET_RETRY_POLICY,
    } = this.options;
    const request = {
      Name: scheduleNameOf(envelope),
      GroupName: groupName,
      ScheduleExpression: atExpression(at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: describeSchedule(envelope).slice(0, 512),
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
    } satisfies Omit<CreateScheduleCommandInput, 'ClientToken'>;
    try {
      await this.client.send(
        new CreateScheduleCommand({ ...request, ClientToken: sha256(JSON.stringify(request)) }),
      );
    } catch (error) {
      // The same retry was scheduled before (same name): that is the idempotent outcome we want.
      if (error instanceof Error && error.name === 'ConflictException') return;
      throw error;
    }
  }
}

/**
 * The schedule name of a retry: `b2a-` and the hex SHA-256 of (job id, run, attempt), 64
 * characters; a deferral of the attempt hashes its count too, so that each deferral has its own.
 */
export function scheduleNameOf(envelope: B2aEnvelope): string {
  return `${NAME_PREFIX}${scheduleHash(envelope)}`.slice(0, MAX_NAME_LENGTH);
}

function describeSchedule(envelope: B2aEnvelope): string {
  return envelope.kind === 'deferral'
    ? `b2a deferral ${envelope.deferral ?? 1} of attempt ${envelope.attempt} of run ${envelope.run.id}`
    : `b2a retry: attempt ${envelope.attempt} of run ${envelope.run.id}`;
}

/** A one-time schedule expression in UTC: `at(yyyy-mm-ddThh:mm:ss)`. */
export function atExpression(time: Date): string {
  return `at(${time.toISOString().slice(0, 19)})`;
}

function scheduleHash(envelope: B2aEnvelope): string {
  const deferred = envelope.deferral ? `|${envelope.deferral}` : '';
  return sha256(`${jobIdOf(envelope.object)}|${envelope.run.id}|${envelope.attempt}${deferred}`);
}

/** Hex SHA-256: 64 characters, which is also the longest client token Scheduler takes. */
function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
