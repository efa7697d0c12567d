/**
 * The Lambda clients' credentials: the execution role's, from the three variables Lambda sets
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * never the default provider chain that the Lambda bundles leave out (env-credential-provider.ts).
 * Requests go to a loopback stub; nothing reaches AWS.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from '../../../../pipeline-functions/lambda/composition-root.js';
import { defaultProvider } from '../../../../pipeline-functions/lambda/env-credential-provider.js';
import { startHttpStub, type HttpStub } from '../../../support/http-stub.js';

const VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
] as const;

describe('Function: lambda client credentials', () => {
  let stub: HttpStub;
  let profileDir: string;
  const saved = new Map<string, string | undefined>();

  beforeAll(async () => {
    // DynamoDB's JSON protocol: an item not found is `{}`.
    stub = await startHttpStub(() => ({
      status: 200,
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: '{}',
    }));
    // A profile with other keys: the default chain would find it when the variables are unset.
    profileDir = mkdtempSync(join(tmpdir(), 'b2a-profile-'));
    writeFileSync(
      join(profileDir, 'credentials'),
      '[default]\naws_access_key_id = AKIAPROFILEKEY\naws_secret_access_key = profile-secret\n',
    );
    writeFileSync(join(profileDir, 'config'), '[default]\nregion = eu-west-1\n');
  });
  afterAll(async () => {
    await stub.close();
    rmSync(profileDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    stub.reset();
    for (const name of VARIABLES) saved.set(name, process.env[name]);
    process.env['AWS_SHARED_CREDENTIALS_FILE'] = join(profileDir, 'credentials');
    process.env['AWS_CONFIG_FILE'] = join(profileDir, 'config');
    delete process.env['AWS_PROFILE'];
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  });

  const dynamodbAt = (endpoint: string): DynamoDBClient =>
    client({}, 'dynamodb', (config) => new DynamoDBClient({ ...config, region: 'eu-west-1', endpoint }));

  it('signs with the role credentials Lambda puts in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN', async () => {
    // Prepare
    process.env['AWS_ACCESS_KEY_ID'] = 'ASIAROLEKEY';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'role-secret';
    process.env['AWS_SESSION_TOKEN'] = 'role-session-token';
    const dynamodb = dynamodbAt(stub.url);

    // Act
    await dynamodb.send(new GetItemCommand({ TableName: 'jobs', Key: { pk: { S: 'a' } } }));

    // Assess
    const [request] = stub.requests;
    expect(String(request?.headers.authorization)).toContain('Credential=ASIAROLEKEY/');
    expect(request?.headers['x-amz-security-token']).toBe('role-session-token');
    await expect(dynamodb.config.credentials()).resolves.toMatchObject({
      accessKeyId: 'ASIAROLEKEY',
      sessionToken: 'role-session-token',
    });
  });

  it('never falls back to a profile: without the variables a Lambda client has no credentials', async () => {
    // Prepare: a client not created yet in this container (SSM, JSON protocol too)
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    const ssm = client(
      {},
      'ssm',
      (config) => new SSMClient({ ...config, region: 'eu-west-1', endpoint: stub.url }),
    );

    // Act
    const sending = ssm.send(new GetParameterCommand({ Name: '/b2a/test/enabled' }));

    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'CredentialsProviderError' });
    expect(stub.requests).toHaveLength(0);
  });

  it('gives the bundles a default provider that reads only the variables', async () => {
    // Prepare
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];

    // Act
    const resolving = defaultProvider()();

    // Assess
    await expect(resolving).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });

  it('leaves the default chain to code that is not bundled for Lambda (CLI, local runtime): a profile is found', async () => {
    // Prepare
    delete process.env['AWS_ACCESS_KEY_ID'];
    delete process.env['AWS_SECRET_ACCESS_KEY'];
    delete process.env['AWS_SESSION_TOKEN'];
    const dynamodb = new DynamoDBClient({ region: 'eu-west-1', endpoint: stub.url });

    // Act
    await dynamodb.send(new GetItemCommand({ TableName: 'jobs', Key: { pk: { S: 'a' } } }));

    // Assess
    expect(String(stub.requests[0]?.headers.authorization)).toContain('Credential=AKIAPROFILEKEY/');
  });
});
