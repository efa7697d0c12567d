import { Aws, CfnRule, Fn, RemovalPolicy, Stack, Token, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import {
  discoveryParameterName,
  flagParameterName,
  type DeployedResources,
} from '../../pipeline-functions/core/names.js';
import { admissionOf } from '../../pipeline-functions/core/config.js';
import { secretIdsOf } from '../../pipeline-functions/core/credential-sources.js';
import { ConfigError } from '../../pipeline-functions/core/errors.js';
import { FUNCTION_ENVIRONMENT } from '../../pipeline-functions/core/function-environment.js';
import { bucketRegionMismatch, pipelineConfigOf, type StageConfig } from '../config/stage-config.js';
import { AdminAccess } from '../constructs/AdminAccess.js';
import {
  connectAdmission,
  connectApiCredentials,
  connectConfig,
  connectFlag,
  connectObjects,
  connectRetries,
  connectTable,
  connectVersionChecks,
  connectTopic,
} from '../constructs/connections.js';
import { DeliveryPipe } from '../constructs/DeliveryPipe.js';
import { JobsTable } from '../constructs/JobsTable.js';
import { Monitoring } from '../constructs/Monitoring.js';
import { NotificationTopic } from '../constructs/NotificationTopic.js';
import { objectKeyPattern } from '../constructs/object-key-filter.js';
import { PipelineFunction } from '../constructs/PipelineFunction.js';
import { visibilityTimeoutSeconds } from '../constructs/queue-defaults.js';
import { RetryScheduling } from '../constructs/RetryScheduling.js';
import { SourceBucket } from '../constructs/SourceBucket.js';
import { SourceQueue } from '../constructs/SourceQueue.js';
import { LAMBDA_ENTRIES } from '../paths.js';
import { resourceNamesOf } from '../../pipeline-functions/core/resource-names.js';

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
    // Retained like RETAIN, except when the create that made a resource rolls back: CloudFormation then
    // deletes it, so that its fixed name does not block the next deploy with "already exists"
    // (DeletionPolicy RetainExceptOnCreate, UpdateReplacePolicy Retain).
    const removalPolicy =
      config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY;
    const functions = config.functions;
    this.requireBucketRegion(config.bucket);

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

    const pipelineConfig = pipelineConfigOf(config);
    const tableName = this.jobs.table.tableName;
    this.enrichment = new PipelineFunction(this, 'Enrichment', {
      functionName: names.enrichmentFunction,
      description: 'b2a enrichment: checks the flag, reads the object, calls the downstream API',
      entry: LAMBDA_ENTRIES.enrichment,
      memoryMb: functions.enrichment.memoryMb,
      timeoutSeconds: functions.enrichment.timeoutSeconds,
      reservedConcurrency: functions.enrichment.reservedConcurrency,
      variables: FUNCTION_ENVIRONMENT.enrichment,
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
    });
    connectConfig(this.enrichment, pipelineConfig);
    connectFlag(this.enrichment, this.flag);
    connectTable(this.enrichment, this.jobs.table, 'read');
    connectVersionChecks(this.enrichment, this.jobs.table, pipelineConfig);
    connectObjects(this.enrichment, this.source);
    connectApiCredentials(this.enrichment, secretIdsOf(config.api));
    connectTopic(this.enrichment, this.notifications, 'NotifyCircuitTransitions');
    if (config.api.rateLimit || config.api.circuitBreaker) connectAdmission(this.enrichment, this.jobs.table);

    this.target = new PipelineFunction(this, 'Target', {
      functionName: names.targetFunction,
      description: 'b2a target: records each job, schedules retries, notifies terminal states',
      entry: LAMBDA_ENTRIES.target,
      memoryMb: functions.target.memoryMb,
      timeoutSeconds: functions.target.timeoutSeconds,
      variables: FUNCTION_ENVIRONMENT.target,
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
    });
    connectConfig(this.target, pipelineConfig);
    connectTable(this.target, this.jobs.table, 'record');
    connectTopic(this.target, this.notifications);
    connectRetries(this.target, this.retries);
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
      filters: { prefix: config.filters.prefix, suffix: config.filters.suffix },
      admission: admissionOf(config.api),
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
      paceBulkSends: config.api.rateLimit !== undefined,
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
      circuitBreaker: config.api.circuitBreaker !== undefined,
    });
  }

  /**
   * S3 events only come to the default bus of the bucket's region. A stack whose region is known at
   * synth must be there; an environment-agnostic one gets a template rule that refuses other regions.
   */
  private requireBucketRegion(bucket: StageConfig['bucket']): void {
    if (bucket.source !== 'existing') return;
    if (Token.isUnresolved(this.region)) {
      new CfnRule(this, 'BucketRegion', {
        assertions: [
          {
            assert: Fn.conditionEquals(Aws.REGION, bucket.region),
            assertDescription: `b2a: deploy this stack to ${bucket.region}, the region of bucket ${bucket.name}`,
          },
        ],
      });
      return;
    }
    if (this.region !== bucket.region) {
      throw new ConfigError('bucket.region', bucketRegionMismatch(bucket.name, bucket.region, this.region));
    }
  }
}
