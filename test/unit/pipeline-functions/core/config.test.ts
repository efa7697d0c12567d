import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
import { secretIdsOf } from '../../../../pipeline-functions/core/credential-sources.js';

describe('Function: parsePipelineConfig', () => {
  it('applies the documented defaults', () => {
    const config = parsePipelineConfig({ api: { url: 'https://api.example.com/in' } });
    expect(config).toMatchObject({
      environment: 'local',
      api: { method: 'POST', timeoutMs: 10_000, maxConcurrentCalls: 10, auth: { type: 'none' } },
      payload: { mode: 'auto', inlineLimitBytes: 5 * 1024 * 1024 },
      retry: { maxAttempts: 17, baseDelaySeconds: 60 },
      batch: { size: 10, windowSeconds: 5 },
      flag: { cacheSeconds: 5 },
      jobs: { historyLimit: 20 },
      versions: 'every',
      dedupe: 'none',
      notifications: { on: ['SUCCEEDED', 'FAILED', 'SKIPPED'] },
    });
  });

  it('takes versions latest, dedupe content and SUPERSEDED notifications, and names an unknown mode', () => {
    const config = parsePipelineConfig({
      api: { url: 'https://x.test' },
      versions: 'latest',
      dedupe: 'content',
      notifications: { on: ['FAILED', 'SUPERSEDED'] },
    });
    expect(config).toMatchObject({
      versions: 'latest',
      dedupe: 'content',
      notifications: { on: ['FAILED', 'SUPERSEDED'] },
    });
    expect(() => parsePipelineConfig({ api: { url: 'https://x.test' }, versions: 'newest' })).toThrow(
      /^versions: /,
    );
  });

  // Changed on purpose (issue 12): the 0.1 auth types now parse into a `header` auth with a credential source.
  it.each([
    [
      'secret, with the default header and prefix',
      { type: 'secret', secretId: 's' },
      { type: 'header', header: 'Authorization', prefix: 'Bearer ', credential: { secretId: 's' } },
    ],
    [
      'env, keeping its header and prefix',
      { type: 'env', variable: 'API_TOKEN', header: 'X-Key', prefix: '' },
      { type: 'header', header: 'X-Key', prefix: '', credential: { env: 'API_TOKEN' } },
    ],
  ])('maps a 0.1 %s auth onto a header auth reading a credential source', (_, auth, expected) => {
    const config = parsePipelineConfig({ api: { url: 'https://x.test', auth } });
    expect(config.api.auth).toEqual(expected);
  });

  it('fills the defaults of an oauth2 auth and keeps a signing section', () => {
    const config = parsePipelineConfig({
      api: {
        url: 'https://x.test',
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: 'https://auth.x.test/token',
          clientId: 'b2a',
          clientSecret: { env: 'B2A_CLIENT_SECRET' },
          scope: 'files:write',
        },
        signing: { scheme: 'standard-webhooks', secrets: [{ secretId: 'b2a/whsec', field: 'current' }] },
      },
    });
    expect(config.api.auth).toEqual({
      type: 'oauth2-client-credentials',
      tokenUrl: 'https://auth.x.test/token',
      clientId: 'b2a',
      clientSecret: { env: 'B2A_CLIENT_SECRET' },
      clientAuth: 'basic',
      scope: 'files:write',
    });
    expect(config.api.credentialCacheSeconds).toBe(300);
    expect(config.api.signing?.secrets).toEqual([{ secretId: 'b2a/whsec', field: 'current' }]);
  });

  it.each([
    [{ type: 'header', credential: 'plain-token' }, 'api.auth.credential'],
    [{ type: 'header', credential: { env: 'lower-case' } }, 'api.auth.credential.env'],
    [{ type: 'basic', username: 'a:b', password: { env: 'P' } }, 'api.auth.username'],
    [
      { type: 'oauth2-client-credentials', tokenUrl: 'https://t.test', clientId: 'c' },
      'api.auth.clientSecret',
    ],
    [{ type: 'mtls', cert: { file: 'c.pem' } }, 'api.auth.key'],
  ])('names the invalid credential field (%#)', (auth, field) => {
    expect(() => parsePipelineConfig({ api: { url: 'https://x.test', auth } })).toThrow(
      expect.objectContaining({ field }),
    );
  });

  it('names the invalid signing secret source', () => {
    const input = {
      api: { url: 'https://x.test', signing: { scheme: 'standard-webhooks', secrets: [{ env: 'A' }, {}] } },
    };
    expect(() => parsePipelineConfig(input)).toThrow(
      expect.objectContaining({ field: 'api.signing.secrets.1' }),
    );
  });

  it.each([
    [{}, 'api'],
    [{ api: { url: 'not a url' } }, 'api.url'],
    [{ api: { url: 'ftp://x.test' } }, 'api.url'],
    [{ api: { url: 'https://x.test', timeoutMs: 5 } }, 'api.timeoutMs'],
    [{ api: { url: 'https://x.test' }, retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ api: { url: 'https://x.test' }, payload: { mode: 'zip' } }, 'payload.mode'],
    [{ api: { url: 'https://x.test' }, jobs: { historyLimit: 0 } }, 'jobs.historyLimit'],
    [{ api: { url: 'https://x.test' }, jobs: { historyLimit: 101 } }, 'jobs.historyLimit'],
    [
      { api: { url: 'https://x.test', circuitBreaker: { failureThreshold: 0 } } },
      'api.circuitBreaker.failureThreshold',
    ],
    [
      { api: { url: 'https://x.test', circuitBreaker: { probeSeconds: 0 } } },
      'api.circuitBreaker.probeSeconds',
    ],
    [{ api: { url: 'https://x.test', rateLimit: { perSecond: 0 } } }, 'api.rateLimit.perSecond'],
    [
      { api: { url: 'https://x.test', rateLimit: { perSecond: 10, perMinute: 9 } } },
      'api.rateLimit.perMinute',
    ],
    [{ api: { url: 'https://x.test' }, flag: { holdDeferSeconds: 0 } }, 'flag.holdDeferSeconds'],
  ])('names the invalid field (%#)', (input, field) => {
    let error: unknown;
    try {
      parsePipelineConfig(input, 'B2A_CONFIG');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toContain('B2A_CONFIG');
  });

  it('fills the defaults of a circuit breaker and of a rate limit, and has neither unless asked', () => {
    const config = parsePipelineConfig({
      api: { url: 'https://x.test', circuitBreaker: {}, rateLimit: { perSecond: 50 } },
    });
    expect(config.api.circuitBreaker).toEqual({ failureThreshold: 5, probeSeconds: 30 });
    expect(config.api.rateLimit).toEqual({ perSecond: 50, maxWaitSeconds: 2 });
    expect(config.flag.holdDeferSeconds).toBe(120);
    const plain = parsePipelineConfig({ api: { url: 'https://x.test' } });
    expect([plain.api.rateLimit, plain.api.circuitBreaker]).toEqual([undefined, undefined]);
  });

  it('refuses a rate limit that cannot admit one batch within the in-process wait, naming perSecond', () => {
    // 2/s drains 1.8 calls a second: 3 in 2 s, fewer than a batch of 10
    const parse = (): unknown =>
      parsePipelineConfig({
        api: { url: 'https://x.test', rateLimit: { perSecond: 2 } },
        batch: { size: 10 },
      });
    expect(parse).toThrow(ConfigError);
    expect(parse).toThrow(
      /^api\.rateLimit\.perSecond: 2 calls\/s admits 3 call\(s\) within api\.rateLimit\.maxWaitSeconds \(2s\), fewer than one batch \(batch\.size 10\)/,
    );
    expect(() =>
      parsePipelineConfig({
        api: { url: 'https://x.test', rateLimit: { perSecond: 2 } },
        batch: { size: 3 },
      }),
    ).not.toThrow();
  });
});

describe('Function: secretIdsOf', () => {
  it('lists every Secrets Manager secret in api.auth and api.signing once', () => {
    const { api } = parsePipelineConfig({
      api: {
        url: 'https://x.test',
        auth: {
          type: 'oauth2-client-credentials',
          tokenUrl: 'https://t.test/token',
          clientId: 'c',
          clientSecret: { secretId: 'b2a/api', field: 'clientSecret' },
        },
        signing: {
          scheme: 'standard-webhooks',
          secrets: [
            { secretId: 'b2a/api', field: 'whsec' },
            { secretId: 'b2a/whsec-next' },
            { env: 'LOCAL_ONLY' },
          ],
        },
      },
    });
    expect(secretIdsOf(api)).toEqual(['b2a/api', 'b2a/whsec-next']);
  });
});
