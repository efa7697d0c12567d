import { beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLING, LAMBDA_ALIASES } from '../../../infra/constructs/PipelineFunction.js';
import { pathToFileURL } from 'node:url';
import { LAMBDA_ENTRIES, PROJECT_ROOT } from '../../../infra/paths.js';
import { startHttpStub } from '../../support/http-stub.js';
import { esbuildOptionsOf } from '../../bench/bundles.js';

/** Bundles each function as NodejsFunction would with the stack's BUNDLING and returns esbuild's metafile. */
async function metafiles(): Promise<Record<keyof typeof LAMBDA_ENTRIES, Metafile>> {
  const dir = await mkdtemp(join(tmpdir(), 'b2a-bundle-test-'));
  try {
    const bundle = async (name: keyof typeof LAMBDA_ENTRIES): Promise<Metafile> => {
      const options = esbuildOptionsOf(LAMBDA_ENTRIES[name], join(dir, name, 'index.mjs'));
      return (await build({ ...options, metafile: true, write: false })).metafile;
    };
    return { enrichment: await bundle('enrichment'), target: await bundle('target') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Two SDK calls, bundled like a function: the clients are built as the Lambda composition root does. */
const SDK_CALLS = `
import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { fromEnv } from '@aws-sdk/credential-provider-env';
export async function run(endpoint: string) {
  const config = { credentials: fromEnv(), region: 'eu-west-1', endpoint };
  const s3 = new S3Client({ ...config, forcePathStyle: true });
  const object = await s3.send(new GetObjectCommand({ Bucket: 'inbox', Key: 'a b.txt' }));
  const body = await object.Body?.transformToString();
  const dynamodb = new DynamoDBClient(config);
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: 'jobs', Key: { pk: { S: 'a' } } }));
  // The check the adapters make on a refused conditional write (dynamodb-job-repository.ts and others).
  const conditionFailed = await dynamodb
    .send(new PutItemCommand({ TableName: 'jobs', Item: { pk: { S: 'a' } }, ConditionExpression: 'attribute_not_exists(pk)' }))
    .then(() => 'written', (error) => error instanceof Error && error.name === 'ConditionalCheckFailedException');
  return { body, item: Item, conditionFailed };
}
`;

/** The default credential chain of the SDK and what it pulls in: none of it runs on Lambda. */
const CREDENTIAL_CHAIN = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@smithy/credential-provider-imds',
];

function restoreVariable(name: string, value: string | undefined): void {
  if (value === undefined) Reflect.deleteProperty(process.env, name);
  else process.env[name] = value;
}

/** The npm packages whose files are in a bundle. */
function packagesIn(metafile: Metafile): Set<string> {
  const names = Object.keys(metafile.inputs).flatMap((input) => {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    return match?.[1] ? [match[1]] : [];
  });
  return new Set(names);
}

describe('Construct: PipelineFunction bundling', () => {
  // Both functions bundled once, for the tests that read what went in.
  let bundled: Awaited<ReturnType<typeof metafiles>>;
  beforeAll(async () => {
    bundled = await metafiles();
  });

  it('keeps zod and undici out of both bundles: mTLS goes through node:https', () => {
    // Act: bundled once, in beforeAll
    const { enrichment, target } = bundled;

    // Assess: the stack validated the configuration at synth (core/shipped-config.ts)
    for (const metafile of [enrichment, target]) {
      expect(packagesIn(metafile)).not.toContain('zod');
      expect(packagesIn(metafile)).not.toContain('undici');
    }
    const imports = Object.values(enrichment.inputs).flatMap((input) => input.imports);
    expect(imports.some((imported) => imported.path === 'node:https')).toBe(true);
  });

  it('replaces the SDK default credential chain by the environment variables provider in both bundles', () => {
    // Act: bundled once, in beforeAll
    const { enrichment, target } = bundled;

    // Assess: Lambda sets the role's credentials as variables
    // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
    for (const metafile of [enrichment, target]) {
      const packages = packagesIn(metafile);
      for (const chain of CREDENTIAL_CHAIN) expect(packages).not.toContain(chain);
      expect(packages).toContain('@aws-sdk/credential-provider-env');
      expect(Object.keys(metafile.inputs)).toContain('pipeline-functions/lambda/env-credential-provider.ts');
    }
  });

  it('passes the alias to NodejsFunction as the esbuild CLI flag, from the project root', () => {
    // Assess: aws-cdk-lib renders `--alias` values as `--alias:name=path` (aws/aws-cdk#25385)
    expect(BUNDLING.esbuildArgs).toEqual({
      '--alias': [
        '@aws-sdk/credential-provider-node=./pipeline-functions/lambda/env-credential-provider.ts',
        '@smithy/core/event-streams=./pipeline-functions/lambda/event-streams-stub.ts',
      ],
    });
    expect(LAMBDA_ALIASES).toEqual({
      '@aws-sdk/credential-provider-node': './pipeline-functions/lambda/env-credential-provider.ts',
      '@smithy/core/event-streams': './pipeline-functions/lambda/event-streams-stub.ts',
    });
  });

  it('leaves the SDK event streams out of both bundles (no b2a operation streams events)', () => {
    // Act: bundled once, in beforeAll
    const { enrichment, target } = bundled;

    // Assess
    for (const metafile of [enrichment, target]) {
      const inputs = Object.keys(metafile.inputs);
      expect(inputs.filter((input) => input.includes('submodules/event-streams/'))).toEqual([]);
      expect(inputs).toContain('pipeline-functions/lambda/event-streams-stub.ts');
    }
  });

  it('keeps the bundled SDK working with the aliases and without keepNames: S3 GetObject (whose client wires event streams), a DynamoDB read, and a refused conditional write named ConditionalCheckFailedException', async () => {
    // Prepare: a loopback S3 and DynamoDB, and the calls bundled with the Lambda settings
    const stub = await startHttpStub((request) => {
      if (request.url.startsWith('/inbox/'))
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'hello' };
      if (request.headers['x-amz-target'] === 'DynamoDB_20120810.PutItem')
        // DynamoDB's error shape (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html)
        return {
          status: 400,
          headers: { 'content-type': 'application/x-amz-json-1.0' },
          body: '{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"The conditional request failed"}',
        };
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: '{"Item":{"pk":{"S":"a"}}}',
      };
    });
    const dir = await mkdtemp(join(tmpdir(), 'b2a-bundle-sdk-'));
    const saved = [process.env['AWS_ACCESS_KEY_ID'], process.env['AWS_SECRET_ACCESS_KEY']] as const;
    try {
      process.env['AWS_ACCESS_KEY_ID'] = 'ASIATEST';
      process.env['AWS_SECRET_ACCESS_KEY'] = 'test-secret';
      const outfile = join(dir, 'calls.mjs');
      const { entryPoints: _entry, ...options } = esbuildOptionsOf(LAMBDA_ENTRIES.target, outfile);
      await build({ ...options, stdin: { contents: SDK_CALLS, resolveDir: PROJECT_ROOT, loader: 'ts' } });
      const calls = (await import(pathToFileURL(outfile).href)) as {
        run: (endpoint: string) => Promise<{ body: string; item: unknown; conditionFailed: unknown }>;
      };

      // Act
      const result = await calls.run(stub.url);

      // Assess
      expect(result).toEqual({ body: 'hello', item: { pk: { S: 'a' } }, conditionFailed: true });
      expect(stub.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'GET /inbox/a%20b.txt?x-id=GetObject',
        'POST /',
        'POST /',
      ]);
    } finally {
      restoreVariable('AWS_ACCESS_KEY_ID', saved[0]);
      restoreVariable('AWS_SECRET_ACCESS_KEY', saved[1]);
      await stub.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('bundles the AWS SDK (one file to read at a cold start) and ships no source map', () => {
    // Assess
    expect(BUNDLING).toMatchObject({
      externalModules: [],
      sourceMap: false,
      minify: true,
      keepNames: false,
      format: 'esm',
    });
  });
});
