/**
 * The IAM actions each command calls on AWS, so that an AccessDenied can say what is missing even
 * when AWS does not name the action, and so that docs/cli.md and the admin policy agree.
 */

/** Every AWS command first reads the discovery parameter `/b2a/<env>/resources`. */
export const DISCOVERY_PERMISSION = 'ssm:GetParameter';

/**
 * Bulk sends take permits in the jobs table's `#b2a-admission` partition, on stages with
 * `api.rateLimit` (the policy grants it there only).
 */
export const PACING_PERMISSION = 'dynamodb:UpdateItem';

/** Command path (as in `b2a <path>`) → the IAM actions it needs, besides discovery. */
export const COMMAND_PERMISSIONS: Readonly<Record<string, readonly string[]>> = {
  toggle: ['ssm:GetParameter', 'ssm:GetParameterHistory'],
  // on, off and hold also start or stop the pipe when it is not already so (DescribePipe tells).
  'toggle on|off': ['ssm:GetParameter', 'ssm:PutParameter', 'pipes:DescribePipe', 'pipes:StartPipe'],
  'toggle hold': ['ssm:GetParameter', 'ssm:PutParameter', 'pipes:DescribePipe', 'pipes:StopPipe'],
  'toggle history': ['ssm:GetParameterHistory'],
  // s3:ListBucket: without it S3 answers a HEAD of a missing key with 403, not 404, so a mistyped key
  // would read as access denied (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
  reprocess: [
    's3:GetObject',
    's3:GetObjectVersion',
    's3:ListBucket',
    's3:ListBucketVersions',
    'dynamodb:BatchGetItem',
    'sqs:SendMessage',
    'dynamodb:Query',
    'dynamodb:GetItem',
    PACING_PERMISSION,
  ],
  // Both list with ListObjectVersions (s3:ListBucketVersions; see S3BucketListing for why not
  // ListObjectsV2) and send with SendMessageBatch, which sqs:SendMessage authorises
  // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html).
  backfill: ['s3:ListBucketVersions', 'dynamodb:BatchGetItem', 'sqs:SendMessage', PACING_PERMISSION],
  reconcile: [
    's3:ListBucketVersions',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'sqs:SendMessage',
    PACING_PERMISSION,
  ],
  // SUCCEEDED jobs are not indexed: `--status succeeded --prefix` lists the bucket and reads their jobs by id.
  jobs: ['dynamodb:Query', 's3:ListBucketVersions', 'dynamodb:BatchGetItem'],
  'jobs show': ['dynamodb:Query'],
  // GetItem reads the circuit breaker's item (stages with one).
  status: [
    'ssm:GetParameter',
    'sqs:GetQueueAttributes',
    'pipes:DescribePipe',
    'dynamodb:Query',
    'dynamodb:GetItem',
  ],
  dlq: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility'],
  'dlq redrive': [
    'sqs:StartMessageMoveTask',
    'sqs:ListMessageMoveTasks',
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:SendMessage',
  ],
};

/** The IAM actions a command needs, discovery included, e.g. `permissionsFor('jobs show')`. */
export function permissionsFor(command: string): readonly string[] {
  const own = COMMAND_PERMISSIONS[command] ?? [];
  return [...new Set([DISCOVERY_PERMISSION, ...own])];
}
