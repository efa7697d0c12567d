import { describe, expect, it } from '@jest/globals';
import { permissionsFor } from '../../../cli/permissions.js';

describe('Function: permissionsFor', () => {
  // Changed on purpose (issue 14): SUCCEEDED jobs are listed through the bucket and read by id.
  it('names discovery first, then what the command calls', () => {
    expect(permissionsFor('jobs')).toEqual([
      'ssm:GetParameter',
      'dynamodb:Query',
      's3:ListBucketVersions',
      'dynamodb:BatchGetItem',
    ]);
  });

  it('lists s3:ListBucket for reprocess, with which S3 answers 404 rather than 403 for a missing key', () => {
    // HeadObject: with s3:ListBucket on the bucket a missing object is a 404 Not Found, without it a
    // 403 Forbidden (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
    expect(permissionsFor('reprocess')).toEqual(expect.arrayContaining(['s3:GetObject', 's3:ListBucket']));
  });

  it('lists ListObjectVersions and BatchGetItem for bulk reprocess, which finds SUCCEEDED jobs through the bucket', () => {
    expect(permissionsFor('reprocess')).toEqual(
      expect.arrayContaining(['s3:ListBucketVersions', 'dynamodb:BatchGetItem']),
    );
  });

  it('lists what backfill and reconcile call: ListObjectVersions, BatchGetItem, SendMessageBatch', () => {
    // SendMessageBatch has no IAM action of its own: sqs:SendMessage authorises it
    // (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html).
    expect(permissionsFor('backfill')).toEqual([
      'ssm:GetParameter',
      's3:ListBucketVersions',
      'dynamodb:BatchGetItem',
      'sqs:SendMessage',
      'dynamodb:UpdateItem',
    ]);
    expect(permissionsFor('reconcile')).toEqual([
      'ssm:GetParameter',
      's3:ListBucketVersions',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'sqs:SendMessage',
      'dynamodb:UpdateItem',
    ]);
  });

  it('lists StopPipe for toggle hold and StartPipe for toggle on|off', () => {
    // StopPipe/StartPipe: https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StopPipe.html
    expect(permissionsFor('toggle hold')).toContain('pipes:StopPipe');
    expect(permissionsFor('toggle on|off')).toContain('pipes:StartPipe');
  });
});
