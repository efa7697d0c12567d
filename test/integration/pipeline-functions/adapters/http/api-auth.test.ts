/**
 * Each `api.auth` type against real loopback servers: an API stub, an OAuth token endpoint stub that
 * counts token requests, and an HTTPS server that demands a client certificate.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { HttpDownstreamApi } from '../../../../../pipeline-functions/adapters/http/downstream-api.js';
import {
  parsePipelineConfig,
  type PipelineConfig,
  type PipelineConfigInput,
} from '../../../../../pipeline-functions/core/config.js';
import {
  ApiAuthError,
  ConfigError,
  DownstreamNetworkError,
  DownstreamTimeoutError,
} from '../../../../../pipeline-functions/core/errors.js';
import { classifyCallError } from '../../../../../pipeline-functions/core/outcome.js';
import type { CredentialStore } from '../../../../../pipeline-functions/core/ports.js';
import { makeTestPki, type TestPki } from '../../../../support/certificates.js';
import { FakeClock } from '../../../../support/fakes.js';
import { startHttpStub, type HttpStub, type RecordedRequest } from '../../../../support/http-stub.js';

const CLIENT_SECRET = 'cl13nt-s3cr3t/+&=';

/** A credential store holding fixed values by source, counting reads. */
function fixedCredentials(values: Record<string, string>): CredentialStore & { reads: number } {
  const store = {
    reads: 0,
    read: (source: object, field: string): Promise<string> => {
      store.reads++;
      const value = values[JSON.stringify(source)];
      return value === undefined ? Promise.reject(new ConfigError(field, 'not set')) : Promise.resolve(value);
    },
  };
  return store;
}

function apiConfig(url: string, auth: unknown): PipelineConfig['api'] {
  return parsePipelineConfig({ api: { url, auth, timeoutMs: 2000 } }).api;
}

const call = (api: HttpDownstreamApi, key = 'k1') =>
  api.call({ headers: { 'idempotency-key': key, 'content-type': 'text/plain' }, body: 'hello' });

describe('Auth: header and basic', () => {
  let stub: HttpStub;

  beforeAll(async () => {
    stub = await startHttpStub();
  });
  beforeEach(() => stub.reset());
  afterAll(() => stub.close());

  it('sends a header credential under any header name and prefix', async () => {
    // Prepare
    const credentials = fixedCredentials({ '{"env":"API_KEY"}': 'k3y' });
    const api = new HttpDownstreamApi({
      api: apiConfig(stub.url, {
        type: 'header',
        header: 'X-Api-Key',
        prefix: 'Key ',
        credential: { env: 'API_KEY' },
      }),
      credentials,
    });

    // Act
    const response = await call(api);

    // Assess
    expect(response.status).toBe(200);
    expect(stub.requests[0]?.headers['x-api-key']).toBe('Key k3y');
  });

  it('sends basic auth as RFC 7617 user:password in base64', async () => {
    // Prepare
    const credentials = fixedCredentials({ '{"file":"pw.txt"}': 'pä:ss' });
    const api = new HttpDownstreamApi({
      api: apiConfig(stub.url, { type: 'basic', username: 'b2a', password: { file: 'pw.txt' } }),
      credentials,
    });

    // Act
    await call(api);

    // Assess
    const authorization = String(stub.requests[0]?.headers.authorization);
    expect(authorization.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(authorization.slice(6), 'base64').toString('utf8')).toBe('b2a:pä:ss');
  });

  it('keeps a secret the API echoes out of the body snippet that ends up in the job', async () => {
    // Prepare
    stub.setHandler((request) => ({
      status: 400,
      body: `bad auth: ${String(request.headers.authorization)}`,
    }));
    const credentials = fixedCredentials({ '{"env":"PW"}': 'hunter2-very-secret' });
    const api = new HttpDownstreamApi({
      api: apiConfig(stub.url, { type: 'basic', username: 'b2a', password: { env: 'PW' } }),
      credentials,
    });

    // Act
    const response = await call(api);

    // Assess
    const encoded = Buffer.from('b2a:hunter2-very-secret').toString('base64');
    expect(response.bodySnippet).toBe('bad auth: Basic [redacted]');
    expect(response.bodySnippet).not.toContain(encoded);
  });

  it('turns a credential that cannot be read into a retryable auth error naming the field, not the value', async () => {
    // Prepare
    const api = new HttpDownstreamApi({
      api: apiConfig(stub.url, { type: 'header', credential: { env: 'MISSING' } }),
      credentials: fixedCredentials({}),
    });

    // Act
    const failure = await call(api).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ApiAuthError);
    expect((failure as ApiAuthError).message).toContain('api.auth.credential');
    expect(classifyCallError(failure)).toMatchObject({ kind: 'retryable' });
    expect(stub.requests).toHaveLength(0);
  });
});

describe('Auth: oauth2-client-credentials', () => {
  let api: HttpStub;
  let tokens: HttpStub;
  let issued: number;
  const clock = new FakeClock(new Date('2026-03-01T12:00:00.000Z'));
  const secretSource = { env: 'B2A_CLIENT_SECRET' };

  const tokenRequests = (): RecordedRequest[] => tokens.requests;
  const oauthApi = (auth: Record<string, unknown> = {}) =>
    new HttpDownstreamApi({
      api: apiConfig(`${api.url}/ingest`, {
        type: 'oauth2-client-credentials',
        tokenUrl: `${tokens.url}/oauth/token`,
        clientId: 'b2a client',
        clientSecret: secretSource,
        scope: 'files:write',
        ...auth,
      }),
      credentials: fixedCredentials({ [JSON.stringify(secretSource)]: CLIENT_SECRET }),
      clock,
    });

  beforeAll(async () => {
    api = await startHttpStub();
    tokens = await startHttpStub();
  });
  beforeEach(() => {
    api.reset();
    tokens.reset();
    issued = 0;
    // RFC 6749 §5.1 successful response; each token is new, so a test can tell which was used.
    tokens.setHandler(() => ({
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
      body: JSON.stringify({ access_token: `tok-${++issued}`, token_type: 'Bearer', expires_in: 3600 }),
    }));
    // The API accepts only the newest token.
    api.setHandler((request) =>
      request.headers.authorization === `Bearer tok-${issued}` ? { status: 201 } : { status: 401 },
    );
  });
  afterAll(async () => {
    await api.close();
    await tokens.close();
  });

  it('posts grant_type=client_credentials form-encoded with HTTP Basic client authentication (RFC 6749 §4.4.2, §2.3.1)', async () => {
    // Act
    const response = await call(oauthApi({ audience: 'https://api.example.com' }));

    // Assess
    expect(response.status).toBe(201);
    const [request] = tokenRequests();
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/oauth/token');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request?.body.toString('utf8'));
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'files:write',
      audience: 'https://api.example.com',
    });
    // §2.3.1: id and secret are form-encoded before Basic (a space becomes "+").
    const basic = Buffer.from(
      String(request?.headers.authorization).slice('Basic '.length),
      'base64',
    ).toString();
    expect(basic).toBe(`b2a+client:${encodeURIComponent(CLIENT_SECRET).replace(/%20/g, '+')}`);
    expect(api.requests[0]?.headers.authorization).toBe('Bearer tok-1');
  });

  it('sends the client credentials in the body with clientAuth "body"', async () => {
    // Act
    await call(oauthApi({ clientAuth: 'body' }));

    // Assess
    const [request] = tokenRequests();
    expect(request?.headers.authorization).toBeUndefined();
    const form = new URLSearchParams(request?.body.toString('utf8'));
    expect(form.get('client_id')).toBe('b2a client');
    expect(form.get('client_secret')).toBe(CLIENT_SECRET);
  });

  it('asks for one token for many calls, concurrent ones sharing the request in flight', async () => {
    // Prepare
    const client = oauthApi();

    // Act
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => call(client, `k${i}`)));
    await call(client, 'later');

    // Assess
    expect(responses.every((r) => r.status === 201)).toBe(true);
    expect(tokenRequests()).toHaveLength(1);
    expect(api.requests).toHaveLength(21);
  });

  it('renews the token once on a 401 from the API and sends the call again in the same attempt', async () => {
    // Prepare
    const client = oauthApi();
    await call(client, 'first');
    issued++; // tok-1 was revoked: the API now refuses it and accepts only a token issued later

    // Act
    const response = await call(client, 'second');

    // Assess
    expect(response.status).toBe(201);
    expect(tokenRequests()).toHaveLength(2);
    expect(api.requests.map((r) => [r.headers['idempotency-key'], r.headers.authorization])).toEqual([
      ['first', 'Bearer tok-1'],
      ['second', 'Bearer tok-1'],
      ['second', 'Bearer tok-3'],
    ]);
  });

  it('reports a second 401 as the answer: one renewal per call, no loop', async () => {
    // Prepare
    api.setHandler(() => ({ status: 401, body: 'nope' }));

    // Act
    const response = await call(oauthApi());

    // Assess
    expect(response.status).toBe(401);
    expect(api.requests).toHaveLength(2);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('renews a token shortly before expires_in ends', async () => {
    // Prepare
    const client = oauthApi();
    await call(client, 'a');

    // Act
    clock.advance((3600 - 30) * 1000); // within the renewal margin (60 s)
    await call(client, 'b');

    // Assess
    expect(tokenRequests()).toHaveLength(2);
    expect(api.requests.map((r) => r.headers.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it.each([401, 403])(
    'says the token endpoint refused the client credentials (%i), retryable, without the secret',
    async (status) => {
      // Prepare: RFC 6749 §5.2 error response (a 401 names the scheme the client must use); 403 is
      // not in §5.2, but endpoints answer it
      tokens.setHandler(() => ({
        status,
        headers: {
          'content-type': 'application/json',
          ...(status === 401 ? { 'www-authenticate': 'Basic realm="token"' } : {}),
        },
        body: JSON.stringify({ error: 'invalid_client', error_description: `bad secret ${CLIENT_SECRET}` }),
      }));

      // Act
      const failure = await call(oauthApi()).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ApiAuthError);
      expect((failure as ApiAuthError).refused).toBe(true);
      expect((failure as Error).message).toBe(
        `token endpoint refused the client credentials (${status}: invalid_client)`,
      );
      const result = classifyCallError(failure);
      expect(result).toEqual({
        kind: 'retryable',
        reason: `auth: token endpoint refused the client credentials (${status}: invalid_client)`,
      });
      expect(JSON.stringify(result)).not.toContain(CLIENT_SECRET);
      expect(api.requests).toHaveLength(0);
    },
  );

  it.each([
    ['invalid_scope', {}],
    ['invalid_client', { clientAuth: 'body' }],
  ])(
    'says the token endpoint refused the token request (400 %s, RFC 6749 §5.2), retryable',
    async (code, auth) => {
      // Prepare: §5.2's default status; invalid_client too when the client authenticated in the body
      tokens.setHandler(() => ({
        status: 400,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
        body: JSON.stringify({ error: code, error_description: `not for ${CLIENT_SECRET}` }),
      }));

      // Act
      const failure = await call(oauthApi(auth)).catch((error: unknown) => error);

      // Assess
      expect(failure).toBeInstanceOf(ApiAuthError);
      expect((failure as ApiAuthError).refused).toBe(true);
      const result = classifyCallError(failure);
      expect(result).toEqual({
        kind: 'retryable',
        reason: `auth: token endpoint refused the token request (400: ${code})`,
      });
      expect(JSON.stringify(result)).not.toContain(CLIENT_SECRET);
      expect(api.requests).toHaveLength(0);
    },
  );

  it('makes a token endpoint outage (5xx) retryable with a clear reason', async () => {
    // Prepare
    tokens.setHandler(() => ({ status: 503, body: 'maintenance' }));

    // Act
    const failure = await call(oauthApi()).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ApiAuthError);
    expect((failure as ApiAuthError).refused).toBe(false);
    expect(classifyCallError(failure)).toEqual({
      kind: 'retryable',
      reason: `auth: token endpoint POST ${tokens.url}/oauth/token failed (HTTP 503)`,
    });
  });

  it('makes an unreachable token endpoint retryable', async () => {
    // Prepare
    const closed = await startHttpStub();
    const tokenUrl = `${closed.url}/token`;
    await closed.close();

    // Act
    const failure = await call(oauthApi({ tokenUrl })).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(ApiAuthError);
    expect((failure as Error).message).toMatch(
      /^token endpoint unavailable: POST http:\/\/127\.0\.0\.1:\d+\/token: .*ECONNREFUSED/,
    );
    expect((failure as Error).cause).toBeInstanceOf(DownstreamNetworkError);
  });
});

describe('Auth: mtls', () => {
  let pki: TestPki;
  let server: HttpStub;

  beforeAll(async () => {
    pki = makeTestPki('b2a-prod-client');
    server = await startHttpStub(() => ({ status: 202 }), {
      tls: {
        key: pki.serverKey,
        cert: pki.serverCert,
        ca: pki.ca,
        requestCert: true,
        rejectUnauthorized: true,
      },
    });
  });
  afterAll(async () => {
    await server.close();
    pki.remove();
  });
  beforeEach(() => server.reset());

  const MTLS_AUTH = {
    type: 'mtls',
    cert: { file: 'client.pem' },
    key: { file: 'client.key' },
    ca: { file: 'ca.pem' },
  } as const;
  const mtlsApi = (values: Record<string, string>) =>
    new HttpDownstreamApi({
      api: apiConfig(`${server.url}/ingest`, MTLS_AUTH),
      credentials: fixedCredentials(values),
    });
  const trusted = (): Record<string, string> => ({
    '{"file":"client.pem"}': pki.clientCert,
    '{"file":"client.key"}': pki.clientKey,
    '{"file":"ca.pem"}': pki.ca,
  });
  /** An mTLS API at `url` with the trusted certificate and a response body kept in the delivery log. */
  const mtlsApiAt = (
    url: string,
    api: Omit<Partial<PipelineConfigInput['api']>, 'url' | 'auth'>,
    values = trusted(),
  ) =>
    new HttpDownstreamApi({
      api: parsePipelineConfig({ api: { url, log: { responseBodyBytes: 16 }, ...api, auth: MTLS_AUTH } }).api,
      credentials: fixedCredentials(values),
    });

  let api: HttpDownstreamApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  it('presents the client certificate to a server that demands one', async () => {
    // Prepare
    api = mtlsApi(trusted());

    // Act
    const response = await call(api);

    // Assess
    expect(response.status).toBe(202);
    expect(server.requests[0]?.clientCertificate).toBe('b2a-prod-client');
    expect(server.requests[0]?.body.toString()).toBe('hello');
  });

  it('cannot get through with a certificate the server does not trust (the handshake fails)', async () => {
    // Prepare: a client certificate from another CA
    const other = makeTestPki('intruder');
    api = mtlsApi({
      '{"file":"client.pem"}': other.clientCert,
      '{"file":"client.key"}': other.clientKey,
      '{"file":"ca.pem"}': pki.ca,
    });
    other.remove();

    // Act
    const failure = await call(api).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DownstreamNetworkError);
    expect(server.requests).toHaveLength(0);
  });

  it('reuses one TLS connection for calls in a row (keep-alive: one handshake per container)', async () => {
    // Prepare
    api = mtlsApi(trusted());

    // Act
    const statuses = [];
    for (const key of ['a', 'b', 'c']) statuses.push((await call(api, key)).status);

    // Assess
    expect(statuses).toEqual([202, 202, 202]);
    expect(new Set(server.requests.map((r) => r.remotePort)).size).toBe(1);
  });

  it('signs the exact bytes it sends over the client-certificate connection: standardwebhooks verifies them', async () => {
    // Prepare: a call through node:https, not fetch; checked with the reference library and by
    // recomputing the RFC 9530 digest, never with b2a's own code
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    api = mtlsApiAt(
      `${server.url}/ingest`,
      { signing: { scheme: 'standard-webhooks', secrets: [{ env: 'WHSEC' }] } },
      { ...trusted(), '{"env":"WHSEC"}': secret },
    );
    const body = Buffer.from('id,name\n1,Zoë\n');

    // Act
    await api.call({ headers: { 'idempotency-key': 'm1', 'content-type': 'text/csv' }, body });

    // Assess
    const [request] = server.requests;
    const headers = Object.fromEntries(
      Object.entries(request?.headers ?? {}).map(([name, value]) => [name, String(value)]),
    );
    expect(request?.body.equals(body)).toBe(true);
    expect(headers['webhook-id']).toBe('m1');
    expect(headers['content-digest']).toBe(`sha-256=:${createHash('sha256').update(body).digest('base64')}:`);
    expect(() =>
      new Webhook(secret).verify(request?.body ?? '', headers, { jsonParse: false }),
    ).not.toThrow();
  });

  it('reports a redirect as the answer, with the start of the body and retry-after in the delivery log', async () => {
    // Prepare
    server.enqueue({
      status: 307,
      headers: { location: `${server.url}/elsewhere`, 'retry-after': '7', 'content-type': 'text/plain' },
      body: 'moved: try the other door, please',
    });
    api = mtlsApiAt(`${server.url}/ingest`, { timeoutMs: 2000 });

    // Act
    const response = await call(api);

    // Assess
    expect(response.status).toBe(307);
    expect(response.retryAfterSeconds).toBe(7);
    expect(response.exchange?.response).toEqual({
      status: 307,
      contentType: 'text/plain',
      retryAfter: '7',
      body: 'moved: try the o',
      bodyTruncated: true,
    });
    expect(server.requests.map((r) => r.url)).toEqual(['/ingest']);
  });

  it('turns no answer within api.timeoutMs into a timeout carrying the request', async () => {
    // Prepare
    server.enqueue({ status: 200, delayMs: 5_000 });
    api = mtlsApiAt(`${server.url}/ingest`, { timeoutMs: 100 });

    // Act
    const failure = await call(api).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DownstreamTimeoutError);
    expect((failure as DownstreamTimeoutError).message).toBe(
      `POST ${server.url}/ingest: no answer within 100 ms`,
    );
    expect((failure as DownstreamTimeoutError).request).toMatchObject({ method: 'POST', bodyBytes: 5 });
    expect(classifyCallError(failure)).toMatchObject({ kind: 'retryable' });
  });

  it('turns a refused connection into a retryable network error naming ECONNREFUSED', async () => {
    // Prepare
    const closed = await startHttpStub(undefined, { tls: { key: pki.serverKey, cert: pki.serverCert } });
    const url = `${closed.url}/ingest`;
    await closed.close();
    api = mtlsApiAt(url, { timeoutMs: 2000 });

    // Act
    const failure = await call(api).catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(DownstreamNetworkError);
    expect((failure as Error).message).toMatch(/^POST https:\/\/127\.0\.0\.1:\d+\/ingest: .*ECONNREFUSED/);
    expect(classifyCallError(failure)).toMatchObject({ kind: 'retryable' });
  });
});
