import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { COMMAND_PERMISSIONS, DISCOVERY_PERMISSION } from '../../../cli/permissions.js';
import { ConfigError } from '../../../pipeline-functions/core/errors.js';
import { FUNCTION_ENVIRONMENT } from '../../../pipeline-functions/core/function-environment.js';
import {
  ADMISSION_PARTITION,
  JOBS_TABLE,
  LATEST_VERSION_PREFIX,
} from '../../../pipeline-functions/adapters/aws/jobs-table.js';
import {
  discoveryParameterName,
  ENV,
  flagParameterName,
  CIRCUIT_STATE_LOG,
  FLAG_NOT_UNDERSTOOD_LOG,
  JOB_RECORDED_LOG,
  STATUS_INDEX,
  type DeployedResources,
} from '../../../pipeline-functions/core/names.js';
import { STAGES } from '../../../infra/config/index.js';
import { parseStageConfig, type StageConfig } from '../../../infra/config/stage-config.js';
import { BUNDLING } from '../../../infra/constructs/PipelineFunction.js';
import { visibilityTimeoutSeconds } from '../../../infra/constructs/queue-defaults.js';
import { B2aStack } from '../../../infra/stacks/B2aStack.js';
import { synthesize, type Synthesized } from '../support/synth.js';
import {
  canonical,
  cfn,
  identityPolicies,
  logicalIdOf,
  statementsOf,
  type Json,
  type Statement,
} from '../support/template.js';

const dev = STAGES['dev'] as StageConfig;
const prod = STAGES['prod'] as StageConfig;
/**
 * A stage with every optional feature: existing bucket, secret, filters, reserved concurrency, admin
 * role, email, rate limit and circuit breaker.
 */
const qa = parseStageConfig(
  {
    environment: 'qa',
    account: '222222222222',
    region: 'eu-west-1',
    api: {
      url: 'https://qa.api.example.com/in',
      auth: { type: 'secret', secretId: 'b2a/qa/token' },
      rateLimit: { perSecond: 50 },
      circuitBreaker: { failureThreshold: 5, probeSeconds: 30 },
    },
    bucket: {
      source: 'existing',
      name: 'qa-landing-bucket',
      region: 'eu-west-1',
      kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
    filters: { prefix: 'incoming/', suffix: '.json' },
    functions: { enrichment: { reservedConcurrency: 3 } },
    notificationEmails: ['ops@example.com'],
    admin: { trustedPrincipals: ['222222222222', 'arn:aws:iam::222222222222:role/Ops'], maxSessionHours: 2 },
    removalPolicy: 'destroy',
  },
  'qa fixture',
);

let synthesized: Synthesized;
let devStack: B2aStack;
let prodStack: B2aStack;
let qaStack: B2aStack;
let devTemplate: Template;
let prodTemplate: Template;
let qaTemplate: Template;

beforeAll(() => {
  synthesized = synthesize({ stages: [dev, prod, qa] });
  devStack = synthesized.stacks['dev'] as B2aStack;
  prodStack = synthesized.stacks['prod'] as B2aStack;
  qaStack = synthesized.stacks['qa'] as B2aStack;
  devTemplate = Template.fromStack(devStack);
  prodTemplate = Template.fromStack(prodStack);
  qaTemplate = Template.fromStack(qaStack);
});

afterAll(() => synthesized.cleanup());

const getAtt = (construct: Parameters<typeof logicalIdOf>[0], attribute = 'Arn') => ({
  'Fn::GetAtt': [logicalIdOf(construct), attribute],
});
const ref = (construct: Parameters<typeof logicalIdOf>[0]) => ({ Ref: logicalIdOf(construct) });
/** What a function that publishes to the topic is granted: publish, through the topic's key. */
const publishing = (stack: B2aStack, sid: string) => [
  { Sid: sid, Effect: 'Allow', Action: ['sns:Publish'], Resource: [ref(stack.notifications.topic)] },
  {
    Sid: 'EncryptNotifications',
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
    Resource: [getAtt(stack.notifications.key)],
  },
];
const tlsOnly = Match.arrayWith([
  Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
]);

describe('Class: B2aStack', () => {
  describe('source bucket', () => {
    it('creates a private, encrypted, TLS-only bucket that sends events to EventBridge', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::S3::Bucket', {
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        VersioningConfiguration: {
          Status: dev.bucket.source === 'create' && dev.bucket.versioned ? 'Enabled' : 'Suspended',
        },
        LoggingConfiguration: Match.objectLike({ DestinationBucketName: Match.anyValue() }),
      });
      devTemplate.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: ref(devStack.source.bucket),
        PolicyDocument: { Statement: tlsOnly },
      });
    });

    it('only turns on EventBridge notifications of an existing bucket, keeping its others', () => {
      // Assess
      qaTemplate.resourceCountIs('AWS::S3::Bucket', 0);
      qaTemplate.hasResourceProperties('Custom::S3BucketNotifications', {
        BucketName: 'qa-landing-bucket',
        NotificationConfiguration: { EventBridgeConfiguration: {} },
        Managed: false,
      });
    });

    it('keeps the bucket in prod and empties and deletes it in dev', () => {
      // Assess
      prodTemplate.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({ NotificationConfiguration: Match.anyValue() }),
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
      prodTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
      devTemplate.hasResource('AWS::S3::Bucket', {
        Properties: Match.objectLike({ NotificationConfiguration: Match.anyValue() }),
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('rule and queues', () => {
    it('routes "Object Created" events of the bucket to the source queue', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::Events::Rule', {
        Name: 'b2a-dev-object-created',
        EventPattern: {
          source: ['aws.s3'],
          'detail-type': ['Object Created'],
          detail: { bucket: { name: [ref(devStack.source.bucket)] } },
        },
        Targets: [Match.objectLike({ Arn: getAtt(devStack.queues.queue) })],
      });
    });

    it("applies the config's key prefix and suffix in the rule", () => {
      // Assess
      qaTemplate.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          detail: {
            bucket: { name: ['qa-landing-bucket'] },
            object: { key: [{ wildcard: 'incoming/*.json' }] },
          },
        },
      });
    });

    it('lets only the rule send to the queue through its policy, over TLS', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(devStack.queues.queue)],
        PolicyDocument: {
          Statement: [
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
              Condition: { ArnEquals: { 'aws:SourceArn': getAtt(devStack.rule) } },
            }),
          ],
        },
      });
      devTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(devStack.queues.deadLetterQueue)],
        PolicyDocument: { Statement: tlsOnly },
      });
    });

    it('encrypts the source queue, redrives to the DLQ and sizes it for the pipe', () => {
      // Prepare
      const { enrichment, target } = dev.functions;
      const pipeExecutionSeconds = enrichment.timeoutSeconds + target.timeoutSeconds;

      // Assess
      const queue = devTemplate.toJSON()['Resources'][logicalIdOf(devStack.queues.queue)] as {
        Properties: Json;
      };
      expect(queue.Properties).toMatchObject({
        QueueName: 'b2a-dev-source',
        SqsManagedSseEnabled: true,
        RedrivePolicy: {
          deadLetterTargetArn: getAtt(devStack.queues.deadLetterQueue),
          maxReceiveCount: dev.queue.maxReceiveCount,
        },
        VisibilityTimeout: visibilityTimeoutSeconds(enrichment.timeoutSeconds, target.timeoutSeconds),
        MessageRetentionPeriod: dev.queue.retentionDays * 86_400,
      });
      expect(dev.queue.maxReceiveCount).toBeGreaterThanOrEqual(5);
      expect(queue.Properties['VisibilityTimeout']).toBeGreaterThanOrEqual(6 * pipeExecutionSeconds);
      expect(queue.Properties['MessageRetentionPeriod']).toBeGreaterThanOrEqual(4 * 86_400);
      devTemplate.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'b2a-dev-dlq',
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      });
    });

    it.each(['dev', 'prod'])(
      // SQS ages a dead letter from its first enqueue on the source queue, so a DLQ keeping messages no
      // longer than its source would drop them at once:
      // https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html
      'keeps dead letters (pipe and retry DLQs) longer than the source queue keeps messages (%s)',
      (stage) => {
        // Prepare
        const stack = stage === 'dev' ? devStack : prodStack;
        const template = stage === 'dev' ? devTemplate : prodTemplate;
        const retention = (queue: Parameters<typeof logicalIdOf>[0]): number =>
          (template.toJSON()['Resources'][logicalIdOf(queue)] as { Properties: Json }).Properties[
            'MessageRetentionPeriod'
          ] as number;

        // Act
        const source = retention(stack.queues.queue);
        const deadLetters = [
          retention(stack.queues.deadLetterQueue),
          retention(stack.retries.deadLetterQueue),
        ];

        // Assess
        expect(source).toBe(7 * 86_400);
        expect(deadLetters).toEqual([14 * 86_400, 14 * 86_400]);
      },
    );
  });

  describe('pipe', () => {
    it('reads the queue in batches, enriches, then calls the target synchronously, with logging', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::Pipes::Pipe', {
        Name: 'b2a-dev',
        Source: getAtt(devStack.queues.queue),
        SourceParameters: {
          SqsQueueParameters: {
            BatchSize: dev.batch.size,
            MaximumBatchingWindowInSeconds: dev.batch.windowSeconds,
          },
        },
        Enrichment: getAtt(devStack.enrichment.function),
        Target: getAtt(devStack.target.function),
        TargetParameters: { LambdaFunctionParameters: { InvocationType: 'REQUEST_RESPONSE' } },
        RoleArn: getAtt(devStack.pipe.role),
        LogConfiguration: {
          Level: dev.pipe.logLevel,
          CloudwatchLogsLogDestination: { LogGroupArn: getAtt(devStack.pipe.logGroup) },
        },
      });
    });

    it('has a role only the pipes service of this account can assume', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'pipes.amazonaws.com' },
              Condition: { StringEquals: { 'aws:SourceAccount': devStack.account } },
            },
          ],
        },
      });
    });
  });

  describe('functions', () => {
    // Exactly the variables each function's composition root requires.
    it.each<['enrichment' | 'target', string, readonly string[]]>([
      ['enrichment', 'b2a-dev-enrichment', FUNCTION_ENVIRONMENT.enrichment],
      ['target', 'b2a-dev-target', FUNCTION_ENVIRONMENT.target],
    ])('runs the %s on Node.js 22, ARM64, with its log group and variables', (step, name, variables) => {
      // Prepare
      const fn = step === 'enrichment' ? devStack.enrichment : devStack.target;

      // Assess
      const resource = devTemplate.toJSON()['Resources'][logicalIdOf(fn.function)] as { Properties: Json };
      expect(resource.Properties).toMatchObject({
        FunctionName: name,
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Role: getAtt(fn.role),
        LoggingConfig: { LogGroup: ref(fn.logGroup) },
      });
      const env = (resource.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables;
      // Changed on purpose (issue 14): no NODE_OPTIONS, the bundles ship without source maps.
      expect(Object.keys(env).sort()).toEqual([...variables].sort());
      expect(JSON.parse(env[ENV.CONFIG] as string)).toMatchObject({
        environment: 'dev',
        api: { url: dev.api.url },
      });
      devTemplate.hasResourceProperties('AWS::Logs::LogGroup', {
        LogGroupName: `/aws/lambda/${name}`,
        RetentionInDays: dev.logRetentionDays,
      });
    });

    it('reserves no concurrency unless the stage asks for it', () => {
      // Prepare
      // An account may reserve only its concurrency limit minus 100; new accounts have 10 or 50
      // (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionConcurrency.html).
      const properties = (stack: B2aStack, template: Template): Json =>
        (template.toJSON()['Resources'][logicalIdOf(stack.enrichment.function)] as { Properties: Json })
          .Properties;

      // Assess
      expect(properties(devStack, devTemplate)).not.toHaveProperty('ReservedConcurrentExecutions');
      expect(properties(prodStack, prodTemplate)).not.toHaveProperty('ReservedConcurrentExecutions');
      expect(properties(qaStack, qaTemplate)['ReservedConcurrentExecutions']).toBe(3);
    });

    it('bundles with the local esbuild, minified, with the AWS SDK inside', () => {
      // Assess
      expect(BUNDLING).toMatchObject({ forceDockerBundling: false, minify: true, externalModules: [] });
    });

    it('passes the API credential by secret name, never its value', () => {
      // Assess
      const resource = qaTemplate.toJSON()['Resources'][logicalIdOf(qaStack.enrichment.function)] as {
        Properties: { Environment: { Variables: Record<string, string> } };
      };
      const config = JSON.parse(resource.Properties.Environment.Variables[ENV.CONFIG] as string) as Json;
      // The 0.1 `secret` auth reaches the function as the header auth it maps onto (issue 12).
      expect(config['api']).toMatchObject({
        auth: { type: 'header', credential: { secretId: 'b2a/qa/token' } },
      });
      // Only the names b2a defines: no variable carries the credential itself.
      expect(Object.keys(resource.Properties.Environment.Variables).sort()).toEqual(
        [...FUNCTION_ENVIRONMENT.enrichment].sort(),
      );
      qaTemplate.resourceCountIs('AWS::SecretsManager::Secret', 0);
    });
  });

  describe('jobs table', () => {
    // Changed on purpose (issue 14): the status index is sparse, keyed on `attention`, under a new name.
    it('has the layout of the DynamoDB adapter, on demand, with PITR and TTL', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'b2a-dev-jobs',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: JOBS_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: JOBS_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: JOBS_TABLE.statusIndexPartitionKey, AttributeType: 'S' },
          { AttributeName: JOBS_TABLE.statusIndexSortKey, AttributeType: 'S' },
        ]),
        GlobalSecondaryIndexes: [
          {
            IndexName: 'by-attention',
            KeySchema: [
              { AttributeName: 'attention', KeyType: 'HASH' },
              { AttributeName: 'updatedAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      });
    });

    it('protects and retains the table in prod only', () => {
      // Assess
      prodTemplate.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
        DeletionPolicy: 'RetainExceptOnCreate',
        UpdateReplacePolicy: 'Retain',
      });
      devTemplate.hasResource('AWS::DynamoDB::Table', {
        Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
        DeletionPolicy: 'Delete',
      });
    });
  });

  describe('parameters', () => {
    it('creates the enabled flag with the configured initial value', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::SSM::Parameter', {
        Name: flagParameterName('dev'),
        Type: 'String',
        Value: dev.initialFlag,
      });
      prodTemplate.hasResourceProperties('AWS::SSM::Parameter', {
        Name: flagParameterName('prod'),
        Value: prod.initialFlag,
      });
    });

    it('publishes every deployed resource in the discovery parameter', () => {
      // Prepare
      const parameter = devTemplate.toJSON()['Resources'][logicalIdOf(devStack.discovery)] as {
        Properties: { Name: string; Value: { 'Fn::Join': [string, unknown[]] } };
      };
      const [, parts] = parameter.Properties.Value['Fn::Join'];
      // References become `<LogicalId>`, so the JSON parses and says what each name points at.
      const text = parts
        .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
        .join('');

      // Act
      const resources = JSON.parse(text) as DeployedResources;

      // Assess
      expect(parameter.Properties.Name).toBe(discoveryParameterName('dev'));
      const token = (construct: Parameters<typeof logicalIdOf>[0]) => `<${logicalIdOf(construct)}>`;
      expect(resources).toEqual({
        environment: 'dev',
        region: devStack.region,
        bucketName: token(devStack.source.bucket),
        tableName: token(devStack.jobs.table),
        queueUrl: token(devStack.queues.queue),
        dlqUrl: token(devStack.queues.deadLetterQueue),
        flagParameter: token(devStack.flag),
        topicArn: token(devStack.notifications.topic),
        pipeName: 'b2a-dev',
        scheduleGroup: 'b2a-dev',
        filters: { prefix: '', suffix: '' },
        admission: { circuitBreaker: false },
      });
    });

    it('tells the CLI the rate limit (to pace bulk sends) and that there is a breaker (to show it)', () => {
      // Prepare
      const parameter = qaTemplate.toJSON()['Resources'][logicalIdOf(qaStack.discovery)] as {
        Properties: { Value: { 'Fn::Join': [string, unknown[]] } };
      };

      // Act
      const text = parameter.Properties.Value['Fn::Join'][1].filter((p) => typeof p === 'string').join('');

      // Assess
      expect(text).toContain('"admission":{"rateLimit":{"perSecond":50},"circuitBreaker":true}');
    });
  });

  describe('notifications', () => {
    it('encrypts the topic with a rotated key CloudWatch may use, TLS only', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::SNS::Topic', {
        TopicName: 'b2a-dev-notifications',
        KmsMasterKeyId: getAtt(devStack.notifications.key),
      });
      devTemplate.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: tlsOnly } });
      devTemplate.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            }),
          ]),
        },
      });
    });

    it('subscribes the configured emails, and none by default', () => {
      // Assess
      qaTemplate.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'ops@example.com',
        TopicArn: ref(qaStack.notifications.topic),
      });
      devTemplate.resourceCountIs('AWS::SNS::Subscription', dev.notificationEmails.length);
    });
  });

  describe('retry scheduling', () => {
    it("creates the stage's schedule group and a role only Scheduler may assume for it", () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'b2a-dev' });
      devTemplate.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': devStack.account },
                ArnEquals: { 'aws:SourceArn': getAtt(devStack.retries.group) },
              },
            },
          ],
        },
      });
    });

    it("gives Scheduler its own encrypted, TLS-only dead-letter queue, apart from the pipe's DLQ", () => {
      // Prepare
      const { deadLetterQueue } = devStack.retries;
      const targetResource = devTemplate.toJSON()['Resources'][logicalIdOf(devStack.target.function)] as {
        Properties: { Environment: { Variables: Record<string, unknown> } };
      };

      // Assess
      expect(logicalIdOf(deadLetterQueue)).not.toBe(logicalIdOf(devStack.queues.deadLetterQueue));
      devTemplate.hasResourceProperties('AWS::SQS::Queue', {
        QueueName: 'b2a-dev-retry-dlq',
        SqsManagedSseEnabled: true,
        MessageRetentionPeriod: 14 * 86_400,
      });
      devTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [ref(deadLetterQueue)],
        PolicyDocument: { Statement: tlsOnly },
      });
      expect(targetResource.Properties.Environment.Variables[ENV.SCHEDULER_DLQ_ARN]).toEqual(
        getAtt(deadLetterQueue),
      );
      prodTemplate.hasResource('AWS::SQS::Queue', {
        Properties: Match.objectLike({ QueueName: 'b2a-prod-retry-dlq' }),
        DeletionPolicy: 'RetainExceptOnCreate',
      });
    });

    it('alarms to the topic when a retry could not be delivered', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'b2a-dev-retries-undelivered',
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: getAtt(devStack.retries.deadLetterQueue, 'QueueName') }],
        Threshold: 1,
        AlarmDescription: Match.stringLikeRegexp('b2a reprocess'),
        AlarmActions: [ref(devStack.notifications.topic)],
      });
    });
  });

  describe('IAM', () => {
    /** What every identity policy of a stack must say, statement by statement. */
    function expectedPolicies(stack: B2aStack): Record<string, Statement[]> {
      const queueArn = getAtt(stack.queues.queue);
      const dlqArn = getAtt(stack.queues.deadLetterQueue);
      const tableArn = getAtt(stack.jobs.table);
      const objects = cfn(stack, stack.source.bucket.arnForObjects('*'));
      const bucketArn = cfn(stack, stack.source.bucket.bucketArn);
      // Without s3:ListBucket, S3 answers 403 instead of 404 for a missing object
      // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
      const distinguishMissingObjects: Statement = {
        Sid: 'DistinguishMissingObjects',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketVersions'],
        Resource: [bucketArn],
      };
      const flagArn = cfn(stack, stack.flag.parameterArn);
      const policies: Record<string, Statement[]> = {
        [logicalIdOf(stack.pipe.role.node.findChild('DefaultPolicy'))]: [
          {
            Sid: 'ReadSourceQueue',
            Effect: 'Allow',
            Action: ['sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
            Resource: [queueArn],
          },
          {
            Sid: 'InvokeEnrichmentAndTarget',
            Effect: 'Allow',
            Action: ['lambda:InvokeFunction'],
            Resource: [getAtt(stack.enrichment.function), getAtt(stack.target.function)],
          },
          {
            Sid: 'WritePipeLogs',
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [getAtt(stack.pipe.logGroup)],
          },
        ],
        [logicalIdOf(stack.enrichment.role.node.findChild('DefaultPolicy'))]: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [getAtt(stack.enrichment.logGroup)],
          },
          distinguishMissingObjects,
          { Sid: 'ReadEnabledFlag', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: [flagArn] },
          // Changed on purpose (issue 14): the enrichment reads its batch's jobs with one BatchGetItem.
          {
            Sid: 'ReadJobs',
            Effect: 'Allow',
            Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'],
            Resource: [tableArn],
          },
          // Issue 11: the enrichment publishes the circuit breaker's transitions.
          ...publishing(stack, 'NotifyCircuitTransitions'),
          {
            Sid: 'ReadObjects',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: [objects],
          },
          ...(stack.source.objectKey
            ? [
                {
                  Sid: 'DecryptObjects',
                  Effect: 'Allow',
                  Action: ['kms:Decrypt'],
                  Resource: [stack.source.objectKey.keyArn],
                },
              ]
            : []),
        ],
        [logicalIdOf(stack.target.role.node.findChild('DefaultPolicy'))]: [
          {
            Effect: 'Allow',
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: [getAtt(stack.target.logGroup)],
          },
          {
            Sid: 'RecordJobs',
            Effect: 'Allow',
            // Changed on purpose (issue 14): the target reads its batch's jobs with one BatchGetItem.
            Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
            Resource: [tableArn],
          },
          ...publishing(stack, 'NotifyTerminalStates'),
          {
            Sid: 'CreateRetrySchedules',
            Effect: 'Allow',
            Action: ['scheduler:CreateSchedule'],
            Resource: [
              `arn:aws:scheduler:${stack.region}:${stack.account}:schedule/${stack.retries.group.scheduleGroupName}/*`,
            ],
          },
          {
            Sid: 'PassRoleToScheduler',
            Effect: 'Allow',
            Action: ['iam:PassRole'],
            Resource: [getAtt(stack.retries.role)],
            Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
          },
        ],
        [logicalIdOf(stack.retries.role.node.findChild('DefaultPolicy'))]: [
          {
            Sid: 'SendRetryToSourceQueue',
            Effect: 'Allow',
            Action: ['sqs:SendMessage'],
            Resource: [queueArn],
          },
          {
            Sid: 'SendUndeliveredRetryToDeadLetterQueue',
            Effect: 'Allow',
            Action: ['sqs:SendMessage'],
            Resource: [getAtt(stack.retries.deadLetterQueue)],
          },
        ],
        [logicalIdOf(stack.admin.policy)]: [
          {
            Sid: 'ReadAndSetEnabledFlag',
            Effect: 'Allow',
            Action: ['ssm:GetParameter', 'ssm:GetParameterHistory', 'ssm:PutParameter'],
            Resource: [flagArn],
          },
          {
            Sid: 'DiscoverResources',
            Effect: 'Allow',
            Action: ['ssm:GetParameter'],
            Resource: [cfn(stack, stack.discovery.parameterArn)],
          },
          {
            Sid: 'ReadJobs',
            Effect: 'Allow',
            Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'],
            Resource: [tableArn, cfn(stack, `${stack.jobs.table.tableArn}/index/${STATUS_INDEX}`)],
          },
          { Sid: 'ReprocessObjects', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: [queueArn] },
          {
            Sid: 'WatchQueues',
            Effect: 'Allow',
            Action: ['sqs:GetQueueAttributes'],
            Resource: [queueArn, dlqArn],
          },
          {
            Sid: 'InspectAndRedriveDeadLetters',
            Effect: 'Allow',
            Action: [
              'sqs:ChangeMessageVisibility',
              'sqs:DeleteMessage',
              'sqs:ListMessageMoveTasks',
              'sqs:ReceiveMessage',
              'sqs:StartMessageMoveTask',
            ],
            Resource: [dlqArn],
          },
          {
            Sid: 'WatchPipe',
            Effect: 'Allow',
            Action: ['pipes:DescribePipe'],
            Resource: [getAtt(stack.pipe.pipe)],
          },
          {
            Sid: 'HoldPipe',
            Effect: 'Allow',
            Action: ['pipes:StartPipe', 'pipes:StopPipe'],
            Resource: [getAtt(stack.pipe.pipe)],
          },
          {
            Sid: 'CheckObjectsExist',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: [objects],
          },
          distinguishMissingObjects,
        ],
      };
      return Object.fromEntries(
        Object.entries(policies).map(([id, statements]) => [id, canonical(statements)]),
      );
    }

    it.each(['dev', 'prod'])(
      'grants exactly the statements b2a needs, and no other policy exists (%s)',
      (stage) => {
        // Prepare
        const stack = stage === 'dev' ? devStack : prodStack;
        const template = stage === 'dev' ? devTemplate : prodTemplate;
        const expected = expectedPolicies(stack);
        if (stage === 'prod') {
          // prod reads its API credential from Secrets Manager (by name: any suffix AWS added).
          const enrichment = logicalIdOf(stack.enrichment.role.node.findChild('DefaultPolicy'));
          expected[enrichment] = canonical([
            ...(expected[enrichment] ?? []),
            {
              Sid: 'ReadApiCredential',
              Effect: 'Allow',
              Action: ['secretsmanager:GetSecretValue'],
              Resource: [
                `arn:aws:secretsmanager:${stack.region}:${stack.account}:secret:b2a/prod/api-token-??????`,
              ],
            },
          ]);
        }

        // Act
        const actual = identityPolicies(template);

        // Assess
        expect(actual).toEqual(expected);
      },
    );

    it('lets the enrichment of a stage with admission control write the admission partition only, never a job', () => {
      // Prepare
      const statements = statementsOf(
        qaTemplate,
        logicalIdOf(qaStack.enrichment.role.node.findChild('DefaultPolicy')),
      );

      // Assess: dynamodb:LeadingKeys restricts the partition keys a request may touch
      // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
      expect(statements.filter((statement) => statement.Action.includes('dynamodb:UpdateItem'))).toEqual([
        {
          Sid: 'AdmissionState',
          Effect: 'Allow',
          Action: ['dynamodb:UpdateItem'],
          Resource: [getAtt(qaStack.jobs.table)],
          Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ADMISSION_PARTITION] } },
        },
      ]);
    });

    it('lets the admin stop and start the pipe (toggle hold) and pace bulk sends in the admission partition only', () => {
      // Prepare
      const qaAdmin = statementsOf(qaTemplate, logicalIdOf(qaStack.admin.policy));
      const devAdmin = statementsOf(devTemplate, logicalIdOf(devStack.admin.policy));

      // Assess: StopPipe/StartPipe act on the pipe's ARN
      // (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StopPipe.html); LeadingKeys
      // limits the partitions a write may touch
      // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
      expect(qaAdmin).toEqual(
        expect.arrayContaining([
          {
            Sid: 'HoldPipe',
            Effect: 'Allow',
            Action: ['pipes:StartPipe', 'pipes:StopPipe'],
            Resource: [getAtt(qaStack.pipe.pipe)],
          },
          {
            Sid: 'PaceBulkSends',
            Effect: 'Allow',
            Action: ['dynamodb:UpdateItem'],
            Resource: [getAtt(qaStack.jobs.table)],
            Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ADMISSION_PARTITION] } },
          },
        ]),
      );
      expect(devAdmin.flatMap((statement) => statement.Action)).not.toContain('dynamodb:UpdateItem');
    });

    it.each(['enrichment', 'admin'])(
      'lets the %s list the existing bucket itself, not its objects, so that a missing object is a 404',
      (who) => {
        // Prepare
        const policy =
          who === 'enrichment'
            ? qaStack.enrichment.role.node.findChild('DefaultPolicy')
            : qaStack.admin.policy;

        // Act
        const statements = statementsOf(qaTemplate, logicalIdOf(policy));

        // Assess
        // HeadObject/GetObject of a missing key answers 403 without s3:ListBucket on the bucket, 404 with it
        // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
        expect(
          statements.filter((statement) => statement.Action.some((a) => a.startsWith('s3:List'))),
        ).toEqual([
          {
            Sid: 'DistinguishMissingObjects',
            Effect: 'Allow',
            Action: ['s3:ListBucket', 's3:ListBucketVersions'],
            Resource: ['arn:aws:s3:::qa-landing-bucket'],
          },
        ]);
      },
    );

    // On qa, the stage with every optional feature: bulk sends' dynamodb:UpdateItem comes with a rate limit.
    it("grants the admin every action the CLI's permission table names", () => {
      // Prepare
      const granted = new Set(
        statementsOf(qaTemplate, logicalIdOf(qaStack.admin.policy)).flatMap((s) => s.Action),
      );

      // Act
      const needed = new Set([DISCOVERY_PERMISSION, ...Object.values(COMMAND_PERMISSIONS).flat()]);

      // Assess
      expect([...needed].filter((action) => !granted.has(action))).toEqual([]);
    });

    it('grants the existing bucket, its key and the API secret to the enrichment only', () => {
      // Prepare
      const enrichment = logicalIdOf(qaStack.enrichment.role.node.findChild('DefaultPolicy'));

      // Act
      const statements = statementsOf(qaTemplate, enrichment);

      // Assess
      expect(statements).toEqual(
        expect.arrayContaining([
          {
            Sid: 'ReadObjects',
            Effect: 'Allow',
            Action: ['s3:GetObject', 's3:GetObjectVersion'],
            Resource: ['arn:aws:s3:::qa-landing-bucket/*'],
          },
          {
            Sid: 'DecryptObjects',
            Effect: 'Allow',
            Action: ['kms:Decrypt'],
            Resource: ['arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
          },
          {
            Sid: 'ReadApiCredential',
            Effect: 'Allow',
            Action: ['secretsmanager:GetSecretValue'],
            Resource: ['arn:aws:secretsmanager:eu-west-1:222222222222:secret:b2a/qa/token-??????'],
          },
        ]),
      );
      const others = Object.entries(identityPolicies(qaTemplate)).filter(([id]) => id !== enrichment);
      expect(JSON.stringify(others)).not.toContain('secretsmanager:');
    });

    it('attaches no inline or AWS-managed policy to b2a roles', () => {
      // Assess
      for (const stack of [devStack, prodStack]) {
        const template = stack === devStack ? devTemplate : prodTemplate;
        for (const role of [stack.pipe.role, stack.enrichment.role, stack.target.role, stack.retries.role]) {
          const resource = template.toJSON()['Resources'][logicalIdOf(role)] as { Properties: Json };
          expect(resource.Properties['Policies']).toBeUndefined();
          expect(resource.Properties['ManagedPolicyArns']).toBeUndefined();
        }
      }
    });

    it('creates the admin role only when principals are configured, with the admin policy', () => {
      // Assess
      expect(devStack.admin.role).toBeUndefined();
      qaTemplate.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'b2a-qa-admin',
        MaxSessionDuration: 2 * 3600,
        ManagedPolicyArns: [ref(qaStack.admin.policy)],
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { AWS: ['arn:aws:iam::222222222222:role/Ops', 'arn:aws:iam::222222222222:root'] },
            },
          ],
        },
      });
      qaTemplate.hasResourceProperties('AWS::IAM::ManagedPolicy', { ManagedPolicyName: 'b2a-qa-admin' });
    });
  });

  describe('alarms and dashboard', () => {
    it.each([
      ['b2a-dev-dlq-not-empty', 'ApproximateNumberOfMessagesVisible', 1],
      ['b2a-dev-retries-undelivered', 'ApproximateNumberOfMessagesVisible', 1],
      ['b2a-dev-jobs-failed', 'JobsFailed', dev.alarms.failedJobs],
      ['b2a-dev-enrichment-errors', 'Errors', dev.alarms.functionErrors],
      ['b2a-dev-target-errors', 'Errors', dev.alarms.functionErrors],
      ['b2a-dev-queue-age', 'ApproximateAgeOfOldestMessage', dev.alarms.queueAgeSeconds],
      ['b2a-dev-rule-failures', 'FailedInvocations', 1],
    ])('raises %s on %s to the topic', (alarmName, metricName, threshold) => {
      // Assess
      devTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: alarmName,
        MetricName: metricName,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [ref(devStack.notifications.topic)],
        OKActions: [ref(devStack.notifications.topic)],
      });
    });

    it('raises b2a-dev-pipe-failures on failed, timed-out and partly failed executions', () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'b2a-dev-pipe-failures',
        Threshold: dev.alarms.pipeFailures,
        AlarmActions: [ref(devStack.notifications.topic)],
        Metrics: Match.arrayWith([
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'AWS/EventBridge/Pipes',
                MetricName: 'ExecutionFailed',
                Dimensions: [{ Name: 'PipeName', Value: 'b2a-dev' }],
              },
            }),
          }),
        ]),
      });
    });

    it("counts FAILED jobs from the target's job log lines", () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: ref(devStack.target.logGroup),
        FilterPattern: `{ ($.message = "${JOB_RECORDED_LOG}") && ($.status = "FAILED") }`,
        MetricTransformations: [
          { MetricName: 'JobsFailed', MetricNamespace: 'b2a/dev', MetricValue: '1', Unit: 'Count' },
        ],
      });
      devTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
        MetricTransformations: [Match.objectLike({ MetricName: 'ApiLatency', MetricValue: '$.latencyMs' })],
      });
    });

    it("raises b2a-qa-circuit-open on the enrichment's circuit gauge, and keeps its state while no batch runs", () => {
      // Assess
      qaTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: ref(qaStack.enrichment.logGroup),
        FilterPattern: `{ $.message = "${CIRCUIT_STATE_LOG}" }`,
        MetricTransformations: [
          {
            MetricName: 'CircuitOpen',
            MetricNamespace: 'b2a/qa',
            MetricValue: '$.circuitOpen',
            Unit: 'None',
          },
        ],
      });
      qaTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'b2a-qa-circuit-open',
        Namespace: 'b2a/qa',
        MetricName: 'CircuitOpen',
        Statistic: 'Maximum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'ignore',
        AlarmActions: [ref(qaStack.notifications.topic)],
        OKActions: [ref(qaStack.notifications.topic)],
      });
      devTemplate.resourcePropertiesCountIs(
        'AWS::CloudWatch::Alarm',
        { AlarmName: 'b2a-dev-circuit-open' },
        0,
      );
    });

    it("raises b2a-dev-flag-not-understood on the enrichment's flag warning lines", () => {
      // Assess
      devTemplate.hasResourceProperties('AWS::Logs::MetricFilter', {
        LogGroupName: ref(devStack.enrichment.logGroup),
        FilterPattern: `{ $.message = "${FLAG_NOT_UNDERSTOOD_LOG}" }`,
        MetricTransformations: [
          { MetricName: 'FlagNotUnderstood', MetricNamespace: 'b2a/dev', MetricValue: '1', Unit: 'Count' },
        ],
      });
      devTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'b2a-dev-flag-not-understood',
        Namespace: 'b2a/dev',
        MetricName: 'FlagNotUnderstood',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmDescription: Match.stringLikeRegexp('b2a toggle on'),
        AlarmActions: [ref(devStack.notifications.topic)],
        OKActions: [ref(devStack.notifications.topic)],
      });
    });

    it('shows objects in, delivered, failed, API latency and queue age on a dashboard', () => {
      // Prepare
      const dashboard = devTemplate.toJSON()['Resources'][logicalIdOf(devStack.monitoring.dashboard)] as {
        Properties: { DashboardName: string; DashboardBody: unknown };
      };

      // Act
      const body = JSON.stringify(dashboard.Properties.DashboardBody);

      // Assess
      expect(dashboard.Properties.DashboardName).toBe('b2a-dev');
      for (const title of [
        'Objects in',
        'Jobs',
        'Delivered (SUCCEEDED)',
        'FAILED',
        'API latency (ms)',
        'Queue age (s)',
      ]) {
        expect(body).toContain(title);
      }
    });
  });

  describe('removal policies', () => {
    type Resources = Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string }>;
    const resources = (template: Template): Resources => template.toJSON()['Resources'] as Resources;

    it('keeps prod resources, except those a rolled-back first create made (RetainExceptOnCreate)', () => {
      // Prepare
      // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-attribute-deletionpolicy.html
      const kept = Object.values(resources(prodTemplate)).filter(
        (resource) => resource.DeletionPolicy !== undefined && resource.DeletionPolicy !== 'Delete',
      );

      // Assess
      expect(kept.filter((resource) => resource.DeletionPolicy === 'Retain')).toEqual([]);
      for (const resource of kept) {
        expect(resource).toMatchObject({
          DeletionPolicy: 'RetainExceptOnCreate',
          UpdateReplacePolicy: 'Retain',
        });
      }
      const typeCount = (type: string): number => kept.filter((resource) => resource.Type === type).length;
      expect(typeCount('AWS::DynamoDB::Table')).toBe(1);
      expect(typeCount('AWS::SQS::Queue')).toBe(3);
      expect(typeCount('AWS::Scheduler::ScheduleGroup')).toBe(1);
      expect(typeCount('AWS::Logs::LogGroup')).toBe(3);
      expect(typeCount('AWS::S3::Bucket')).toBe(2);
      expect(typeCount('AWS::KMS::Key')).toBe(1);
    });

    it('deletes every dev resource with its stack', () => {
      // Assess
      for (const resource of Object.values(resources(devTemplate))) {
        expect(resource.DeletionPolicy ?? 'Delete').toBe('Delete');
      }
    });
  });

  describe('existing bucket region', () => {
    // S3 sends EventBridge events to the default bus of the bucket's own region only
    // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventBridge.html).
    const bucketIn = (region: string): StageConfig =>
      parseStageConfig({
        environment: 'xr',
        api: { url: 'https://xr.api.example.com/in' },
        bucket: { source: 'existing', name: 'xr-landing-bucket', region },
        removalPolicy: 'destroy',
      });

    it("deploys a stage with no region of its own to the bucket's region", () => {
      // Act
      const xr = synthesize({ stages: [bucketIn('ap-southeast-2')] });

      // Assess
      try {
        expect(xr.assembly.getStackByName('b2a-xr').environment.region).toBe('ap-southeast-2');
      } finally {
        xr.cleanup();
      }
    });

    it('refuses to synthesize a stack in another region than the bucket', () => {
      // Prepare
      const inOtherRegion = () =>
        synthesize({
          stages: [],
          extend: (app) =>
            new B2aStack(app, 'b2a-xr', {
              config: bucketIn('eu-west-1'),
              env: { account: '222222222222', region: 'us-east-1' },
            }),
        });

      // Act and Assess
      expect(inOtherRegion).toThrow(ConfigError);
      expect(inOtherRegion).toThrow(
        /bucket\.region: bucket xr-landing-bucket is in eu-west-1, but the stage deploys to us-east-1/,
      );
    });

    it('makes an environment-agnostic template refuse any other region at deploy time', () => {
      // Prepare
      let stack: B2aStack | undefined;
      const agnostic = synthesize({
        stages: [],
        extend: (app) => {
          stack = new B2aStack(app, 'b2a-xr', { config: bucketIn('eu-west-1') });
        },
      });

      // Act
      const rules = (Template.fromStack(stack as B2aStack).toJSON() as { Rules?: Json })['Rules'];
      agnostic.cleanup();

      // Assess
      expect(rules).toMatchObject({
        BucketRegion: {
          Assertions: [
            {
              Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
              AssertDescription:
                'b2a: deploy this stack to eu-west-1, the region of bucket xr-landing-bucket',
            },
          ],
        },
      });
    });
  });

  describe('exposure', () => {
    it('has no public endpoint in any stage', () => {
      // Assess
      for (const template of [devTemplate, prodTemplate, qaTemplate]) {
        const types = Object.values(template.toJSON()['Resources'] as Record<string, { Type: string }>).map(
          (resource) => resource.Type,
        );
        expect(types.filter((type) => /^AWS::ApiGateway/.test(type) || type === 'AWS::Lambda::Url')).toEqual(
          [],
        );
        template.resourceCountIs('AWS::Lambda::Permission', 0);
      }
    });

    it('names every resource after its stage, so that two stages can share an account', () => {
      // Prepare
      const names = (template: Template): string[] =>
        Object.values(template.toJSON()['Resources'] as Record<string, { Properties?: Json }>).flatMap(
          (resource) =>
            [
              'Name',
              'TableName',
              'QueueName',
              'FunctionName',
              'TopicName',
              'LogGroupName',
              'ManagedPolicyName',
              'AlarmName',
            ]
              .map((key) => resource.Properties?.[key])
              .filter((value): value is string => typeof value === 'string'),
        );

      // Act
      const devNames = names(devTemplate);
      const prodNames = names(prodTemplate);

      // Assess
      expect(devNames.length).toBeGreaterThan(10);
      expect(devNames.filter((name) => prodNames.includes(name))).toEqual([]);
    });
  });
});

describe('Stack: B2aStack with OAuth and signing secrets', () => {
  const SIGNING_ARN = 'arn:aws:secretsmanager:eu-west-1:222222222222:secret:b2a/wire/whsec-next-AbCdEf';
  let wire: Synthesized;
  let stack: B2aStack;

  beforeAll(() => {
    const stage = parseStageConfig(
      {
        environment: 'wire',
        account: '222222222222',
        region: 'eu-west-1',
        api: {
          url: 'https://wire.api.example.com/in',
          auth: {
            type: 'oauth2-client-credentials',
            tokenUrl: 'https://auth.example.com/oauth/token',
            clientId: 'b2a',
            clientSecret: { secretId: 'b2a/wire/api', field: 'clientSecret' },
          },
          signing: {
            scheme: 'standard-webhooks',
            // the same secret twice (two fields of one JSON secret), and one named by its full ARN
            secrets: [{ secretId: 'b2a/wire/api', field: 'whsec' }, { secretId: SIGNING_ARN }],
          },
        },
      },
      'wire fixture',
    );
    wire = synthesize({ stages: [stage] });
    stack = wire.stacks['wire'] as B2aStack;
  });

  afterAll(() => wire.cleanup());

  it('grants GetSecretValue on exactly the secrets api.auth and api.signing name, to the enrichment only', () => {
    // Prepare
    const template = Template.fromStack(stack);
    const enrichment = logicalIdOf(stack.enrichment.role.node.findChild('DefaultPolicy'));

    // Act
    const reads = statementsOf(template, enrichment).filter((s) => s['Sid'] === 'ReadApiCredential');

    // Assess
    expect(reads).toEqual([
      {
        Sid: 'ReadApiCredential',
        Effect: 'Allow',
        Action: ['secretsmanager:GetSecretValue'],
        Resource: ['arn:aws:secretsmanager:eu-west-1:222222222222:secret:b2a/wire/api-??????', SIGNING_ARN],
      },
    ]);
    const others = Object.entries(identityPolicies(template)).filter(([id]) => id !== enrichment);
    expect(JSON.stringify(others)).not.toContain('secretsmanager:');
  });
});

describe('Stack: B2aStack with versions latest and dedupe content', () => {
  let stage: Synthesized;
  let stack: B2aStack;

  beforeAll(() => {
    const config = parseStageConfig(
      {
        environment: 'versions',
        account: '222222222222',
        region: 'eu-west-1',
        api: { url: 'https://versions.api.example.com/in' },
        versions: 'latest',
        dedupe: 'content',
      },
      'versions fixture',
    );
    stage = synthesize({ stages: [config] });
    stack = stage.stacks['versions'] as B2aStack;
  });

  afterAll(() => stage.cleanup());

  it('lets the enrichment write the newest-version records only, and query a key’s jobs', () => {
    // Prepare
    const template = Template.fromStack(stack);
    const enrichment = logicalIdOf(stack.enrichment.role.node.findChild('DefaultPolicy'));
    const tableArn = getAtt(stack.jobs.table);

    // Act
    const statements = statementsOf(template, enrichment).filter((s) =>
      ['RecordLatestVersions', 'ReadJobsOfKey'].includes(String(s['Sid'])),
    );

    // Assess: UpdateItem is limited to partition keys under the reserved prefix, so never a job
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
    expect(statements).toEqual([
      { Sid: 'ReadJobsOfKey', Effect: 'Allow', Action: ['dynamodb:Query'], Resource: [tableArn] },
      {
        Sid: 'RecordLatestVersions',
        Effect: 'Allow',
        Action: ['dynamodb:UpdateItem'],
        Resource: [tableArn],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${LATEST_VERSION_PREFIX}*`] } },
      },
    ]);
  });
});
