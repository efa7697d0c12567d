/**
 * What the HTTP adapter records of each exchange for the job's delivery log, against a loopback API:
 * the request as sent (credentials and query values redacted, body size and SHA-256) and the
 * response (status, a few headers, the first `api.log.responseBodyBytes` of the body).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { HttpDownstreamApi } from '../../../../../pipeline-functions/adapters/http/downstream-api.js';
import {
  parsePipelineConfig,
  type PipelineConfigInput,
} from '../../../../../pipeline-functions/core/config.js';
import {
  DownstreamNetworkError,
  DownstreamTimeoutError,
} from '../../../../../pipeline-functions/core/errors.js';
import { startHttpStub, type HttpStub } from '../../../../support/http-stub.js';

const TOKEN = 'sk_live_t0k3n-9f8e7d';

describe('Delivery log: HttpDownstreamApi', () => {
  let stub: HttpStub;

  beforeAll(async () => {
    stub = await startHttpStub();
  });
  beforeEach(() => stub.reset());
  afterAll(() => stub.close());

  const apiWith = (api: Partial<PipelineConfigInput['api']> = {}): HttpDownstreamApi =>
    new HttpDownstreamApi({
      api: parsePipelineConfig({
        api: {
          url: `${stub.url}/ingest?code=abc123&tenant=acme`,
          auth: { type: 'header', header: 'X-Api-Token', prefix: '', credential: { env: 'TOKEN' } },
          ...api,
        },
      }).api,
      credentials: { read: () => Promise.resolve(TOKEN) },
    });

  it('records the request as sent: URL query values and the auth header redacted, body size and SHA-256', async () => {
    // Prepare
    const body = Buffer.from('id,total\n1,9.99\n');
    const api = apiWith({ headers: { 'X-Tenant': 'acme' } });

    // Act
    const response = await api.call({
      headers: { 'content-type': 'text/csv', 'idempotency-key': 'k1', 'b2a-attempt': '1' },
      body,
    });

    // Assess
    const sha256 = createHash('sha256').update(body);
    expect(response.exchange?.request).toEqual({
      method: 'POST',
      url: `${stub.url}/ingest?code=[redacted]&tenant=[redacted]`,
      headers: {
        'b2a-attempt': '1',
        'content-digest': `sha-256=:${sha256.copy().digest('base64')}:`,
        'content-type': 'text/csv',
        'idempotency-key': 'k1',
        'x-api-token': '[redacted]',
        'x-tenant': 'acme',
      },
      bodyBytes: body.byteLength,
      bodySha256: sha256.digest('hex'),
    });
    expect(stub.requests[0]?.headers['x-api-token']).toBe(TOKEN);
  });

  it('records the status, content-type, retry-after, the request id and the start of the body', async () => {
    // Prepare
    stub.enqueue({
      status: 503,
      headers: { 'content-type': 'text/plain', 'retry-after': '30', 'x-amzn-RequestId': 'req-7f3a' },
      body: `maintenance ${'x'.repeat(5000)}`,
    });
    const api = apiWith({ log: { responseBodyBytes: 16 } });

    // Act
    const response = await api.call({ headers: {}, body: 'x' });

    // Assess
    expect(response.exchange?.response).toEqual({
      status: 503,
      contentType: 'text/plain',
      retryAfter: '30',
      requestId: { header: 'x-amzn-requestid', value: 'req-7f3a' },
      body: 'maintenance xxxx',
      bodyTruncated: true,
    });
    expect(response.bodySnippet).toHaveLength(200);
  });

  it('keeps no body with responseBodyBytes 0, and the whole of a short one unmarked', async () => {
    // Prepare
    stub.enqueue({ status: 201, body: '{"id":1}' }, { status: 201, body: '{"id":2}' });

    // Act
    const none = await apiWith({ log: { responseBodyBytes: 0 } }).call({ headers: {}, body: 'x' });
    const whole = await apiWith().call({ headers: {}, body: 'x' });

    // Assess
    expect(none.exchange?.response).toEqual({ status: 201 });
    expect(whole.exchange?.response).toEqual({ status: 201, body: '{"id":2}' });
  });

  it('cuts the body at a character boundary within the byte limit, showing control bytes as U+FFFD', async () => {
    // Prepare
    stub.enqueue({ status: 400, body: Buffer.concat([Buffer.from('é\u0000€€'), Buffer.from([0xff])]) });

    // Act
    const response = await apiWith({ log: { responseBodyBytes: 8 } }).call({ headers: {}, body: 'x' });

    // Assess: é (2 bytes) + U+FFFD (3) + € (3) = 8 bytes; the second € would pass the limit
    expect(response.exchange?.response?.body).toBe('é\ufffd€');
    expect(Buffer.byteLength(response.exchange?.response?.body ?? '')).toBeLessThanOrEqual(8);
    expect(response.exchange?.response?.bodyTruncated).toBe(true);
  });

  it('redacts a secret the API repeats in its body, even across the byte limit', async () => {
    // Prepare
    stub.enqueue({ status: 401, body: `bad token ${TOKEN}` });

    // Act
    const response = await apiWith({ log: { responseBodyBytes: 14 } }).call({ headers: {}, body: 'x' });

    // Assess
    expect(response.exchange?.response?.body).toBe('bad token [red');
    expect(JSON.stringify(response)).not.toContain(TOKEN.slice(0, 8));
  });

  it('hands the request to the delivery log when no answer comes (timeout, reset)', async () => {
    // Prepare
    stub.enqueue({ status: 200, delayMs: 2_000 }, { destroySocket: true });
    const api = apiWith({ timeoutMs: 150 });

    // Act
    const timeout = await api
      .call({ headers: { 'idempotency-key': 'k1' }, body: 'x' })
      .catch((e: unknown) => e);
    const reset = await api
      .call({ headers: { 'idempotency-key': 'k2' }, body: 'x' })
      .catch((e: unknown) => e);

    // Assess
    expect(timeout).toBeInstanceOf(DownstreamTimeoutError);
    expect((timeout as DownstreamTimeoutError).request?.headers).toMatchObject({
      'idempotency-key': 'k1',
      'x-api-token': '[redacted]',
    });
    expect(reset).toBeInstanceOf(DownstreamNetworkError);
    expect((reset as DownstreamNetworkError).request?.headers['idempotency-key']).toBe('k2');
  });
});
