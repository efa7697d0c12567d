import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { admissionStateStatement } from './connections.js';
import { acknowledgeWildcardResource } from './nag.js';
import { distinguishMissingObjects } from './SourceBucket.js';

/** Props of {@link AdminAccess}. */
export interface AdminAccessProps {
  readonly policyName: string;
  readonly roleName: string;
  readonly flagParameter: ssm.IStringParameter;
  readonly discoveryParameter: ssm.IStringParameter;
  readonly tableArn: string;
  readonly statusIndexArn: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  readonly pipeArn: string;
  readonly bucket: s3.IBucket;
  /**
   * The stage has a rate limit: bulk sends (reprocess, backfill, reconcile --fix) take permits in
   * the jobs table's admission partition. @default false
   */
  readonly paceBulkSends?: boolean;
  /** Account ids or IAM ARNs that may assume the admin role. Empty: no role is created. */
  readonly trustedPrincipals: readonly string[];
  readonly maxSessionHours: number;
}

/**
 * The managed policy an admin needs to run `b2a` against one stage, and nothing more, plus (when
 * the config names who may assume it) a role carrying that policy. `sts:GetCallerIdentity`, which
 * `b2a status` calls, needs no permission.
 */
export class AdminAccess extends Construct {
  public readonly policy: iam.ManagedPolicy;
  public readonly role?: iam.Role;

  public constructor(scope: Construct, id: string, props: AdminAccessProps) {
    super(scope, id);
    const { queue, deadLetterQueue } = props;
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      managedPolicyName: props.policyName,
      description: 'What the b2a CLI needs to administer one stage',
      statements: [
        new iam.PolicyStatement({
          sid: 'ReadAndSetEnabledFlag',
          actions: ['ssm:GetParameter', 'ssm:PutParameter', 'ssm:GetParameterHistory'],
          resources: [props.flagParameter.parameterArn],
        }),
        new iam.PolicyStatement({
          sid: 'DiscoverResources',
          actions: ['ssm:GetParameter'],
          resources: [props.discoveryParameter.parameterArn],
        }),
        new iam.PolicyStatement({
          // BatchGetItem: backfill and reconcile look up the jobs of 100 listed objects a call.
          sid: 'ReadJobs',
          actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
          resources: [props.tableArn, props.statusIndexArn],
        }),
        new iam.PolicyStatement({
          // Also authorises SendMessageBatch (backfill, reconcile --fix), which has no action of its own
          // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html).
          sid: 'ReprocessObjects',
          actions: ['sqs:SendMessage'],
          resources: [queue.queueArn],
        }),
        new iam.PolicyStatement({
          sid: 'WatchQueues',
          actions: ['sqs:GetQueueAttributes'],
          resources: [queue.queueArn, deadLetterQueue.queueArn],
        }),
        new iam.PolicyStatement({
          // Peeking receives and then releases a message. A redrive is a message move task, which
          // receives and deletes on the DLQ (and sends to the source queue, granted above); `b2a dlq
          // redrive` then lists the task to report how many messages it moved.
          sid: 'InspectAndRedriveDeadLetters',
          actions: [
            'sqs:ReceiveMessage',
            'sqs:ChangeMessageVisibility',
            'sqs:StartMessageMoveTask',
            'sqs:DeleteMessage',
            'sqs:ListMessageMoveTasks',
          ],
          resources: [deadLetterQueue.queueArn],
        }),
        new iam.PolicyStatement({
          sid: 'WatchPipe',
          actions: ['pipes:DescribePipe'],
          resources: [props.pipeArn],
        }),
        new iam.PolicyStatement({
          // b2a toggle hold stops the pipe, so that messages wait in the source queue; on/off start it.
          sid: 'HoldPipe',
          actions: ['pipes:StopPipe', 'pipes:StartPipe'],
          resources: [props.pipeArn],
        }),
        ...(props.paceBulkSends ? [admissionStateStatement('PaceBulkSends', props.tableArn)] : []),
        new iam.PolicyStatement({
          // HeadObject is authorised by s3:GetObject (s3:GetObjectVersion when a version is named).
          sid: 'CheckObjectsExist',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [props.bucket.arnForObjects('*')],
        }),
        // So that `b2a reprocess <key>` can say "not found" (exit 3) instead of "access denied".
        distinguishMissingObjects(props.bucket),
      ],
    });

    acknowledgeWildcardResource(
      this.policy,
      props.bucket.arnForObjects('*'),
      'b2a reprocess checks that the object an admin names exists; any key of the source bucket may be named.',
    );

    if (props.trustedPrincipals.length > 0) {
      const principals = props.trustedPrincipals.map((principal) =>
        /^\d{12}$/.test(principal) ? new iam.AccountPrincipal(principal) : new iam.ArnPrincipal(principal),
      );
      this.role = new iam.Role(this, 'Role', {
        roleName: props.roleName,
        description: 'Assumed by the admins who run b2a against this stage',
        assumedBy: new iam.CompositePrincipal(...principals),
        maxSessionDuration: Duration.hours(props.maxSessionHours),
        managedPolicies: [this.policy],
      });
    }
  }
}
