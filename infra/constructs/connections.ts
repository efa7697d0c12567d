/**
 * How a resource connects to a pipeline function: one call sets the environment variable the handler
 * finds the resource by and grants exactly what the handler does with it, the way AWS Solutions
 * Constructs' `LambdaToDynamoDB` calls `addEnvironment` and the grant together. Adding a variable
 * means a name in `ENV`, the function's list in `FUNCTION_ENVIRONMENT`, and one call here.
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  ADMISSION_PARTITION,
  LATEST_VERSION_PREFIX,
} from '../../pipeline-functions/adapters/aws/jobs-table.js';
import type { PipelineConfig } from '../../pipeline-functions/core/config.js';
import { ENV } from '../../pipeline-functions/core/names.js';
import { shipPipelineConfig } from '../../pipeline-functions/core/shipped-config.js';
import { acknowledgeWildcardResource } from './nag.js';
import type { NotificationTopic } from './NotificationTopic.js';
import type { PipelineFunction } from './PipelineFunction.js';
import type { RetryScheduling } from './RetryScheduling.js';
import { distinguishMissingObjects, type SourceBucket } from './SourceBucket.js';

/** What a function does with the jobs table, and the actions each needs. */
const TABLE_ACCESS = {
  /**
   * The enrichment reads its batch's jobs (BatchGetItem) to skip stale or duplicate attempts;
   * GetItem reads the breaker's state and a key's newest version after a lost race.
   */
  read: { sid: 'ReadJobs', actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem'] },
  /**
   * The target reads its batch's jobs (BatchGetItem), then writes each with one conditional
   * UpdateItem; a failed condition reads that job again (GetItem).
   */
  record: {
    sid: 'RecordJobs',
    actions: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  },
} as const;

/** How a function uses the jobs table: `read` (reads only) or `record` (reads, then UpdateItem). */
export type TableAccess = keyof typeof TABLE_ACCESS;

/**
 * The pipeline configuration, validated here at synth, as stamped JSON in `B2A_CONFIG` (no grant: it
 * names no resource). The functions only check its shape (shipped-config.ts).
 */
export function connectConfig(fn: PipelineFunction, config: PipelineConfig): void {
  fn.addEnvironment(ENV.CONFIG, shipPipelineConfig(config));
}

/**
 * The jobs table in `B2A_TABLE_NAME`, with the one action `access` needs.
 * @example connectTable(target, jobs.table, 'record')
 */
export function connectTable(fn: PipelineFunction, table: dynamodb.ITable, access: TableAccess): void {
  fn.addEnvironment(ENV.TABLE_NAME, table.tableName);
  const { sid, actions } = TABLE_ACCESS[access];
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid, actions: [...actions], resources: [table.tableArn] }),
  );
}

/**
 * Admission control's state in the jobs table (already in `B2A_TABLE_NAME`): UpdateItem on the
 * admission partition only, by the `dynamodb:LeadingKeys` condition, so the enrichment can count
 * calls and move the circuit breaker but never write a job
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html).
 * The breaker is read with the GetItem `connectTable` grants.
 */
export function connectAdmission(fn: PipelineFunction, table: dynamodb.ITable): void {
  fn.role.addToPrincipalPolicy(admissionStateStatement('AdmissionState', table.tableArn));
}

/**
 * `dynamodb:UpdateItem` on the jobs table's admission partition only (`dynamodb:LeadingKeys`), never
 * on jobs: the enrichments' rate limit and breaker writes, and the admin's paced bulk sends.
 */
export function admissionStateStatement(sid: string, tableArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid,
    actions: ['dynamodb:UpdateItem'],
    resources: [tableArn],
    conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [ADMISSION_PARTITION] } },
  });
}

/**
 * What the enrichment's version checks need of the jobs table (already in `B2A_TABLE_NAME`), and
 * only when configured: with `versions: latest`, UpdateItem on the newest-version records only (the
 * `dynamodb:LeadingKeys` condition: it can never write a job,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html; the
 * GetItem after a lost race is `connectTable`'s); with `dedupe: content`, Query for the key's jobs.
 */
export function connectVersionChecks(
  fn: PipelineFunction,
  table: dynamodb.ITable,
  config: Pick<PipelineConfig, 'versions' | 'dedupe'>,
): void {
  if (config.versions === 'latest') {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'RecordLatestVersions',
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${LATEST_VERSION_PREFIX}*`] } },
      }),
    );
  }
  if (config.dedupe === 'content') {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadJobsOfKey',
        actions: ['dynamodb:Query'],
        resources: [table.tableArn],
      }),
    );
  }
}

/** The enabled flag's parameter in `B2A_FLAG_PARAMETER`, read-only. */
export function connectFlag(fn: PipelineFunction, flag: ssm.IStringParameter): void {
  fn.addEnvironment(ENV.FLAG_PARAMETER, flag.parameterName);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadEnabledFlag',
      actions: ['ssm:GetParameter'],
      resources: [flag.parameterArn],
    }),
  );
}

/**
 * The source bucket's objects, read (and presigned) by version, decrypted with the bucket's key when
 * it has one; the bucket itself is listable so that a missing object is a 404, not a 403. The bucket's
 * name is in `B2A_BUCKET_NAME`, so that a message about another bucket ends at once.
 */
export function connectObjects(fn: PipelineFunction, source: SourceBucket): void {
  fn.addEnvironment(ENV.BUCKET_NAME, source.bucket.bucketName);
  const objects = source.bucket.arnForObjects('*');
  fn.role.addToPrincipalPolicy(distinguishMissingObjects(source.bucket));
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadObjects',
      actions: ['s3:GetObject', 's3:GetObjectVersion'],
      resources: [objects],
    }),
  );
  acknowledgeWildcardResource(
    fn.role,
    objects,
    'The b2a enrichment delivers whichever object lands in the source bucket, so it may read (and presign) any key there.',
  );
  if (source.objectKey) {
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptObjects',
        actions: ['kms:Decrypt'],
        resources: [source.objectKey.keyArn],
      }),
    );
  }
}

/**
 * The secrets `api.auth` and `api.signing` name, read-only, and no others. No variable: the sources
 * in `B2A_CONFIG` name them. A name matches the secret's ARN with any suffix Secrets Manager added;
 * an ARN is taken as complete.
 */
export function connectApiCredentials(fn: PipelineFunction, secretIds: readonly string[]): void {
  if (secretIds.length === 0) return;
  const resources = secretIds.map((secretId, i) => {
    const id = `ApiCredential${i === 0 ? '' : i}`;
    const secret = secretId.startsWith('arn:')
      ? secretsmanager.Secret.fromSecretCompleteArn(fn, id, secretId)
      : secretsmanager.Secret.fromSecretNameV2(fn, id, secretId);
    return secret.secretFullArn ?? `${secret.secretArn}-??????`;
  });
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'ReadApiCredential',
      actions: ['secretsmanager:GetSecretValue'],
      resources,
    }),
  );
}

/**
 * The notifications topic in `B2A_TOPIC_ARN`: publish, through the topic's key. `sid` says what the
 * function publishes (the target: terminal states; the enrichment: the circuit breaker's transitions).
 */
export function connectTopic(
  fn: PipelineFunction,
  notifications: NotificationTopic,
  sid = 'NotifyTerminalStates',
): void {
  fn.addEnvironment(ENV.TOPIC_ARN, notifications.topic.topicArn);
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid,
      actions: ['sns:Publish'],
      resources: [notifications.topic.topicArn],
    }),
  );
  fn.role.addToPrincipalPolicy(
    new iam.PolicyStatement({
      sid: 'EncryptNotifications',
      actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
      resources: [notifications.key.keyArn],
    }),
  );
}

/**
 * Retry scheduling: the group, the queue a retry goes to, the role Scheduler runs it as and the queue
 * where Scheduler puts a retry it could not deliver; the function may create schedules in the group.
 */
export function connectRetries(fn: PipelineFunction, retries: RetryScheduling): void {
  fn.addEnvironment(ENV.QUEUE_ARN, retries.queue.queueArn);
  fn.addEnvironment(ENV.SCHEDULE_GROUP, retries.group.scheduleGroupName);
  fn.addEnvironment(ENV.SCHEDULER_ROLE_ARN, retries.role.roleArn);
  fn.addEnvironment(ENV.SCHEDULER_DLQ_ARN, retries.deadLetterQueue.queueArn);
  retries.grantCreateSchedules(fn.role);
}
