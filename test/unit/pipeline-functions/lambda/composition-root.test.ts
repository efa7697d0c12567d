import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { PipelineLogger } from '../../../../pipeline-functions/lambda/composition-root.js';
import { buildEnrichment, runEnrichment } from '../../../../pipeline-functions/lambda/enrichment.js';
import { buildTarget } from '../../../../pipeline-functions/lambda/target.js';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
import { shipPipelineConfig } from '../../../../pipeline-functions/core/shipped-config.js';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import { FUNCTION_ENVIRONMENT } from '../../../../pipeline-functions/core/function-environment.js';
import {
  CIRCUIT_STATE_LOG,
  FLAG_NOT_UNDERSTOOD_LOG,
  JOB_RECORDED_LOG,
} from '../../../../pipeline-functions/core/names.js';
import { FakeClock } from '../../../support/fakes.js';
import type { EnrichedItem } from '../../../../pipeline-functions/core/outcome.js';
import { startHttpStub, type HttpStub } from '../../../support/http-stub.js';

const ssm = mockClient(SSMClient);
const s3 = mockClient(S3Client);
const documents = mockClient(DynamoDBDocumentClient);
/**
 * BatchGetItem's answer when no key has an item: an empty list for the table, nothing unprocessed
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchGetItem.html).
 */
const NO_JOBS = { Responses: { 'b2a-test-jobs': [] }, UnprocessedKeys: {} };
const scheduler = mockClient(SchedulerClient);
const sns = mockClient(SNSClient);
const secrets = mockClient(SecretsManagerClient);

const NOW = new Date('2026-03-01T12:00:00.000Z');
const clock = { now: () => NOW };

function environment(
  apiUrl: string,
  auth: object = { type: 'none' },
  api: Record<string, unknown> = {},
): NodeJS.ProcessEnv {
  return {
    // As the stack ships it: validated and normalized at synth, then stamped.
    B2A_CONFIG: shipPipelineConfig(
      parsePipelineConfig({
        environment: 'test',
        api: { url: apiUrl, auth, ...api },
        retry: { maxAttempts: 3 },
      }),
    ),
    B2A_TABLE_NAME: 'b2a-test-jobs',
    B2A_FLAG_PARAMETER: '/b2a/test/enabled',
    B2A_BUCKET_NAME: 'inbox',
    B2A_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:b2a-test',
    B2A_QUEUE_ARN: 'arn:aws:sqs:eu-west-1:123456789012:b2a-test-source',
    B2A_SCHEDULE_GROUP: 'b2a-test',
    B2A_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/b2a-test-scheduler',
    B2A_SCHEDULER_DLQ_ARN: 'arn:aws:sqs:eu-west-1:123456789012:b2a-test-retry-dlq',
  };
}

function fakeLogger() {
  return {
    info: jest.fn(),
    warn: jest.fn(),
    error: jest.fn(),
    appendPersistentKeys: jest.fn(),
    addContext: jest.fn(),
  } satisfies PipelineLogger;
}

const clients = () => ({
  ssm: new SSMClient({}),
  s3: new S3Client({}),
  dynamodb: new DynamoDBClient({}),
  scheduler: new SchedulerClient({}),
  sns: new SNSClient({}),
  secrets: new SecretsManagerClient({}),
});

const s3Event = (key: string) =>
  JSON.stringify({
    source: 'aws.s3',
    'detail-type': 'Object Created',
    time: '2026-03-01T11:59:00Z',
    detail: { bucket: { name: 'inbox' }, object: { key, size: 5, etag: 'abc', 'version-id': 'v1' } },
  });

beforeEach(() => {
  for (const mock of [ssm, s3, documents, scheduler, sns, secrets]) mock.reset();
});

describe('Module: lambda/composition-root', () => {
  let api: HttpStub;

  beforeAll(async () => {
    api = await startHttpStub();
  });

  afterAll(async () => {
    await api.close();
  });

  beforeEach(() => {
    api.reset();
  });

  it.each(FUNCTION_ENVIRONMENT.enrichment)(
    'fails the enrichment build naming %s when it is missing',
    async (name) => {
      // Prepare
      const env = { ...environment(api.url), [name]: undefined };

      // Act
      const building = buildEnrichment({ env, clients: clients(), logger: fakeLogger() });

      // Assess
      await expect(building).rejects.toBeInstanceOf(ConfigError);
      await expect(building).rejects.toMatchObject({ field: name });
      await expect(building).rejects.toThrow(name);
    },
  );

  it.each(FUNCTION_ENVIRONMENT.target)(
    'fails the target build naming %s when it is missing',
    async (name) => {
      // Prepare
      const env = { ...environment(api.url), [name]: '' };

      // Act
      const building = buildTarget({ env, clients: clients(), logger: fakeLogger() });

      // Assess
      await expect(building).rejects.toBeInstanceOf(ConfigError);
      await expect(building).rejects.toMatchObject({ field: name });
    },
  );

  // Changed on purpose (issue 14): the stack validates the configuration at synth and ships it
  // stamped; the functions no longer carry the schema (zod), so they name the variable, not the field.
  it('names B2A_CONFIG when it is not JSON, or not the stamped configuration the stack ships', async () => {
    // Prepare
    const notJson = { ...environment(api.url), B2A_CONFIG: '{api:' };
    const unvalidated = { ...environment(api.url), B2A_CONFIG: '{"api":{"url":"ftp://x"}}' };

    // Act
    const first = buildEnrichment({ env: notJson, clients: clients(), logger: fakeLogger() });
    const second = buildTarget({ env: unvalidated, clients: clients(), logger: fakeLogger() });

    // Assess
    await expect(first).rejects.toMatchObject({ field: 'B2A_CONFIG' });
    await expect(second).rejects.toBeInstanceOf(ConfigError);
    await expect(second).rejects.toMatchObject({ field: 'B2A_CONFIG' });
    await expect(second).rejects.toThrow('deploy the stack again');
  });

  it('builds an enrichment that reads the flag, the job and the object, calls the API and logs the result', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    documents.on(GetCommand).resolves({});
    documents.on(BatchGetCommand).resolves(NO_JOBS);
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new TextEncoder().encode('hello') } as never,
      ContentLength: 5,
      ContentType: 'text/plain',
    });
    api.enqueue({ status: 202 });
    const logger = fakeLogger();
    const handler = await buildEnrichment({
      env: environment(`${api.url}/in`),
      clients: clients(),
      logger,
      clock,
    });

    // Act
    const items = await handler([{ messageId: 'm-1', body: s3Event('dir/a b.txt') }]);

    // Assess
    expect(items).toEqual([
      expect.objectContaining({
        messageId: 'm-1',
        // Changed on purpose (issue 12, delivery log): the result carries the exchange for the target to record.
        result: {
          kind: 'delivered',
          httpStatus: 202,
          latencyMs: expect.any(Number),
          exchange: expect.objectContaining({ response: { status: 202 } }),
        },
      }),
    ]);
    expect(ssm).toReceiveCommandWith(GetParameterCommand, { Name: '/b2a/test/enabled' });
    // Changed on purpose (issue 14, one job read per batch): a strongly consistent BatchGetItem, not a GetItem.
    expect(documents).toReceiveCommandWith(BatchGetCommand, {
      RequestItems: {
        'b2a-test-jobs': { Keys: [{ pk: 'inbox/dir/a b.txt', sk: 'v1' }], ConsistentRead: true },
      },
    });
    expect(documents).not.toReceiveCommandWith(GetCommand, {
      TableName: 'b2a-test-jobs',
      Key: { pk: 'inbox/dir/a b.txt', sk: 'v1' },
    });
    expect(s3).toReceiveCommandWith(GetObjectCommand, {
      Bucket: 'inbox',
      Key: 'dir/a b.txt',
      VersionId: 'v1',
    });
    expect(api.requests[0]?.body.toString()).toBe('hello');
    expect(logger.appendPersistentKeys).toHaveBeenCalledWith({ environment: 'test' });
    expect(logger.info).toHaveBeenCalledWith('enrichment: delivered', {
      messageId: 'm-1',
      jobId: 'inbox/dir/a b.txt#v1',
      result: 'delivered',
      httpStatus: 202,
    });
  });

  it('with versions latest, ends an older version SUPERSEDED when the newest-version record refuses it', async () => {
    // Prepare: the record holds v2; the condition of v1's UpdateItem fails, as DynamoDB answers a
    // failed ConditionExpression (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html).
    const env = {
      ...environment(`${api.url}/in`),
      B2A_CONFIG: shipPipelineConfig(
        parsePipelineConfig({ environment: 'test', api: { url: `${api.url}/in` }, versions: 'latest' }),
      ),
    };
    const latestKey = { pk: '#b2a-latest/inbox/a.txt', sk: 'latest' };
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    documents.on(GetCommand).resolves({});
    documents.on(BatchGetCommand).resolves(NO_JOBS);
    documents.on(GetCommand, { Key: latestKey }).resolves({
      Item: {
        ...latestKey,
        sequencer: '0062E99A88DC407500',
        version: 'v2',
        seenAt: '2026-03-01T11:59:30.000Z',
      },
    });
    documents
      .on(UpdateCommand, { Key: latestKey })
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    const handler = await buildEnrichment({ env, clients: clients(), logger: fakeLogger(), clock });
    const body = JSON.parse(s3Event('a.txt')) as { detail: { object: Record<string, unknown> } };
    body.detail.object['sequencer'] = '0062E99A88DC407460';

    // Act
    const items = await handler([{ messageId: 'm-1', body: JSON.stringify(body) }]);

    // Assess
    expect(items).toEqual([
      expect.objectContaining({
        result: {
          kind: 'superseded',
          reason: 'a newer version (v2) of the key was recorded at 2026-03-01T11:59:30.000Z',
        },
      }),
    ]);
    expect(documents).toReceiveCommandWith(UpdateCommand, {
      Key: latestKey,
      ConditionExpression: 'attribute_not_exists(#pk) OR #sequencer < :sequencer',
    });
    expect(documents).toReceiveCommandWith(GetCommand, { Key: latestKey, ConsistentRead: true });
    expect(s3.calls()).toHaveLength(0);
    expect(api.requests).toHaveLength(0);
  });

  // Issue 11 changes this on purpose: such a value now holds deliveries (it used to skip them).
  it('holds every object under a flag value it does not understand, warning once per container and minute', async () => {
    // Prepare: someone typed `true` in the SSM console
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'true' } });
    documents.on(GetCommand).resolves({});
    documents.on(BatchGetCommand).resolves(NO_JOBS);
    const logger = fakeLogger();
    const manual = new FakeClock(NOW);
    const handler = await buildEnrichment({
      env: environment(`${api.url}/in`),
      clients: clients(),
      logger,
      clock: manual,
    });
    const batch = (n: number) =>
      Array.from({ length: 3 }, (_, i) => ({ messageId: `m-${n}-${i}`, body: s3Event(`k${n}-${i}.txt`) }));

    // Act
    const first = await handler(batch(1));
    manual.advance(10_000);
    await handler(batch(2));
    const warnedWithinTheMinute = logger.error.mock.calls.length;
    manual.advance(60_000);
    await handler(batch(3));

    // Assess
    expect(first.map((item) => item.result)).toEqual(
      Array(3).fill(
        expect.objectContaining({
          kind: 'deferred',
          reason: 'deferred: hold (flag value "true" not understood; treated as hold)',
        }),
      ),
    );
    expect(warnedWithinTheMinute).toBe(1);
    expect(logger.error.mock.calls).toEqual([
      [FLAG_NOT_UNDERSTOOD_LOG, expect.objectContaining({ parameter: '/b2a/test/enabled', value: 'true' })],
      [FLAG_NOT_UNDERSTOOD_LOG, expect.objectContaining({ value: 'true' })],
    ]);
    expect(api.requests).toHaveLength(0);
    expect(s3).toHaveReceivedCommandTimes(GetObjectCommand, 0);
  });

  it('builds an enrichment whose breaker keeps its state in the jobs table, opens on a 401, publishes it and logs the gauge', async () => {
    // Prepare: DynamoDB answers a GetItem of a missing item with no Item, and a conditional
    // UpdateItem that holds with no Attributes unless asked
    // (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html)
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new TextEncoder().encode('hello') } as never,
      ContentType: 'text/plain',
    });
    documents.on(GetCommand).resolves({});
    documents.on(BatchGetCommand).resolves(NO_JOBS);
    documents.on(UpdateCommand).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'n-1' });
    api.enqueue({ status: 401, body: 'token revoked' });
    const logger = fakeLogger();
    const handler = await buildEnrichment({
      // The breaker with its defaults, as the stack ships it
      env: environment(`${api.url}/in`, { type: 'none' }, { circuitBreaker: {} }),
      clients: clients(),
      logger,
      clock,
    });

    // Act
    const [item] = await handler([{ messageId: 'm-1', body: s3Event('a.txt') }]);

    // Assess
    expect(item?.result).toMatchObject({ kind: 'deferred', cause: 'circuit open' });
    const opened = documents
      .commandCalls(UpdateCommand)
      .map((call) => call.args[0].input)
      .find(
        (input) =>
          input.ConditionExpression === 'attribute_not_exists(#circuit) OR #circuit = :closed' &&
          input.UpdateExpression?.startsWith('SET #circuit = :open'),
      );
    expect(opened).toMatchObject({
      TableName: 'b2a-test-jobs',
      Key: { pk: '#b2a-admission', sk: 'circuit' },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: 'arn:aws:sns:eu-west-1:123456789012:b2a-test',
      MessageAttributes: {
        event: { DataType: 'String', StringValue: 'circuit-open' },
        environment: { DataType: 'String', StringValue: 'test' },
      },
    });
    expect(logger.info).toHaveBeenCalledWith(CIRCUIT_STATE_LOG, { circuitOpen: 0 });
    expect(logger.info).toHaveBeenCalledWith(CIRCUIT_STATE_LOG, { circuitOpen: 1 });
  });

  it('builds a target that records, schedules a retry, notifies a terminal state and logs each item', async () => {
    // Prepare
    documents.on(GetCommand).resolves({});
    documents.on(BatchGetCommand).resolves(NO_JOBS);
    documents
      .on(UpdateCommand)
      .callsFake(
        (input: { Key: { pk: string; sk: string }; ExpressionAttributeValues: Record<string, unknown> }) => ({
          Attributes: {
            ...input.Key,
            bucket: 'inbox',
            key: 'k',
            status: input.Key.pk.endsWith('bad') ? 'FAILED' : 'RETRYING',
            attempts: 1,
            history: input.ExpressionAttributeValues[':history'],
            updatedAt: NOW.toISOString(),
          },
        }),
      );
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    sns.on(PublishCommand).resolves({ MessageId: 'n-1' });
    const logger = fakeLogger();
    const handler = await buildTarget({
      env: environment(api.url),
      clients: clients(),
      logger,
      clock,
    });
    const item = (messageId: string, key: string, result: EnrichedItem['result']): EnrichedItem => ({
      messageId,
      at: NOW.toISOString(),
      result,
      request: {
        object: { bucket: 'inbox', key, versionId: 'v1' },
        run: { id: 'auto', startedAt: '2026-03-01T11:59:00Z' },
        attempt: 1,
        origin: 's3-event',
        idempotencyKey: 'i',
      },
    });

    // Act
    const output = await handler([
      item('m-1', 'slow', { kind: 'retryable', reason: 'HTTP 503', httpStatus: 503 }),
      item('m-2', 'bad', { kind: 'terminal', reason: 'HTTP 400', httpStatus: 400 }),
      { messageId: 'm-3', at: NOW.toISOString(), result: { kind: 'invalid', reason: 'not JSON' } },
    ]);

    // Assess
    expect(output).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-3' }] });
    expect(documents).toHaveReceivedCommandTimes(UpdateCommand, 2);
    // One eventually consistent read for the batch's jobs before the writes (issue 14).
    expect(documents).toHaveReceivedCommandTimes(BatchGetCommand, 1);
    expect(documents).toReceiveCommandWith(BatchGetCommand, {
      RequestItems: {
        'b2a-test-jobs': {
          Keys: [
            { pk: 'inbox/slow', sk: 'v1' },
            { pk: 'inbox/bad', sk: 'v1' },
          ],
          ConsistentRead: false,
        },
      },
    });
    expect(documents).not.toReceiveCommand(GetCommand);
    expect(scheduler).toReceiveCommandWith(CreateScheduleCommand, {
      GroupName: 'b2a-test',
      Target: expect.objectContaining({
        Arn: 'arn:aws:sqs:eu-west-1:123456789012:b2a-test-source',
        RoleArn: 'arn:aws:iam::123456789012:role/b2a-test-scheduler',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:eu-west-1:123456789012:b2a-test-retry-dlq' },
        RetryPolicy: expect.objectContaining({ MaximumRetryAttempts: expect.any(Number) }),
      }),
    });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toReceiveCommandWith(PublishCommand, {
      MessageAttributes: expect.objectContaining({ status: { DataType: 'String', StringValue: 'FAILED' } }),
    });
    expect(logger.warn).toHaveBeenCalledWith('target: invalid', {
      messageId: 'm-3',
      result: 'invalid',
      reason: 'not JSON',
      returnedToQueue: true,
    });
    expect(logger.warn).toHaveBeenCalledWith(
      'target: retryable',
      expect.objectContaining({ jobId: 'inbox/slow#v1', returnedToQueue: false }),
    );
    // The line the stack's metric filters count (JOB_RECORDED_LOG), once per recorded job.
    // Each attempt whole, as the job keeps only the newest (config jobs.historyLimit).
    expect(logger.info).toHaveBeenCalledWith(JOB_RECORDED_LOG, {
      messageId: 'm-2',
      jobId: 'inbox/bad#v1',
      status: 'FAILED',
      attempt: {
        at: NOW.toISOString(),
        runId: 'auto',
        attempt: 1,
        origin: 's3-event',
        outcome: 'terminal',
        httpStatus: 400,
        error: 'HTTP 400',
      },
    });
    expect(logger.info).toHaveBeenCalledWith(
      JOB_RECORDED_LOG,
      expect.objectContaining({ jobId: 'inbox/slow#v1', status: 'RETRYING' }),
    );
  });
});

describe('Function: runEnrichment', () => {
  const saved = { ...process.env };
  let api: HttpStub;

  beforeAll(async () => {
    api = await startHttpStub();
    Object.assign(process.env, environment(api.url, { type: 'secret', secretId: 'b2a/test/api' }), {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
  });

  afterAll(async () => {
    process.env = saved;
    await api.close();
  });

  it('builds the container handler once and reads the API secret once', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 's3cr3t' });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    documents.on(GetCommand).resolves({});
    documents.on(BatchGetCommand).resolves(NO_JOBS);
    s3.on(GetObjectCommand).resolves({
      Body: { transformToByteArray: async () => new Uint8Array([104, 105]) } as never,
      ContentLength: 2,
    });
    api.setHandler(() => ({ status: 200 }));

    // Act
    await runEnrichment([{ messageId: 'm-1', body: s3Event('a.txt') }]);
    await runEnrichment([{ messageId: 'm-2', body: s3Event('b.txt') }]);

    // Assess
    expect(secrets).toHaveReceivedCommandTimes(GetSecretValueCommand, 1);
    expect(secrets).toReceiveCommandWith(GetSecretValueCommand, { SecretId: 'b2a/test/api' });
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer s3cr3t', 'Bearer s3cr3t']);
  });
});
