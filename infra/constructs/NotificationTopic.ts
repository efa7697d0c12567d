import type { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

/** Props of {@link NotificationTopic}. */
export interface NotificationTopicProps {
  readonly topicName: string;
  /** Addresses subscribed by email (each receives a confirmation mail first). */
  readonly emails: readonly string[];
  /** Applied to the key (DESTROY schedules its deletion). */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The topic for terminal job states (from the target) and alarms (from CloudWatch). Encrypted with a
 * customer-managed key, because CloudWatch alarms cannot publish to a topic under the AWS-managed
 * SNS key; TLS only.
 */
export class NotificationTopic extends Construct {
  public readonly topic: sns.Topic;
  public readonly key: kms.Key;

  public constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the ${props.topicName} SNS topic`,
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      masterKey: this.key,
      enforceSSL: true,
    });
    for (const email of props.emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    }
  }
}
