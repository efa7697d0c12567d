import { RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import {
  discoveryParameterName,
  ENV,
  flagParameterName,
  type DeployedResources,
} from '../../pipeline-functions/core/names.js';
import { pipelineConfigOf, type StageConfig } from '../config/stage-config.js';
import { AdminAccess } from '../constructs/AdminAccess.js';
import { DeliveryPipe } from '../constructs/DeliveryPipe.js';
import { JobsTable } from '../constructs/JobsTable.js';
import { Monitoring } from '../constructs/Monitoring.js';
import { acknowledgeWildcardResource } from '../constructs/nag.js';
import { NotificationTopic } from '../constructs/NotificationTopic.js';
import { objectKeyPattern } from '../constructs/object-key-filter.js';
import { PipelineFunction } from '../constructs/PipelineFunction.js';
import { visibilityTimeoutSeconds } from '../constructs/queue-defaults.js';
import { RetryScheduling } from '../constructs/RetryScheduling.js';
import { SourceBucket } from '../constructs/SourceBucket.js';
import { SourceQueue } from '../constructs/SourceQueue.js';
import { LAMBDA_ENTRIES } from '../paths.js';
import { resourceNamesOf } from '../resource-names.js';

/** Props of {@link B2aStack}. */
export interface B2aStackProps extends StackProps {
  readonly config: StageConfig;
}

const RUNTIME_PIN_REASON =
  'b2a pins nodejs22.x, the runtime its handlers are built and tested for; moving to a newer runtime is a deliberate b2a upgrade.';

/**
 * One b2a stage: S3 bucket → EventBridge rule → SQS queue → pipe (enrichment → target), with the
 * jobs table, the enabled flag, the retry schedule group, the notification topic, the admin policy,
 * alarms and a dashboard. Publishes every resource name in the discovery parameter for the CLI.
 */
export class B2aStack extends Stack {
  public readonly source: SourceBucket;
  public readonly queues: SourceQueue;
  public readonly rule: events.Rule;
  public readonly jobs: JobsTable;
  public readonly flag: ssm.StringParameter;
  public readonly discovery: ssm.StringParameter;
  public readonly notifications: NotificationTopic;
  public readonly retries: RetryScheduling;
  public readonly enrichment: PipelineFunction;
  public readonly target: PipelineFunction;
  public readonly pipe: DeliveryPipe;
  public readonly admin: AdminAccess;
  public readonly monitoring: Monitoring;

  public constructor(scope: Construct, id: string, props: B2aStackProps) {
    super(scope, id, props);
    const { config } = props;
    const names = resourceNamesOf(config.environment);
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const functions = config.functions;

    this.source = new SourceBucket(this, 'Source', {
      bucket: config.bucket,
      removalPolicy,
      accessLogRetentionDays: config.logRetentionDays,
    });
    this.queues = new SourceQueue(this, 'Queues', {
      queueName: names.sourceQueue,
      deadLetterQueueName: names.deadLetterQueue,
      visibilityTimeoutSeconds: visibilityTimeoutSeconds(
        functions.enrichment.timeoutSeconds,
        functions.target.timeoutSeconds,
      ),
      retentionDays: config.queue.retentionDays,
      maxReceiveCount: config.queue.maxReceiveCount,
      removalPolicy,
    });
    const { queue, deadLetterQueue } = this.queues;

    this.rule = new events.Rule(this, 'ObjectCreatedRule', {
      ruleName: names.sourceRule,
      description: `b2a ${config.environment}: new objects in the source bucket`,
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: {
          bucket: { name: [this.source.bucket.bucketName] },
          ...objectKeyPattern(config.filters),
        },
      },
    });
    this.rule.addTarget(new eventTargets.SqsQueue(queue));

    this.jobs = new JobsTable(this, 'Jobs', { tableName: names.table, removalPolicy });
    this.flag = new ssm.StringParameter(this, 'EnabledFlag', {
      parameterName: flagParameterName(config.environment),
      description: `b2a ${config.environment}: "on" lets b2a call the API, "off" skips objects (b2a toggle)`,
      stringValue: config.initialFlag,
    });
    this.notifications = new NotificationTopic(this, 'Notifications', {
      topicName: names.topic,
      emails: config.notificationEmails,
      removalPolicy,
    });
    this.retries = new RetryScheduling(this, 'Retries', {
      scheduleGroupName: names.scheduleGroup,
      queue,
      deadLetterQueueName: names.retryDeadLetterQueue,
      removalPolicy,
    });

    const pipelineConfig = JSON.stringify(pipelineConfigOf(config));
    const tableName = this.jobs.table.tableName;
    this.enrichment = new PipelineFunction(this, 'Enrichment', {
      functionName: names.enrichmentFunction,
      description: 'b2a enrichment: checks the flag, reads the object, calls the downstream API',
      entry: LAMBDA_ENTRIES.enrichment,
      memoryMb: functions.enrichment.memoryMb,
      timeoutSeconds: functions.enrichment.timeoutSeconds,
      reservedConcurrency: functions.enrichment.reservedConcurrency,
      environment: {
        [ENV.CONFIG]: pipelineConfig,
        [ENV.TABLE_NAME]: tableName,
        [ENV.FLAG_PARAMETER]: this.flag.parameterName,
        [ENV.BUCKET_NAME]: this.source.bucket.bucketName,
      },
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
    });
    this.target = new PipelineFunction(this, 'Target', {
      functionName: names.targetFunction,
      description: 'b2a target: records each job, schedules retries, notifies terminal states',
      entry: LAMBDA_ENTRIES.target,
      memoryMb: functions.target.memoryMb,
      timeoutSeconds: functions.target.timeoutSeconds,
      environment: {
        [ENV.CONFIG]: pipelineConfig,
        [ENV.TABLE_NAME]: tableName,
        [ENV.TOPIC_ARN]: this.notifications.topic.topicArn,
        [ENV.QUEUE_ARN]: queue.queueArn,
        [ENV.SCHEDULE_GROUP]: this.retries.group.scheduleGroupName,
        [ENV.SCHEDULER_ROLE_ARN]: this.retries.role.roleArn,
        [ENV.SCHEDULER_DLQ_ARN]: this.retries.deadLetterQueue.queueArn,
      },
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
    });
    this.grantEnrichment(config.api.auth.type === 'secret' ? config.api.auth.secretId : undefined);
    this.grantTarget();
    Validations.of(this.enrichment.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: RUNTIME_PIN_REASON,
    });
    Validations.of(this.target.function).acknowledge({ id: 'AwsSolutions-L1', reason: RUNTIME_PIN_REASON });

    this.pipe = new DeliveryPipe(this, 'Pipe', {
      pipeName: names.pipe,
      logGroupName: names.pipeLogGroup,
      source: queue,
      enrichment: this.enrichment.function,
      target: this.target.function,
      batch: config.batch,
      logging: config.pipe,
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
    });

    const resources: DeployedResources = {
      environment: config.environment,
      region: this.region,
      bucketName: this.source.bucket.bucketName,
      tableName,
      queueUrl: queue.queueUrl,
      dlqUrl: deadLetterQueue.queueUrl,
      flagParameter: this.flag.parameterName,
      topicArn: this.notifications.topic.topicArn,
      pipeName: names.pipe,
      scheduleGroup: this.retries.group.scheduleGroupName,
    };
    this.discovery = new ssm.StringParameter(this, 'Discovery', {
      parameterName: discoveryParameterName(config.environment),
      description: `b2a ${config.environment}: the deployed resources, read by the b2a CLI (--env ${config.environment})`,
      stringValue: this.toJsonString(resources),
    });

    this.admin = new AdminAccess(this, 'Admin', {
      policyName: names.adminPolicy,
      roleName: names.adminRole,
      flagParameter: this.flag,
      discoveryParameter: this.discovery,
      tableArn: this.jobs.table.tableArn,
      statusIndexArn: this.jobs.statusIndexArn,
      queue,
      deadLetterQueue,
      pipeArn: this.pipe.pipe.attrArn,
      bucket: this.source.bucket,
      trustedPrincipals: config.admin.trustedPrincipals,
      maxSessionHours: config.admin.maxSessionHours,
    });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      environment: config.environment,
      dashboardName: names.dashboard,
      namespace: `${names.metricNamespace}/${config.environment}`,
      thresholds: config.alarms,
      topic: this.notifications.topic,
      enrichment: this.enrichment.function,
      target: this.target.function,
      targetLogGroup: this.target.logGroup,
      enrichmentLogGroup: this.enrichment.logGroup,
      pipeName: names.pipe,
      ruleName: names.sourceRule,
      queue,
      deadLetterQueue,
      retryDeadLetterQueue: this.retries.deadLetterQueue,
    });
  }

  /**
   * The enrichment reads the flag, the job (to skip stale or duplicate attempts), the object (also
   * through the presigned URLs it signs) and, when configured, the API credential.
   */
  private grantEnrichment(secretId: string | undefined): void {
    const role = this.enrichment.role;
    const objects = this.source.bucket.arnForObjects('*');
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadEnabledFlag',
        actions: ['ssm:GetParameter'],
        resources: [this.flag.parameterArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadJobs',
        actions: ['dynamodb:GetItem'],
        resources: [this.jobs.table.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [objects],
      }),
    );
    acknowledgeWildcardResource(
      role,
      objects,
      'The b2a enrichment delivers whichever object lands in the source bucket, so it may read (and presign) any key there.',
    );
    if (this.source.objectKey) {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'DecryptObjects',
          actions: ['kms:Decrypt'],
          resources: [this.source.objectKey.keyArn],
        }),
      );
    }
    if (secretId) {
      // A name matches the secret's ARN with any suffix Secrets Manager added; an ARN is taken as complete.
      const secret = secretId.startsWith('arn:')
        ? secretsmanager.Secret.fromSecretCompleteArn(this.enrichment, 'ApiCredential', secretId)
        : secretsmanager.Secret.fromSecretNameV2(this.enrichment, 'ApiCredential', secretId);
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          sid: 'ReadApiCredential',
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
        }),
      );
    }
  }

  /**
   * The target records jobs (a consistent read, then a conditional write from it), publishes
   * terminal states and schedules retries.
   */
  private grantTarget(): void {
    const role = this.target.role;
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RecordJobs',
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [this.jobs.table.tableArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'NotifyTerminalStates',
        actions: ['sns:Publish'],
        resources: [this.notifications.topic.topicArn],
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptNotifications',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [this.notifications.key.keyArn],
      }),
    );
    this.retries.grantCreateSchedules(role);
  }
}
