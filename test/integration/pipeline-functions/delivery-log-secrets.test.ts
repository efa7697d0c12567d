/**
 * Secrets never reach the delivery log: the enrichment (deliverBatch with the real HTTP adapter,
 * against a loopback API that echoes what it received) and the target (recordBatch) together, for
 * each auth type that sends a secret, with a Standard Webhooks signing secret on top.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { HttpDownstreamApi } from '../../../pipeline-functions/adapters/http/downstream-api.js';
import { parsePipelineConfig, type PipelineConfigInput } from '../../../pipeline-functions/core/config.js';
import type { CredentialStore } from '../../../pipeline-functions/core/ports.js';
import { deliverBatch } from '../../../pipeline-functions/core/use-cases/deliver-object.js';
import { recordBatch } from '../../../pipeline-functions/core/use-cases/record-outcome.js';
import {
  FakeClock,
  FakeFlag,
  FakeJobs,
  FakeNotifier,
  FakeObjects,
  FakeScheduler,
  s3Event,
} from '../../support/fakes.js';
import { startHttpStub, type HttpStub } from '../../support/http-stub.js';

const WEBHOOK_KEY = randomBytes(24).toString('base64');
const SECRETS = {
  API_KEY: 'hdr-k3y-5ecret-value',
  PASSWORD: 'b4sic-p4ssw0rd',
  CLIENT_SECRET: 'cl1ent-s3cret-value',
  WEBHOOK_SECRET: `whsec_${WEBHOOK_KEY}`,
} as const;
const ACCESS_TOKEN = 'acc3ss-t0ken-value';
const BASIC = Buffer.from(`b2a:${SECRETS.PASSWORD}`).toString('base64');
/** Every string that must appear nowhere in a job. */
const FORBIDDEN = [...Object.values(SECRETS), WEBHOOK_KEY, ACCESS_TOKEN, BASIC];

describe('Delivery log: no secret in the recorded job', () => {
  let api: HttpStub;
  let tokens: HttpStub;

  beforeAll(async () => {
    // The API answers 503 and repeats every header it got, in its body and in a response header.
    api = await startHttpStub((request) => ({
      status: 503,
      headers: {
        'content-type': 'application/json',
        'x-request-id': String(request.headers['authorization']),
      },
      body: JSON.stringify(request.headers),
    }));
    // RFC 6749 §5.1: a token response is JSON and never cached.
    tokens = await startHttpStub(() => ({
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
      body: JSON.stringify({ access_token: ACCESS_TOKEN, token_type: 'Bearer', expires_in: 3600 }),
    }));
  });
  beforeEach(() => api.reset());
  afterAll(async () => {
    await api.close();
    await tokens.close();
  });

  const AUTHS: [string, PipelineConfigInput['api']['auth'], string][] = [
    [
      'header',
      { type: 'header', header: 'X-Api-Key', prefix: '', credential: { env: 'API_KEY' } },
      'x-api-key',
    ],
    ['basic', { type: 'basic', username: 'b2a', password: { env: 'PASSWORD' } }, 'authorization'],
    [
      'oauth2-client-credentials',
      {
        type: 'oauth2-client-credentials',
        tokenUrl: 'http://127.0.0.1:1/token', // replaced by the stub's URL below
        clientId: 'b2a',
        clientSecret: { env: 'CLIENT_SECRET' },
      },
      'authorization',
    ],
  ];

  it.each(AUTHS)('with %s auth and a signing secret', async (_, auth, authHeader) => {
    // Prepare
    const withToken =
      auth?.type === 'oauth2-client-credentials' ? { ...auth, tokenUrl: `${tokens.url}/token` } : auth;
    const config = parsePipelineConfig({
      environment: 'dev',
      api: {
        url: `${api.url}/ingest`,
        auth: withToken,
        signing: { scheme: 'standard-webhooks', secrets: [{ env: 'WEBHOOK_SECRET' }] },
        log: { responseBodyBytes: 8192 },
      },
    });
    const credentials: CredentialStore = {
      read: (source) => Promise.resolve('env' in source ? SECRETS[source.env as keyof typeof SECRETS] : ''),
    };
    const clock = new FakeClock();
    const jobs = new FakeJobs();
    const objects = new FakeObjects();
    objects.put('inbox', 'a.csv', 'id\n1\n', 'text/csv');
    const http = new HttpDownstreamApi({ api: config.api, credentials, clock });

    // Act
    const items = await deliverBatch(
      { config, bucket: 'inbox', flag: new FakeFlag(true), jobs, objects, api: http, clock },
      [
        {
          messageId: 'm1',
          body: JSON.stringify(s3Event('a.csv', { size: 5 })),
          sentAt: clock.now().toISOString(),
        },
      ],
    );
    await recordBatch(
      { config, jobs, scheduler: new FakeScheduler(), notifier: new FakeNotifier(), clock },
      items,
    );

    // Assess
    const [job] = [...jobs.jobs.values()];
    const [attempt] = job?.history ?? [];
    expect(attempt?.response?.status).toBe(503);
    expect(attempt?.request?.headers[authHeader]).toBe('[redacted]');
    // A signature proves the call; it does not let anyone make one: it is kept.
    expect(attempt?.request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/=]{44}$/);
    expect(api.requests[0]?.headers[authHeader]).not.toBe('[redacted]');
    // Neither the job nor what the enrichment hands the target through the pipe holds a secret.
    for (const recorded of [JSON.stringify(job), JSON.stringify(items)]) {
      for (const secret of FORBIDDEN) expect(recorded).not.toContain(secret);
    }
  });
});
