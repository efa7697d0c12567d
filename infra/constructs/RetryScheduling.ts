import { Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueue } from './dead-letter-queue.js';
import { acknowledgeWildcardResource } from './nag.js';

/** Props of {@link RetryScheduling}. */
export interface RetrySchedulingProps {
  readonly scheduleGroupName: string;
  /** Where a retry's message goes: the source queue. */
  readonly queue: sqs.IQueue;
  /** Name of the queue where Scheduler puts a retry it could not deliver. */
  readonly deadLetterQueueName: string;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * What the target needs to schedule a retry: a schedule group of this stage's own, the role
 * Scheduler assumes to put the retry message on the source queue, and the dead-letter queue where
 * Scheduler puts a retry it could not deliver (after its own retries).
 *
 * That dead-letter queue is not the pipe's DLQ: Scheduler writes its own dead-letter event there
 * (invocation details), not the b2a envelope, which `b2a dlq redrive` would feed into the pipe as
 * an invalid message.
 */
export class RetryScheduling extends Construct {
  public readonly group: scheduler.ScheduleGroup;
  public readonly role: iam.Role;
  public readonly deadLetterQueue: sqs.Queue;
  /** Where a retry's message goes: the source queue. */
  public readonly queue: sqs.IQueue;

  public constructor(scope: Construct, id: string, props: RetrySchedulingProps) {
    super(scope, id);
    this.queue = props.queue;
    this.group = new scheduler.ScheduleGroup(this, 'Group', {
      scheduleGroupName: props.scheduleGroupName,
      removalPolicy: props.removalPolicy,
    });
    this.deadLetterQueue = deadLetterQueue(this, 'DeadLetterQueue', {
      queueName: props.deadLetterQueueName,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "This is the dead-letter queue of b2a's retry schedules (EventBridge Scheduler's DeadLetterConfig), so it has no dead-letter queue of its own; the stage alarms when it holds a message.",
    });
    const { account } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': account },
          ArnEquals: { 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
      description: `Lets EventBridge Scheduler put b2a retries on the ${props.scheduleGroupName} source queue, or undelivered ones on its retry DLQ`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendRetryToSourceQueue',
        actions: ['sqs:SendMessage'],
        resources: [props.queue.queueArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendUndeliveredRetryToDeadLetterQueue',
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
      }),
    );
  }

  /** ARN pattern of the schedules in this stage's group (a schedule's name is chosen at run time). */
  public get schedulesArn(): string {
    const stack = Stack.of(this);
    return stack.formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${this.group.scheduleGroupName}/*`,
    });
  }

  /** Lets `role` create one-time schedules in this group that run as this group's role. */
  public grantCreateSchedules(role: iam.Role): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'CreateRetrySchedules',
        actions: ['scheduler:CreateSchedule'],
        resources: [this.schedulesArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PassRoleToScheduler',
        actions: ['iam:PassRole'],
        resources: [this.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    acknowledgeWildcardResource(
      role,
      this.schedulesArn,
      "Each b2a retry is a one-time schedule named by a hash of its job and attempt, known only at run time; the wildcard stays inside this stage's schedule group.",
    );
  }
}
