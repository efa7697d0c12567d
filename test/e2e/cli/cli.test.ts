import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HttpStub } from '../../support/http-stub.js';
import { runB2a } from './support/run-b2a.js';
import { fail, ok, startSsmStub } from './support/ssm-stub.js';

/** Everything that must not load for `--help` and `b2a toggle`. */
const HEAVY = [
  'ink',
  'ink-spinner',
  'react',
  '@aws-sdk/client-dynamodb',
  '@aws-sdk/lib-dynamodb',
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-sts',
  '@aws-sdk/client-pipes',
];

const resources = {
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

describe('CLI: b2a (as a process)', () => {
  it('prints help with the commands and the exit codes, exit 0, without loading ink, React or AWS clients', async () => {
    // Act
    const { code, stdout, stderr } = await runB2a(['--help'], { forbid: HEAVY });

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    for (const command of ['status', 'toggle', 'jobs', 'reprocess', 'dlq', 'local'])
      expect(stdout).toContain(`  ${command}`);
    expect(stdout).toContain('Exit codes:');
    expect(stdout).toMatch(/2 {2}usage error/);
  });

  it('notices a forbidden import (the check itself works)', async () => {
    const { code, stderr } = await runB2a(['--help'], { forbid: ['commander'] });
    expect(code).not.toBe(0);
    expect(stderr).toContain('forbidden module imported: commander');
  });

  it.each([
    [['nope'], "unknown command 'nope'"],
    [['--env', 'nope', 'status'], "argument 'nope' is invalid. Allowed choices are local, dev, demo, prod"],
    [['jobs', '--limit', 'lots'], 'is not a whole number'],
    [['reprocess'], 'name the objects to reprocess'],
  ])('exits 2 for %j', async (args, message) => {
    const { code, stdout, stderr } = await runB2a(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('exits 2 for an unknown environment in B2A_ENV', async () => {
    const { code, stderr } = await runB2a(['status'], { env: { B2A_ENV: 'staging' } });
    expect(code).toBe(2);
    expect(stderr).toContain("value 'staging' from env 'B2A_ENV' is invalid");
  });
});

describe('CLI: b2a against AWS (a loopback SSM stub)', () => {
  let ssm: HttpStub;
  const history = [
    {
      Name: '/b2a/dev/enabled',
      Value: 'off',
      Version: 1,
      LastModifiedDate: 1763712000,
      LastModifiedUser: 'arn:aws:iam::111111111111:user/alice',
    },
    {
      Name: '/b2a/dev/enabled',
      Value: 'on',
      Version: 2,
      LastModifiedDate: 1763715600,
      LastModifiedUser: 'arn:aws:iam::111111111111:user/bob',
    },
  ];

  beforeAll(async () => {
    ssm = await startSsmStub((operation, body) => {
      if (operation === 'GetParameter' && body['Name'] === '/b2a/dev/resources') {
        return ok({ Parameter: { Name: body['Name'], Type: 'String', Value: JSON.stringify(resources) } });
      }
      if (operation === 'GetParameter' && body['Name'] === '/b2a/dev/enabled') {
        return ok({ Parameter: { Name: body['Name'], Type: 'String', Value: 'on' } });
      }
      if (operation === 'GetParameter') return fail('ParameterNotFound', `${String(body['Name'])} not found`);
      if (operation === 'GetParameterHistory') return ok({ Parameters: history });
      if (operation === 'PutParameter') {
        return fail(
          'AccessDeniedException',
          'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: ssm:PutParameter on resource: arn:aws:ssm:eu-west-1:111111111111:parameter/b2a/dev/enabled',
        );
      }
      return undefined;
    });
  });
  afterAll(() => ssm.close());

  it('shows the flag as JSON, loading only the SSM client', async () => {
    // Act
    const { code, stdout, stderr } = await runB2a(['--env', 'dev', 'toggle', '--json'], {
      endpoint: ssm.url,
      forbid: HEAVY,
    });

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // `value` (on, off, hold) added on purpose (issue 11).
    expect(JSON.parse(stdout)).toEqual({
      environment: 'dev',
      value: 'on',
      enabled: true,
      lastChange: {
        enabled: true,
        value: 'on',
        at: '2025-11-21T09:00:00.000Z',
        by: 'arn:aws:iam::111111111111:user/bob',
      },
    });
  });

  it('says b2a is not deployed when the discovery parameter is missing (exit 4)', async () => {
    // Act
    const { code, stdout, stderr } = await runB2a(['--env', 'prod', 'toggle'], { endpoint: ssm.url });

    // Assess
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'b2a: b2a is not deployed in prod (no SSM parameter /b2a/prod/resources in eu-west-1)\n' +
        '  hint: run: npx cdk deploy (or pick another --env / --region / --profile)\n',
    );
  });

  it('names the missing permission on AccessDenied (exit 4)', async () => {
    const { code, stderr } = await runB2a(['--env', 'dev', 'toggle', 'off'], { endpoint: ssm.url });
    expect(code).toBe(4);
    expect(stderr.split('\n')[0]).toBe(
      'b2a: access denied: your AWS identity may not call ssm:PutParameter (needed by `b2a toggle on|off`)',
    );
    expect(stderr).toContain('hint: attach the managed policy b2a-dev-admin');
  });

  it('says AWS cannot be reached (exit 4) instead of hanging', async () => {
    const { code, stderr } = await runB2a(['--env', 'dev', 'jobs']);
    expect(code).toBe(4);
    expect(stderr).toContain('b2a: cannot reach AWS (ECONNREFUSED');
  });

  it('says when there are no credentials (exit 4)', async () => {
    const { code, stderr } = await runB2a(['--env', 'dev', 'status'], {
      endpoint: ssm.url,
      env: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' },
    });
    expect(code).toBe(4);
    expect(stderr).toContain('b2a: no usable AWS credentials for --env dev');
  });
});

describe('CLI: b2a --env local (a temporary data directory)', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'b2a-cli-e2e-'));
    await mkdir(join(dataDir, 'inbox', 'in'), { recursive: true });
    await writeFile(join(dataDir, 'inbox', 'in', 'a b.csv'), 'id,total\n1,9.99\n');
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  const local = (...args: string[]) => runB2a(['--env', 'local', '--data-dir', dataDir, ...args]);

  it('lists no jobs as an empty JSON array', async () => {
    const { code, stdout } = await local('jobs', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
  });

  it('turns the flag off and shows who did', async () => {
    // Act
    const set = await local('toggle', 'off', '--json');
    const shown = await local('toggle', '--json');

    // Assess
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ environment: 'local', enabled: false, changed: true });
    expect(JSON.parse(shown.stdout)).toMatchObject({
      enabled: false,
      lastChange: { enabled: false, by: expect.stringMatching(/^local:/) },
    });
  });

  it('reprocesses an object in the inbox and shows it queued', async () => {
    // Act
    const sent = await local('reprocess', 'in/a b.csv', '--json');
    const status = await local('status', '--json');

    // Assess
    expect(sent.code).toBe(0);
    const result = JSON.parse(sent.stdout) as { started: { jobId: string; key: string }[] };
    expect(result.started).toEqual([
      expect.objectContaining({ key: 'in/a b.csv', jobId: expect.stringMatching(/^[^/]+\/in\/a b\.csv#/) }),
    ]);
    expect(JSON.parse(status.stdout)).toMatchObject({
      environment: 'local',
      queues: { source: { visible: 1 } },
      pipeState: 'NOT_RUNNING',
    });
  });

  it('exits 3 with one line for an unknown key', async () => {
    const { code, stdout, stderr } = await local('reprocess', 'missing.csv');
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr.split('\n')[0]).toMatch(
      /^b2a: no object "missing\.csv" in bucket \S+ \(local\); nothing was sent$/,
    );
  });

  it('exits 4 when the data directory does not exist', async () => {
    const { code, stderr } = await runB2a(['--data-dir', join(dataDir, 'nope'), 'jobs']);
    expect(code).toBe(4);
    expect(stderr).toContain('no local data directory at');
  });
});
