import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';

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
    });
  });

  it('fills the defaults of a secret auth', () => {
    const config = parsePipelineConfig({
      api: { url: 'https://x.test', auth: { type: 'secret', secretId: 's' } },
    });
    expect(config.api.auth).toEqual({
      type: 'secret',
      secretId: 's',
      header: 'Authorization',
      prefix: 'Bearer ',
    });
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
});
