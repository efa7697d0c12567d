/**
 * Errors exactly as the AWS SDK builds them from what AWS answers, for `aws-sdk-client-mock` to reject
 * with. Each says where its shape comes from.
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { SQSServiceException } from '@aws-sdk/client-sqs';

/**
 * An S3 error. A HEAD answer has no body, so the SDK names a HEAD 403 `Unknown` with the message
 * `UnknownError` (and a 404 `NotFound`): seen with the real client against a loopback server in
 * test/integration/pipeline-functions/adapters/aws/s3-object-source.test.ts.
 * @example s3Error('Unknown', 403, 'UnknownError')
 */
export function s3Error(name: string, httpStatusCode: number, message = name): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });
}

/**
 * SQS refusing a second message move task on a queue (one active task per queue:
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_StartMessageMoveTask.html),
 * as recorded against AWS in localstack's tests/aws/services/sqs/test_sqs_move_task.snapshot.json.
 */
export function moveTaskAlreadyRunning(): SQSServiceException {
  return new SQSServiceException({
    name: 'InvalidParameterValue',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    message:
      'There is already a task running. Only one active task is allowed for a source queue arn at a given time.',
  });
}
