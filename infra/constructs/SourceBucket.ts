import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.js';
import { acknowledgeAwsManagedPolicy } from './nag.js';

/** Props of {@link SourceBucket}. */
export interface SourceBucketProps {
  /** Create a bucket, or use an existing one. */
  readonly bucket: StageConfig['bucket'];
  /** Applied to the created buckets (and emptying them on deletion when DESTROY). */
  readonly removalPolicy: RemovalPolicy;
  /** Days the server access logs are kept. */
  readonly accessLogRetentionDays: number;
}

/**
 * The bucket whose new objects b2a delivers, sending "Object Created" events to EventBridge.
 *
 * A created bucket blocks public access, encrypts with SSE-S3, refuses plain HTTP, is versioned when
 * the config asks, and logs access to a second bucket. Of an existing bucket only the EventBridge
 * notifications are turned on (its other notifications are kept); its policy stays its owner's.
 */
export class SourceBucket extends Construct {
  public readonly bucket: s3.IBucket;
  /** The key the existing bucket's objects are encrypted with, when the config names one. */
  public readonly objectKey?: kms.IKey;

  public constructor(scope: Construct, id: string, props: SourceBucketProps) {
    super(scope, id);
    const config = props.bucket;
    if (config.source === 'existing') {
      this.bucket = s3.Bucket.fromBucketName(this, 'Bucket', config.name);
      // Through CDK's notifications handler, which merges with the bucket's existing configuration.
      this.bucket.enableEventBridgeNotification();
      acknowledgeNotificationsHandler(this);
      if (config.kmsKeyArn) this.objectKey = kms.Key.fromKeyArn(this, 'ObjectKey', config.kmsKeyArn);
      return;
    }

    const destroy = props.removalPolicy === RemovalPolicy.DESTROY;
    const accessLogs = config.accessLogs
      ? new s3.Bucket(this, 'AccessLogs', {
          encryption: s3.BucketEncryption.S3_MANAGED,
          blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
          objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
          enforceSSL: true,
          minimumTLSVersion: 1.2,
          lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays) }],
          removalPolicy: props.removalPolicy,
          autoDeleteObjects: destroy,
        })
      : undefined;
    if (accessLogs) {
      Validations.of(accessLogs).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'This bucket holds the b2a source bucket access logs; logging it too would log its own log writes.',
      });
    }

    const bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: config.name,
      versioned: config.versioned,
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: accessLogs ? 'source/' : undefined,
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(7) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: destroy,
    });
    // Set on the bucket resource itself: the `eventBridgeEnabled` prop would add a custom-resource Lambda.
    (bucket.node.defaultChild as s3.CfnBucket).notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    if (!accessLogs) {
      Validations.of(bucket).acknowledge({
        id: 'AwsSolutions-S1',
        reason:
          'Access logs are off in this b2a stage config (bucket.accessLogs: false); b2a records every delivery in its jobs table.',
      });
    }
    this.bucket = bucket;
  }
}

/**
 * Lets a reader of the bucket's objects tell a missing object from a denied one: without
 * `s3:ListBucket` on the bucket, S3 answers a GET or HEAD of a missing key with 403 instead of 404
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). `s3:ListBucketVersions`
 * goes with it for the reads that name a version.
 */
export function distinguishMissingObjects(bucket: s3.IBucket): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'DistinguishMissingObjects',
    actions: ['s3:ListBucket', 's3:ListBucketVersions'],
    resources: [bucket.bucketArn],
  });
}

/**
 * CDK turns on an existing bucket's notifications through a singleton handler function in the stack,
 * whose role and policy are CDK's own; acknowledge what cdk-nag finds there.
 */
function acknowledgeNotificationsHandler(scope: Construct): void {
  const stack = Stack.of(scope);
  const handler = stack.node.children.find((child) => child.node.id.startsWith('BucketNotificationsHandler'));
  if (!handler) return;
  acknowledgeAwsManagedPolicy(
    handler,
    'service-role/AWSLambdaBasicExecutionRole',
    "CDK's handler that turns on EventBridge notifications of the existing b2a source bucket runs at deploy time only and logs through the AWS basic execution policy.",
  );
}
