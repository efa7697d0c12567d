import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import {
  HttpDownstreamApi,
  parseRetryAfter,
} from '../../../../../pipeline-functions/adapters/http/downstream-api.js';
import { parsePipelineConfig, type PipelineConfig } from '../../../../../pipeline-functions/core/config.js';
import {
  ApiAuthError,
  ConfigError,
  DownstreamNetworkError,
  DownstreamTimeoutError,
} from '../../../../../pipeline-functions/core/errors.js';
import { startHttpStub, type HttpStub, type RecordedRequest } from '../../../../support/http-stub.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const clock = { now: () => NOW };

function apiConfig(url: string, overrides: Partial<PipelineConfig['api']> = {}): PipelineConfig['api'] {
  return { ...parsePipelineConfig({ api: { url } }).api, ...overrides };
}

describe('Class: HttpDownstreamApi', () => {
  let stub: HttpStub;

  beforeAll(async () => {
    stub = await startHttpStub();
  });

  beforeEach(() => {
    stub.reset();
  });

  afterAll(async () => {
    await stub.close();
  });

  it('sends the body with per-call, configured and auth headers, and reports a 2xx', async () => {
    // Prepare
    stub.enqueue({ status: 201, body: '{"id":1}' });
    const api = new HttpDownstreamApi({
      api: apiConfig(`${stub.url}/ingest?tenant=a`, {
        method: 'PUT',
        headers: { 'X-Tenant': 'acme' },
        auth: { type: 'header', header: 'Authorization', prefix: 'Bearer ', credential: { secretId: 's' } },
      }),
      credentials: { read: () => Promise.resolve('tok3n') },
      clock,
    });

    // Act
    const response = await api.call({
      headers: { 'content-type': 'text/csv', 'idempotency-key': 'k1', authorization: 'spoofed' },
      body: new TextEncoder().encode('a,b\n1,2\n'),
    });

    // Assess
    expect(response).toMatchObject({ status: 201, bodySnippet: '{"id":1}' });
    expect(response.latencyMs).toBeGreaterThanOrEqual(0);
    expect(stub.requests).toHaveLength(1);
    const [request] = stub.requests;
    expect(request?.method).toBe('PUT');
    expect(request?.url).toBe('/ingest?tenant=a');
    expect(request?.headers).toMatchObject({
      'content-type': 'text/csv',
      'idempotency-key': 'k1',
      'x-tenant': 'acme',
      authorization: 'Bearer tok3n',
    });
    expect(request?.body.toString('utf8')).toBe('a,b\n1,2\n');
  });

  it.each([
    [400, 'missing field "id"'],
    [404, 'no such route'],
    [500, 'boom'],
    [503, 'maintenance'],
  ])('reports HTTP %i as a response with a body snippet', async (status, body) => {
    // Prepare
    stub.enqueue({ status, body });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const response = await api.call({ headers: {}, body: 'x' });

    // Assess
    expect(response).toMatchObject({ status, bodySnippet: body });
    expect(response.retryAfterSeconds).toBeUndefined();
  });

  it('cuts a long body to a short snippet with whitespace collapsed', async () => {
    // Prepare
    stub.enqueue({ status: 502, body: `<html>\n\n  ${'x'.repeat(100_000)}` });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const response = await api.call({ headers: {}, body: 'x' });

    // Assess
    expect(response.status).toBe(502);
    expect(response.bodySnippet).toHaveLength(200);
    expect(response.bodySnippet?.startsWith('<html> xxx')).toBe(true);
  });

  it('reads Retry-After in delta-seconds on a 429', async () => {
    // Prepare
    stub.enqueue({ status: 429, headers: { 'retry-after': '120' } });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const response = await api.call({ headers: {}, body: 'x' });

    // Assess
    expect(response).toMatchObject({ status: 429, retryAfterSeconds: 120 });
    expect(response.bodySnippet).toBeUndefined();
  });

  it('reads Retry-After as an HTTP date on a 429', async () => {
    // Prepare
    stub.enqueue({ status: 429, headers: { 'retry-after': 'Sun, 01 Mar 2026 12:05:00 GMT' } });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const response = await api.call({ headers: {}, body: 'x' });

    // Assess
    expect(response).toMatchObject({ status: 429, retryAfterSeconds: 300 });
  });

  it('reports a redirect as its status instead of following it', async () => {
    // Prepare
    stub.enqueue({ status: 301, headers: { location: '/elsewhere' } });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const response = await api.call({ headers: {}, body: 'x' });

    // Assess
    expect(response.status).toBe(301);
    expect(stub.requests).toHaveLength(1);
  });

  it('throws DownstreamTimeoutError when the API answers after the timeout', async () => {
    // Prepare
    stub.enqueue({ status: 200, delayMs: 2_000 });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url, { timeoutMs: 150 }), clock });

    // Act
    const call = api.call({ headers: {}, body: 'x' });

    // Assess
    await expect(call).rejects.toBeInstanceOf(DownstreamTimeoutError);
    await expect(call).rejects.toThrow('no answer within 150 ms');
  });

  it('throws DownstreamNetworkError when the connection is reset', async () => {
    // Prepare
    stub.enqueue({ destroySocket: true });
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const call = api.call({ headers: {}, body: 'x' });

    // Assess
    await expect(call).rejects.toBeInstanceOf(DownstreamNetworkError);
  });

  it('throws DownstreamNetworkError when nothing listens on the port', async () => {
    // Prepare
    const closed = await startHttpStub();
    const url = closed.url;
    await closed.close();
    const api = new HttpDownstreamApi({ api: apiConfig(url), clock });

    // Act
    const call = api.call({ headers: {}, body: 'x' });

    // Assess
    await expect(call).rejects.toBeInstanceOf(DownstreamNetworkError);
    await expect(call).rejects.toThrow(/ECONNREFUSED/);
  });

  it('keeps working after many calls, so bodies do not hold sockets', async () => {
    // Prepare
    stub.setHandler(() => ({ status: 500, body: 'y'.repeat(200_000) }));
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url), clock });

    // Act
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => api.call({ headers: {}, body: 'x' })),
    );

    // Assess
    expect(responses.map((r) => r.status)).toEqual(Array(30).fill(500));
    expect(stub.requests).toHaveLength(30);
  });

  it('refuses an auth configuration without a credential store', () => {
    // Prepare
    const config = apiConfig(stub.url, {
      auth: { type: 'header', header: 'X-Key', prefix: '', credential: { env: 'API_TOKEN' } },
    });

    // Act
    const build = () => new HttpDownstreamApi({ api: config });

    // Assess
    expect(build).toThrow(ConfigError);
    expect(build).toThrow('api.auth');
  });
});

describe('Function: parseRetryAfter', () => {
  it.each([
    [null, undefined],
    ['0', 0],
    [' 30 ', 30],
    ['Sun, 01 Mar 2026 11:00:00 GMT', 0],
    ['Sun, 01 Mar 2026 12:00:01 GMT', 1],
    ['soon', undefined],
    ['-5', undefined],
  ])('reads %p as %p', (value, expected) => {
    // Act
    const seconds = parseRetryAfter(value, NOW);

    // Assess
    expect(seconds).toBe(expected);
  });
});

/**
 * What the receiver can verify, checked with the reference implementation of Standard Webhooks
 * (the `standardwebhooks` npm package, https://www.standardwebhooks.com/) and by recomputing the
 * RFC 9530 digest (https://www.rfc-editor.org/rfc/rfc9530), never with b2a's own code.
 */
describe('Signatures and digests: HttpDownstreamApi', () => {
  const OLD_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
  const NEW_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
  let stub: HttpStub;

  beforeAll(async () => {
    stub = await startHttpStub();
  });
  beforeEach(() => stub.reset());
  afterAll(() => stub.close());

  /** Signs with `secrets`, each read from a variable `WHSEC_<i>`. */
  const signingApi = (secrets: readonly string[]) => {
    const env = new Map(secrets.map((secret, i) => [`WHSEC_${i}`, secret]));
    return new HttpDownstreamApi({
      api: parsePipelineConfig({
        api: {
          url: stub.url,
          signing: { scheme: 'standard-webhooks', secrets: [...env.keys()].map((name) => ({ env: name })) },
        },
      }).api,
      credentials: { read: (source) => Promise.resolve(('env' in source && env.get(source.env)) || '') },
    });
  };

  const headersOf = (request: RecordedRequest): Record<string, string> =>
    Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));

  it('signs the exact bytes sent so that standardwebhooks verifies them, with the Idempotency-Key as webhook-id', async () => {
    // Prepare
    const api = signingApi([NEW_SECRET]);
    const body = Buffer.from('id,name\n1,Zoë\n');

    // Act
    await api.call({ headers: { 'idempotency-key': 'a1b2', 'content-type': 'text/csv' }, body });

    // Assess
    const [request] = stub.requests;
    const headers = headersOf(request!);
    expect(headers['webhook-id']).toBe('a1b2');
    expect(Number(headers['webhook-timestamp'])).toBeCloseTo(Date.now() / 1000, -2);
    expect(() => new Webhook(NEW_SECRET).verify(request!.body, headers, { jsonParse: false })).not.toThrow();
  });

  it('signs once per secret during a rotation: receivers with the old or the new secret both verify', async () => {
    // Prepare
    const api = signingApi([OLD_SECRET, NEW_SECRET]);

    // Act
    await api.call({
      headers: { 'idempotency-key': 'k', 'content-type': 'application/json' },
      body: '{"b2a":1}',
    });

    // Assess
    const [request] = stub.requests;
    const headers = headersOf(request!);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(new Webhook(OLD_SECRET).verify(request!.body, headers)).toEqual({ b2a: 1 });
    expect(new Webhook(NEW_SECRET).verify(request!.body, headers)).toEqual({ b2a: 1 });
    const stranger = `whsec_${randomBytes(32).toString('base64')}`;
    expect(() => new Webhook(stranger).verify(request!.body, headers)).toThrow(WebhookVerificationError);
  });

  it('lets a receiver detect a tampered body', async () => {
    // Prepare
    const api = signingApi([NEW_SECRET]);

    // Act
    await api.call({ headers: { 'idempotency-key': 'k' }, body: '{"amount":10}' });

    // Assess
    const headers = headersOf(stub.requests[0]!);
    expect(() => new Webhook(NEW_SECRET).verify('{"amount":99}', headers)).toThrow(WebhookVerificationError);
  });

  it('sends a Content-Digest of the exact bytes sent (RFC 9530)', async () => {
    // Prepare
    const api = new HttpDownstreamApi({ api: apiConfig(stub.url) });
    const body = randomBytes(4096);

    // Act
    await api.call({ headers: { 'idempotency-key': 'k' }, body });

    // Assess
    const [request] = stub.requests;
    const expected = createHash('sha256').update(request!.body).digest('base64');
    expect(request!.body.equals(body)).toBe(true);
    expect(request!.headers['content-digest']).toBe(`sha-256=:${expected}:`);
  });

  it('refuses to sign with a malformed whsec_ secret, naming the field and not the value', async () => {
    // Prepare
    const api = signingApi(['not-a-webhook-secret']);

    // Act
    const failure = await api
      .call({ headers: { 'idempotency-key': 'k' }, body: 'x' })
      .catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(ApiAuthError);
    expect((failure as Error).message).toContain('api.signing.secrets.0');
    expect((failure as Error).message).not.toContain('not-a-webhook-secret');
    expect(stub.requests).toHaveLength(0);
  });
});
