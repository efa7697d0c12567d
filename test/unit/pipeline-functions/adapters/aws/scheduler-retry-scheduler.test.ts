import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConflictException,
  CreateScheduleCommand,
  SchedulerClient,
  ValidationException,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { UnschedulableTimeError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import {
  DEFAULT_TARGET_RETRY_POLICY,
  SchedulerRetryScheduler,
  atExpression,
  scheduleNameOf,
} from '../../../../../pipeline-functions/adapters/aws/scheduler-retry-scheduler.js';
import { parsePipelineConfig } from '../../../../../pipeline-functions/core/config.js';
import type { B2aEnvelope } from '../../../../../pipeline-functions/core/messages.js';
import type { EnrichedItem } from '../../../../../pipeline-functions/core/outcome.js';
import { recordBatch } from '../../../../../pipeline-functions/core/use-cases/record-outcome.js';
import { FakeClock, FakeJobs, FakeNotifier } from '../../../../support/fakes.js';

const scheduler = mockClient(SchedulerClient);
const NOW = new Date('2026-03-01T10:00:00.250Z');
const QUEUE_ARN = 'arn:aws:sqs:eu-west-1:123456789012:b2a-test-source';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/b2a-test-scheduler';

const envelope = (attempt: number, key = `dir/${'ü'.repeat(500)} #+%.csv`): B2aEnvelope => ({
  b2a: 1,
  kind: 'retry',
  object: { bucket: 'inbox', key, versionId: 'v1' },
  run: { id: 'auto', startedAt: '2026-03-01T09:00:00Z' },
  attempt,
  sentAt: NOW.toISOString(),
});

const subject = () =>
  new SchedulerRetryScheduler(new SchedulerClient({}), {
    groupName: 'b2a-test',
    queueArn: QUEUE_ARN,
    roleArn: ROLE_ARN,
  });

describe('Class: SchedulerRetryScheduler', () => {
  beforeEach(() => {
    scheduler.reset();
  });

  it('creates a self-deleting one-time schedule that sends the envelope to the queue', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const retry = envelope(2);

    // Act
    await subject().schedule(retry, new Date('2026-03-01T10:30:00.000Z'));

    // Assess
    expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
      Name: scheduleNameOf(retry),
      GroupName: 'b2a-test',
      ScheduleExpression: 'at(2026-03-01T10:30:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: expect.objectContaining({ Arn: QUEUE_ARN, RoleArn: ROLE_ARN, RetryPolicy: expect.any(Object) }),
    });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]?.args[0].input;
    expect(JSON.parse(input?.Target?.Input ?? '{}')).toEqual(retry);
    expect(input?.ClientToken).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gives the target Scheduler's default retry policy and the dead-letter queue, when one is set", async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const deadLetterArn = 'arn:aws:sqs:eu-west-1:123456789012:b2a-test-retry-dlq';
    const withDeadLetters = new SchedulerRetryScheduler(new SchedulerClient({}), {
      groupName: 'b2a-test',
      queueArn: QUEUE_ARN,
      roleArn: ROLE_ARN,
      deadLetterArn,
    });

    // Act
    await withDeadLetters.schedule(envelope(2), new Date('2026-03-01T10:30:00.000Z'));
    await subject().schedule(envelope(3), new Date('2026-03-01T10:30:00.000Z'));

    // Assess
    const [first, second] = scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
    expect(first?.Target).toMatchObject({
      DeadLetterConfig: { Arn: deadLetterArn },
      RetryPolicy: {
        MaximumEventAgeInSeconds: DEFAULT_TARGET_RETRY_POLICY.maximumEventAgeSeconds,
        MaximumRetryAttempts: DEFAULT_TARGET_RETRY_POLICY.maximumRetryAttempts,
      },
    });
    expect(second?.Target?.DeadLetterConfig).toBeUndefined();
  });

  it('names schedules within Scheduler limits, the same for the same retry and different per attempt', () => {
    // Act
    const first = scheduleNameOf(envelope(2));
    const again = scheduleNameOf(envelope(2));
    const next = scheduleNameOf(envelope(3));
    const otherKey = scheduleNameOf(envelope(2, 'other.csv'));

    // Assess
    expect(first).toMatch(/^b2a-[0-9a-f]{60}$/);
    expect(first).toMatch(/^[0-9a-zA-Z-_.]{1,64}$/);
    expect(again).toBe(first);
    expect(next).not.toBe(first);
    expect(otherKey).not.toBe(first);
    // Each deferral of attempt 2 is its own schedule: the one before may not be deleted yet.
    const deferred = (n: number) =>
      scheduleNameOf({ ...envelope(2), kind: 'deferral', origin: 'retry', deferral: n });
    expect(new Set([first, deferred(1), deferred(2)]).size).toBe(3);
    expect(deferred(1)).toMatch(/^b2a-[0-9a-f]{60}$/);
  });

  it('never moves the time it is given: one off the minute is refused, as the job records it as the firing time', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });

    // Act
    const offGrain = subject().schedule(envelope(2), new Date('2026-03-01T10:01:30.000Z'));

    // Assess
    await expect(offGrain).rejects.toBeInstanceOf(UnschedulableTimeError);
    expect(scheduler).toHaveReceivedCommandTimes(CreateScheduleCommand, 0);
  });

  it('sends the identical request, token included, when the target is re-run for the same retry in the same minute', async () => {
    // Prepare: a record that fails once, so the pipe re-runs the target (ClientToken: "ensure the
    // idempotency of the request", https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html;
    // AWS answers a token reused with other parameters with an error, e.g.
    // https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-idempotency.html)
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const clock = new FakeClock(new Date('2026-03-01T10:00:05.000Z'));
    const jobs = new FakeJobs();
    jobs.failRecord = new Error('ProvisionedThroughputExceededException');
    const deps = {
      config: parsePipelineConfig({ environment: 'test', api: { url: 'https://x.test' } }),
      jobs,
      scheduler: subject(),
      notifier: new FakeNotifier(),
      clock,
    };
    const failed: EnrichedItem = {
      messageId: 'm-1',
      at: clock.now().toISOString(),
      result: { kind: 'retryable', reason: 'HTTP 503', httpStatus: 503 },
      request: {
        object: { bucket: 'inbox', key: 'a.csv', versionId: 'v1' },
        run: { id: 'auto', startedAt: '2026-03-01T09:59:58.000Z' },
        attempt: 1,
        origin: 's3-event',
        idempotencyKey: 'k',
      },
    };

    // Act
    const first = await recordBatch(deps, [failed]);
    jobs.failRecord = undefined;
    clock.advance(45_000);
    const second = await recordBatch(deps, [{ ...failed, at: clock.now().toISOString() }]);

    // Assess
    expect([first.failedMessageIds, second.failedMessageIds]).toEqual([['m-1'], []]);
    const [a, b] = scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
    expect(b).toEqual(a);
    expect(jobs.jobs.get('inbox/a.csv#v1')?.nextAttemptAt).toBe(
      `${/^at\((.*)\)$/.exec(a?.ScheduleExpression ?? '')?.[1]}.000Z`,
    );
  });

  it('gives a different request a different client token, so that one token never names two requests', async () => {
    // Prepare
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });

    // Act
    await subject().schedule(envelope(2), new Date('2026-03-01T10:30:00.000Z'));
    await subject().schedule(envelope(2), new Date('2026-03-01T10:31:00.000Z'));

    // Assess
    const [a, b] = scheduler.commandCalls(CreateScheduleCommand).map((call) => call.args[0].input);
    expect(a?.Name).toBe(b?.Name);
    expect(a?.ClientToken).not.toBe(b?.ClientToken);
  });

  it('treats an existing schedule of the same name as success', async () => {
    // Prepare: CreateSchedule answers a name already taken with ConflictException, HTTP 409
    // (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html#API_CreateSchedule_Errors).
    scheduler.on(CreateScheduleCommand).rejects(
      new ConflictException({
        message: 'Schedule already exists',
        Message: 'Schedule already exists',
        $metadata: { httpStatusCode: 409 },
      }),
    );

    // Act
    const scheduled = subject().schedule(envelope(2), new Date('2026-03-01T11:00:00Z'));

    // Assess
    await expect(scheduled).resolves.toBeUndefined();
  });

  it('passes any other failure on', async () => {
    // Prepare
    const invalid = new ValidationException({ message: 'bad role', Message: 'bad role', $metadata: {} });
    scheduler.on(CreateScheduleCommand).rejects(invalid);

    // Act
    const scheduled = subject().schedule(envelope(2), new Date('2026-03-01T11:00:00Z'));

    // Assess
    await expect(scheduled).rejects.toBe(invalid);
  });
});

describe('Function: atExpression', () => {
  it('writes UTC to the second without a zone suffix', () => {
    // Act
    const expression = atExpression(new Date('2026-12-31T23:59:59.999Z'));

    // Assess
    expect(expression).toBe('at(2026-12-31T23:59:59)');
  });
});
