/**
 * The local runtime end to end with OAuth client credentials and Standard Webhooks signing: a
 * loopback API that verifies each call with the `standardwebhooks` package and recomputes the
 * Content-Digest, behind a loopback token endpoint that counts token requests.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Webhook } from 'standardwebhooks';
import { ConfigError } from '../../../pipeline-functions/core/errors.js';
import { startLocalRuntime, type LocalRuntime } from '../../../pipeline-functions/local/runtime.js';
import { mergeConfig, type LocalConfigInput } from '../../../pipeline-functions/local/settings.js';
import { startHttpStub, type HttpStub, type RecordedRequest } from '../../support/http-stub.js';
import { FAST_CONFIG, putObject, tempDataDir } from './support.js';

const CLIENT_SECRET = 'local-cl13nt-s3cr3t';
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString('base64')}`;
const env = { B2A_CLIENT_SECRET: CLIENT_SECRET, B2A_WEBHOOK_SECRET: WEBHOOK_SECRET };

const headersOf = (request: RecordedRequest): Record<string, string> =>
  Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));

/** 201 for a call that verifies (signature, digest, token); 400 saying what did not. */
function verifyingApi(request: RecordedRequest): { status: number; body: string } {
  const headers = headersOf(request);
  try {
    new Webhook(WEBHOOK_SECRET).verify(request.body, headers, { jsonParse: false });
  } catch (error) {
    return { status: 400, body: `signature: ${String(error)}` };
  }
  const digest = `sha-256=:${createHash('sha256').update(request.body).digest('base64')}:`;
  if (headers['content-digest'] !== digest) return { status: 400, body: 'digest mismatch' };
  if (headers['authorization'] !== 'Bearer local-token') return { status: 401, body: 'no token' };
  return { status: 201, body: '{"status":"accepted"}' };
}

describe('Local runtime: identity, signatures and content integrity', () => {
  const cleanup: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const step of cleanup.reverse()) await step();
    cleanup.length = 0;
  });

  const stub = async (handler: Parameters<typeof startHttpStub>[0]): Promise<HttpStub> => {
    const server = await startHttpStub(handler);
    cleanup.push(() => server.close());
    return server;
  };

  const start = async (
    api: HttpStub,
    tokens: HttpStub,
    config: LocalConfigInput = {},
  ): Promise<LocalRuntime> => {
    const dataDir = await tempDataDir();
    const runtime = await startLocalRuntime({
      dataDir,
      apiUrl: `${api.url}/ingest`,
      env,
      config: mergeConfig(
        mergeConfig(FAST_CONFIG, {
          api: {
            auth: {
              type: 'oauth2-client-credentials',
              tokenUrl: `${tokens.url}/token`,
              clientId: 'b2a-local',
              clientSecret: { env: 'B2A_CLIENT_SECRET' },
            },
            signing: { scheme: 'standard-webhooks', secrets: [{ env: 'B2A_WEBHOOK_SECRET' }] },
          },
        }),
        config,
      ),
    });
    cleanup.push(async () => {
      await runtime.stop();
      await rm(dataDir, { recursive: true, force: true });
    });
    return runtime;
  };

  it('delivers content and references signed, digested and authorised with one token', async () => {
    // Prepare
    const tokens = await stub(() => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ access_token: 'local-token', token_type: 'Bearer', expires_in: 3600 }),
    }));
    const api = await stub(verifyingApi);
    const runtime = await start(api, tokens, { payload: { inlineLimitBytes: 1024 } });
    const large = Buffer.alloc(4096, 0x61);

    // Act
    for (let i = 0; i < 5; i++) await putObject(runtime.inboxDir, `in/${i}.csv`, `n\n${i}\n`);
    await putObject(runtime.inboxDir, 'big.bin', large);
    await runtime.idle({ timeoutMs: 20_000 });

    // Assess
    const jobs = await Promise.all(
      ['in/0.csv', 'in/1.csv', 'in/2.csv', 'in/3.csv', 'in/4.csv', 'big.bin'].map(
        async (key) => (await runtime.jobs.listByKey(runtime.bucket, key))[0],
      ),
    );
    expect(jobs.map((job) => job?.status)).toEqual(Array(6).fill('SUCCEEDED'));
    expect(tokens.requests).toHaveLength(1);
    expect(api.requests.every((r) => r.headers['webhook-id'] === r.headers['idempotency-key'])).toBe(true);
    const reference = api.requests.find((r) => r.headers['b2a-payload'] === 'reference');
    const sha256 = createHash('sha256').update(large).digest('base64');
    expect(JSON.parse(reference!.body.toString('utf8'))).toMatchObject({
      checksum: { algorithm: 'sha-256', value: sha256 },
    });
    expect(reference!.headers['b2a-object-checksum']).toBe(`sha-256=:${sha256}:`);
  });

  it('records a refused token request as a retryable reason that holds no secret', async () => {
    // Prepare
    const tokens = await stub(() => ({
      status: 401,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'invalid_client', error_description: `wrong secret ${CLIENT_SECRET}` }),
    }));
    const api = await stub(verifyingApi);
    const runtime = await start(api, tokens, { retry: { maxAttempts: 2 } });

    // Act
    await putObject(runtime.inboxDir, 'a.txt', 'x');
    await runtime.idle({ timeoutMs: 20_000 });

    // Assess
    const [job] = await runtime.jobs.listByKey(runtime.bucket, 'a.txt');
    expect(job).toMatchObject({
      status: 'FAILED',
      lastError:
        'gave up after 2 attempts: auth: token endpoint refused the client credentials (401: invalid_client)',
    });
    expect(JSON.stringify(job)).not.toContain(CLIENT_SECRET);
    expect(JSON.stringify(job)).not.toContain(WEBHOOK_SECRET);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses to start with a malformed signing secret, naming the field', async () => {
    // Prepare
    const dataDir = await tempDataDir();
    cleanup.push(() => rm(dataDir, { recursive: true, force: true }));

    // Act
    const starting = startLocalRuntime({
      dataDir,
      apiUrl: 'http://127.0.0.1:9/ingest',
      env: { B2A_WEBHOOK_SECRET: 'whsec_not base64!' },
      config: mergeConfig(FAST_CONFIG, {
        api: { signing: { scheme: 'standard-webhooks', secrets: [{ env: 'B2A_WEBHOOK_SECRET' }] } },
      }),
    });

    // Assess
    await expect(starting).rejects.toBeInstanceOf(ConfigError);
    await expect(starting).rejects.toThrow(/^api\.signing\.secrets\.0: must hold a Standard Webhooks secret/);
  });
});
