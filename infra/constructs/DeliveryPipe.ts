import { Stack, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.js';

/** Props of {@link DeliveryPipe}. */
export interface DeliveryPipeProps {
  readonly pipeName: string;
  readonly logGroupName: string;
  readonly source: sqs.IQueue;
  readonly enrichment: lambda.IFunction;
  readonly target: lambda.IFunction;
  readonly batch: StageConfig['batch'];
  readonly logging: StageConfig['pipe'];
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The EventBridge pipe: source queue → enrichment (calls the API) → target (records, retries,
 * notifies), the target invoked synchronously so that its `batchItemFailures` reach the pipe.
 * Its role may read the queue, invoke the two functions and write its log group: nothing else.
 */
export class DeliveryPipe extends Construct {
  public readonly pipe: pipes.CfnPipe;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;

  public constructor(scope: Construct, id: string, props: DeliveryPipeProps) {
    super(scope, id);
    const { account } = Stack.of(this);
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
      description: `Runs the ${props.pipeName} pipe`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadSourceQueue',
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [props.source.queueArn],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeEnrichmentAndTarget',
        actions: ['lambda:InvokeFunction'],
        resources: [props.enrichment.functionArn, props.target.functionArn],
      }),
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: props.logGroupName,
      // The stage schema only admits the day counts that RetentionDays enumerates.
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WritePipeLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      name: props.pipeName,
      description: 'b2a: delivers each new object to the downstream API',
      roleArn: this.role.roleArn,
      source: props.source.queueArn,
      sourceParameters: {
        sqsQueueParameters: {
          batchSize: props.batch.size,
          maximumBatchingWindowInSeconds: props.batch.windowSeconds,
        },
      },
      enrichment: props.enrichment.functionArn,
      target: props.target.functionArn,
      targetParameters: { lambdaFunctionParameters: { invocationType: 'REQUEST_RESPONSE' } },
      logConfiguration: {
        level: props.logging.logLevel,
        cloudwatchLogsLogDestination: { logGroupArn: this.logGroup.logGroupArn },
        includeExecutionData: props.logging.includeExecutionData ? ['ALL'] : undefined,
      },
    });
    // Without this, the pipe may be created before its role may read the queue, and fail to start.
    const policy = this.role.node.tryFindChild('DefaultPolicy');
    if (policy) this.pipe.node.addDependency(policy);
  }
}
