import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  HttpDownstreamApi,
  parseRetryAfter,
} from '../../../../../pipeline-functions/adapters/http/downstream-api.js';
import { parsePipelineConfig, type PipelineConfig } from '../../../../../pipeline-functions/core/config.js';
import {
  ConfigError,
  DownstreamNetworkError,
  DownstreamTimeoutError,
} from '../../../../../pipeline-functions/core/errors.js';
import { startHttpStub, type HttpStub } from '../../../../support/http-stub.js';

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
