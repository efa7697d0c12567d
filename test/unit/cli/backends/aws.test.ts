import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  SendMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  ListMessageMoveTasksCommand,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, ParameterNotFound, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { DescribePipeCommand, PipesClient, StartPipeCommand, StopPipeCommand } from '@aws-sdk/client-pipes';
import { setFlag } from '../../../../pipeline-functions/core/use-cases/admin/flag.js';
import { mockClient } from 'aws-sdk-client-mock';
import { openAwsAdmin, queueArnOf } from '../../../../cli/backends/aws.js';
import { toCliError } from '../../../../cli/error-classification.js';
import { AccessDeniedError, NotDeployedError } from '../../../../cli/errors.js';
import type { DeployedResources } from '../../../../pipeline-functions/core/names.js';

const resources: DeployedResources = {
  environment: 'dev',
  region: 'eu-west-1',
  bucketName: 'b2a-dev-inbox',
  tableName: 'b2a-dev-jobs',
  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/b2a-dev-source',
  dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/111111111111/b2a-dev-dlq',
  flagParameter: '/b2a/dev/enabled',
  topicArn: 'arn:aws:sns:eu-west-1:111111111111:b2a-dev-notifications',
  pipeName: 'b2a-dev',
  scheduleGroup: 'b2a-dev',
};

const ssm = mockClient(SSMClient);
const sqs = mockClient(SQSClient);
const documents = mockClient(DynamoDBDocumentClient);
const pipes = mockClient(PipesClient);
mockClient(DynamoDBClient);

const discovered = (value: unknown = resources): void => {
  ssm.on(GetParameterCommand, { Name: '/b2a/dev/resources' }).resolves({
    Parameter: {
      Name: '/b2a/dev/resources',
      Value: typeof value === 'string' ? value : JSON.stringify(value),
    },
  });
};

describe('Function: openAwsAdmin', () => {
  beforeEach(() => {
    ssm.reset();
    sqs.reset();
    documents.reset();
    pipes.reset();
  });
  afterEach(() => {
    ssm.reset();
  });

  it('toggle hold sets the flag to hold and stops the running pipe; toggle on starts it again', async () => {
    // Prepare: StopPipe/StartPipe answer at once with STOPPING/STARTING
    // (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StopPipe.html,
    // https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StartPipe.html).
    discovered();
    ssm
      .on(GetParameterCommand, { Name: '/b2a/dev/enabled' })
      .resolvesOnce({ Parameter: { Value: 'on' } })
      .resolves({ Parameter: { Value: 'hold' } });
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    pipes
      .on(DescribePipeCommand, { Name: 'b2a-dev' })
      .resolvesOnce({ CurrentState: 'RUNNING' })
      .resolves({ CurrentState: 'STOPPED' });
    pipes.on(StopPipeCommand).resolves({ CurrentState: 'STOPPING', DesiredState: 'STOPPED' });
    pipes.on(StartPipeCommand).resolves({ CurrentState: 'STARTING', DesiredState: 'RUNNING' });

    // Act
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1' });
    const held = await setFlag(admin, 'hold');
    const resumed = await setFlag(admin, 'on');
    await admin.close();

    // Assess
    expect(held).toMatchObject({
      previous: 'on',
      changed: true,
      pipe: { action: 'stopped', state: 'STOPPING' },
    });
    expect(resumed).toMatchObject({ previous: 'hold', pipe: { action: 'started', state: 'STARTING' } });
    expect(ssm.commandCalls(PutParameterCommand).map((c) => c.args[0].input)).toEqual([
      { Name: '/b2a/dev/enabled', Value: 'hold', Type: 'String', Overwrite: true },
      { Name: '/b2a/dev/enabled', Value: 'on', Type: 'String', Overwrite: true },
    ]);
    expect(pipes.commandCalls(StopPipeCommand).map((c) => c.args[0].input)).toEqual([{ Name: 'b2a-dev' }]);
    expect(pipes.commandCalls(StartPipeCommand).map((c) => c.args[0].input)).toEqual([{ Name: 'b2a-dev' }]);
  });

  it('finds the stage through the discovery parameter and reads the flag it names', async () => {
    // Prepare
    discovered();
    ssm.on(GetParameterCommand, { Name: '/b2a/dev/enabled' }).resolves({ Parameter: { Value: 'off' } });

    // Act
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1', profile: 'admin' });
    const enabled = await admin.flag.isEnabled();
    await admin.close();

    // Assess
    expect(admin.bucket).toBe('b2a-dev-inbox');
    expect(admin.environment).toBe('dev');
    expect(enabled).toBe(false);
    expect(ssm).toHaveReceivedNthCommandWith(1, GetParameterCommand, { Name: '/b2a/dev/resources' });
    expect(ssm).toHaveReceivedNthCommandWith(2, GetParameterCommand, { Name: '/b2a/dev/enabled' });
  });

  it('does not cache the flag: a toggle is seen at once', async () => {
    // Prepare
    discovered();
    ssm
      .on(GetParameterCommand, { Name: '/b2a/dev/enabled' })
      .resolvesOnce({ Parameter: { Value: 'on' } })
      .resolves({ Parameter: { Value: 'off' } });
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1' });

    // Act
    const first = await admin.flag.isEnabled();
    const second = await admin.flag.isEnabled();

    // Assess
    expect([first, second]).toEqual([true, false]);
  });

  it('says b2a is not deployed when the discovery parameter is missing', async () => {
    // Prepare
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    // Act
    const opening = openAwsAdmin({ environment: 'prod', region: 'eu-west-1' });

    // Assess
    await expect(opening).rejects.toThrow(NotDeployedError);
    await expect(opening).rejects.toThrow(
      'b2a is not deployed in prod (no SSM parameter /b2a/prod/resources in eu-west-1)',
    );
    await expect(opening).rejects.toMatchObject({ exitCode: 4, hint: expect.stringContaining('cdk deploy') });
  });

  it.each([
    ['text that is not JSON', 'not JSON', 'does not hold the JSON a b2a stack writes'],
    [
      'JSON without some fields',
      { ...resources, tableName: undefined, dlqUrl: '' },
      'lacks tableName, dlqUrl',
    ],
  ])('refuses a discovery parameter holding %s', async (_label, value, message) => {
    discovered(value);
    await expect(openAwsAdmin({ environment: 'dev', region: 'eu-west-1' })).rejects.toThrow(message);
  });

  it('sends reprocess envelopes to the discovered queue', async () => {
    // Prepare
    discovered();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1' });

    // Act
    await admin.queue.send({
      b2a: 1,
      kind: 'reprocess',
      object: { bucket: 'b2a-dev-inbox', key: 'a.csv' },
      run: { id: 'r1', startedAt: '2026-11-21T12:00:00.000Z' },
      attempt: 1,
      sentAt: '2026-11-21T12:00:00.000Z',
    });

    // Assess
    expect(sqs).toHaveReceivedCommandWith(SendMessageCommand, {
      QueueUrl: resources.queueUrl,
      MessageBody: expect.stringContaining('"kind":"reprocess"'),
    });
  });

  it('redrives from the dead-letter queue ARN to the source queue ARN', async () => {
    // Prepare
    discovered();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 't1' });
    sqs
      .on(ListMessageMoveTasksCommand)
      .resolves({ Results: [{ TaskHandle: 't1', ApproximateNumberOfMessagesToMove: 4 }] });
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1' });

    // Act
    const result = await admin.deadLetters.redrive();

    // Assess
    expect(result).toEqual({ moved: 4 });
    expect(sqs).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, {
      SourceArn: 'arn:aws:sqs:eu-west-1:111111111111:b2a-dev-dlq',
      DestinationArn: 'arn:aws:sqs:eu-west-1:111111111111:b2a-dev-source',
    });
  });

  it('counts jobs through the status index of the discovered table', async () => {
    // Prepare
    discovered();
    documents.on(QueryCommand).resolves({ Count: 7 });
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1' });

    // Act
    const count = await admin.jobs.countByStatus('FAILED', '2026-11-20T12:00:00.000Z');

    // Assess
    expect(count).toBe(7);
    // Changed on purpose (issue 14): the sparse status index is `by-attention`.
    expect(documents).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'b2a-dev-jobs',
      IndexName: 'by-attention',
      Select: 'COUNT',
    });
  });

  it('lets AccessDenied through, for the edge to name the missing permission', async () => {
    // Prepare
    discovered();
    sqs.on(SendMessageCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:eu-west-1:111111111111:b2a-dev-source',
        ),
        {
          name: 'AccessDenied',
        },
      ),
    );
    const admin = await openAwsAdmin({ environment: 'dev', region: 'eu-west-1' });

    // Act
    const error = await admin.queue
      .send({
        b2a: 1,
        kind: 'reprocess',
        object: { bucket: 'b', key: 'k' },
        run: { id: 'r', startedAt: 't' },
        attempt: 1,
        sentAt: 't',
      })
      .catch((e: unknown) => toCliError(e, { command: 'reprocess', environment: 'dev' }));

    // Assess
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect((error as AccessDeniedError).message).toBe(
      'access denied: your AWS identity may not call sqs:sendmessage (needed by `b2a reprocess`)',
    );
  });
});

describe('Function: queueArnOf', () => {
  it('builds the ARN of a queue from its URL, in the partition of the region', () => {
    expect(queueArnOf('https://sqs.eu-west-1.amazonaws.com/111111111111/q', 'eu-west-1')).toBe(
      'arn:aws:sqs:eu-west-1:111111111111:q',
    );
    expect(queueArnOf('https://sqs.cn-north-1.amazonaws.com.cn/1/q', 'cn-north-1')).toBe(
      'arn:aws-cn:sqs:cn-north-1:1:q',
    );
  });
});
