/**
 * The AWS SDK clients of the cost section, mocked with aws-sdk-client-mock: every command the
 * handlers send is counted by service and operation and answered as AWS would, after a plausible
 * in-region latency (so that the measured handler time, which Lambda bills, is plausible too).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsClients } from '../../pipeline-functions/lambda/composition-root.js';
import { sampleDocument } from './sample-files.js';
import type { FakeJobsTable } from './fake-jobs-table.js';
import { sleep } from './measure.js';

/**
 * Latencies the mocks answer after, in ms: typical in-region figures for small requests (an
 * assumption, not a measurement; they only move the Lambda duration, which is a small part of the cost).
 */
export const MOCK_LATENCY_MS = {
  'SSM GetParameter': 10,
  'S3 GetObject': 20,
  'S3 HeadObject': 15,
  'DynamoDB GetItem': 5,
  'DynamoDB BatchGetItem': 8,
  'DynamoDB UpdateItem': 8,
  'Scheduler CreateSchedule': 25,
  'SNS Publish': 15,
  'Secrets Manager GetSecretValue': 20,
} as const;

export type AwsOperation = keyof typeof MOCK_LATENCY_MS;

/** Fake credentials and region: nothing here may reach AWS. */
const CLIENT_CONFIG = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
} as const;

/** The mocked SDK, and what it was asked. */
export interface MockedAws {
  readonly clients: AwsClients;
  /** Commands received, by operation, since the last reset. */
  readonly counts: Map<AwsOperation, number>;
  /** The `Input` (the b2a envelope) of every schedule created since the last reset. */
  readonly scheduledInputs: string[];
  /** What the flag parameter holds. */
  flag: 'on' | 'off';
  /** The table the DynamoDB commands go to. */
  table: FakeJobsTable;
  reset(): void;
  /** Puts the real `send` back on every client class. */
  restore(): void;
}

/** Mocks every SDK client class the pipeline functions use. */
export function mockAws(table: FakeJobsTable): MockedAws {
  const ssm = mockClient(SSMClient);
  const s3 = mockClient(S3Client);
  const documents = mockClient(DynamoDBDocumentClient);
  const scheduler = mockClient(SchedulerClient);
  const sns = mockClient(SNSClient);
  const secrets = mockClient(SecretsManagerClient);
  const mocked: MockedAws = {
    clients: {
      ssm: new SSMClient(CLIENT_CONFIG),
      s3: new S3Client(CLIENT_CONFIG),
      dynamodb: new DynamoDBClient(CLIENT_CONFIG),
      scheduler: new SchedulerClient(CLIENT_CONFIG),
      sns: new SNSClient(CLIENT_CONFIG),
      secrets: new SecretsManagerClient(CLIENT_CONFIG),
    },
    counts: new Map(),
    scheduledInputs: [],
    flag: 'on',
    table,
    reset: () => {
      mocked.counts.clear();
      mocked.scheduledInputs.length = 0;
    },
    restore: () => {
      for (const mock of [ssm, s3, documents, scheduler, sns, secrets]) mock.restore();
      for (const client of Object.values(mocked.clients)) client.destroy();
    },
  };
  const answer = async <T>(operation: AwsOperation, result: () => T): Promise<T> => {
    mocked.counts.set(operation, (mocked.counts.get(operation) ?? 0) + 1);
    await sleep(MOCK_LATENCY_MS[operation]);
    return result();
  };
  const body = new TextEncoder().encode(sampleDocument(1));
  const objectMetadata = {
    ContentLength: body.byteLength,
    ContentType: 'application/json',
    ETag: '"6f5902ac237024bdd0c176cb93063dc4"',
    VersionId: 'Jb1ZtTmUKGbOq4C4aa0sVkPqeGM2Q5Yt',
  };

  ssm.on(GetParameterCommand).callsFake((input: { Name?: string }) =>
    answer('SSM GetParameter', () => ({
      Parameter: { Name: input.Name, Type: 'String', Value: mocked.flag, Version: 7 },
    })),
  );
  s3.on(GetObjectCommand).callsFake(() =>
    answer('S3 GetObject', () => ({
      ...objectMetadata,
      Body: { transformToByteArray: async () => body } as never,
    })),
  );
  s3.on(HeadObjectCommand).callsFake(() => answer('S3 HeadObject', () => objectMetadata));
  documents.on(GetCommand).callsFake((input) => answer('DynamoDB GetItem', () => mocked.table.get(input)));
  documents
    .on(BatchGetCommand)
    .callsFake((input) => answer('DynamoDB BatchGetItem', () => mocked.table.batchGet(input)));
  documents
    .on(UpdateCommand)
    .callsFake((input) => answer('DynamoDB UpdateItem', () => mocked.table.update(input)));
  scheduler.on(CreateScheduleCommand).callsFake((input: { Name?: string; Target?: { Input?: string } }) =>
    answer('Scheduler CreateSchedule', () => {
      if (input.Target?.Input) mocked.scheduledInputs.push(input.Target.Input);
      return { ScheduleArn: `arn:aws:scheduler:us-east-1:111111111111:schedule/b2a-prod/${input.Name}` };
    }),
  );
  sns
    .on(PublishCommand)
    .callsFake(() => answer('SNS Publish', () => ({ MessageId: '5d8f0a3e-7c1b-5a4e-9f2d-0b1c2d3e4f5a' })));
  secrets
    .on(GetSecretValueCommand)
    .callsFake(() => answer('Secrets Manager GetSecretValue', () => ({ SecretString: 'bench-api-token' })));
  return mocked;
}
