import { beforeEach, describe, expect, it } from '@jest/globals';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsNotifier, subjectOf } from '../../../../../pipeline-functions/adapters/aws/sns-notifier.js';
import type { Job } from '../../../../../pipeline-functions/core/model.js';

const sns = mockClient(SNSClient);
const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:b2a-prod';

const job: Job = {
  jobId: 'inbox/reports/march.csv#v1',
  bucket: 'inbox',
  key: 'reports/march.csv',
  versionId: 'v1',
  status: 'FAILED',
  runId: 'auto',
  runStartedAt: '2026-03-01T00:00:00Z',
  attempt: 8,
  attempts: 8,
  runs: 1,
  firstAttemptAt: '2026-03-01T00:00:00Z',
  lastAttemptAt: '2026-03-01T06:00:00Z',
  history: [],
  lastHttpStatus: 503,
  lastError: 'gave up after 8 attempts: HTTP 503',
  idempotencyKey: 'k',
  createdAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-01T06:00:00Z',
};

describe('Class: SnsNotifier', () => {
  beforeEach(() => {
    sns.reset();
  });

  it('publishes the job summary with status and environment attributes for filtering', async () => {
    // Prepare
    sns.on(PublishCommand).resolves({ MessageId: 'm1' });
    const notifier = new SnsNotifier(new SNSClient({}), { topicArn: TOPIC });

    // Act
    await notifier.notify({ status: 'FAILED', environment: 'prod', job });

    // Assess
    expect(sns).toReceiveCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: 'b2a prod: FAILED march.csv',
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'FAILED' },
        environment: { DataType: 'String', StringValue: 'prod' },
      },
    });
    const message = JSON.parse(sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '{}');
    expect(message).toEqual({
      environment: 'prod',
      jobId: job.jobId,
      bucket: 'inbox',
      key: 'reports/march.csv',
      versionId: 'v1',
      status: 'FAILED',
      attempts: 8,
      lastError: 'gave up after 8 attempts: HTTP 503',
      lastHttpStatus: 503,
      updatedAt: '2026-03-01T06:00:00Z',
    });
  });

  it('publishes a circuit transition with the event attribute and no status, so status filters skip it', async () => {
    // Prepare: a subscription filtered on {"status": ["FAILED"]} only gets messages carrying that
    // attribute (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html)
    sns.on(PublishCommand).resolves({ MessageId: 'm2' });
    const notifier = new SnsNotifier(new SNSClient({}), { topicArn: TOPIC });

    // Act
    await notifier.notifyCircuit({
      event: 'circuit-open',
      environment: 'prod',
      at: '2026-03-01T06:00:00.000Z',
      reason: '5 retryable failures in a row (last: HTTP 503)',
      lastError: 'HTTP 503',
    });

    // Assess
    const input = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(input).toMatchObject({
      TopicArn: TOPIC,
      Subject: 'b2a prod: circuit open',
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'circuit-open' },
        environment: { DataType: 'String', StringValue: 'prod' },
      },
    });
    expect(input?.MessageAttributes).not.toHaveProperty('status');
    expect(JSON.parse(input?.Message ?? '{}')).toMatchObject({
      reason: '5 retryable failures in a row (last: HTTP 503)',
    });
  });
});

describe('Function: subjectOf', () => {
  it('keeps the subject ASCII, on one line and under 100 characters', () => {
    // Act
    const subject = subjectOf('prod', 'SUCCEEDED', `dir/文件\n${'x'.repeat(200)}.csv`);

    // Assess
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^b2a prod: SUCCEEDED \?\?\?x+\.\.\.$/);
  });
});
