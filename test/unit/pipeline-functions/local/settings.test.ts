import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import {
  loadLocalConfig,
  mergeConfig,
  resolvePipelineConfig,
} from '../../../../pipeline-functions/local/settings.js';

describe('Function: loadLocalConfig', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-settings-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('uses the local defaults when there is no config file', async () => {
    // Act
    const { input, settings, file } = await loadLocalConfig({ defaultFile: join(dir, 'config.json') });
    const config = resolvePipelineConfig(input, 'http://127.0.0.1:9/in');
    // Assess
    expect(file).toBeUndefined();
    expect(config).toMatchObject({
      environment: 'local',
      retry: { maxAttempts: 5, baseDelaySeconds: 2, maxDelaySeconds: 60 },
      batch: { size: 10, windowSeconds: 1 },
      flag: { cacheSeconds: 1, holdDeferSeconds: 30 },
      api: { url: 'http://127.0.0.1:9/in', timeoutMs: 10_000 },
    });
    expect(settings).toMatchObject({
      bucket: 'local-inbox',
      queue: { maxReceiveCount: 5, visibilityTimeoutSeconds: 30 },
      timeScale: 1,
      ports: { demoApi: 0, dynamodb: 0, objects: 0 },
    });
  });

  it('layers defaults, then the file, then overrides', async () => {
    // Prepare
    const file = join(dir, 'config.json');
    await writeFile(
      file,
      JSON.stringify({
        api: { url: 'http://127.0.0.1:1/x' },
        retry: { maxAttempts: 9 },
        local: { bucket: 'my-files' },
      }),
    );
    // Act
    const { input, settings } = await loadLocalConfig({
      defaultFile: file,
      overrides: { retry: { baseDelaySeconds: 1 }, local: { timeScale: 0.5 } },
    });
    // Assess
    expect(input.api?.url).toBe('http://127.0.0.1:1/x');
    expect(input.retry).toEqual({ maxAttempts: 9, baseDelaySeconds: 1, maxDelaySeconds: 60 });
    expect(settings.bucket).toBe('my-files');
    expect(settings.timeScale).toBe(0.5);
  });

  it('names the file and the field of an invalid value', async () => {
    // Prepare
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ local: { queue: { maxReceiveCount: 0 } } }));
    // Act
    const loading = loadLocalConfig({ defaultFile: file });
    // Assess
    await expect(loading).rejects.toBeInstanceOf(ConfigError);
    await expect(loading).rejects.toThrow(/local\.queue\.maxReceiveCount|queue\.maxReceiveCount/);
  });

  it('says when the config file named with --config is missing or not JSON', async () => {
    // Prepare
    await writeFile(join(dir, 'bad.json'), '{');
    // Act & Assess
    await expect(loadLocalConfig({ defaultFile: 'x', configFile: join(dir, 'nope.json') })).rejects.toThrow(
      /cannot read the config file/,
    );
    await expect(loadLocalConfig({ defaultFile: 'x', configFile: join(dir, 'bad.json') })).rejects.toThrow(
      /not valid JSON/,
    );
  });

  it('rejects an invalid pipeline value before anything starts', async () => {
    // Act & Assess
    await expect(loadLocalConfig({ defaultFile: 'x', overrides: { batch: { size: 0 } } })).rejects.toThrow(
      /batch\.size/,
    );
  });

  it('refuses at start a rate limit that cannot admit a batch, or a breaker threshold of 0, naming the field', async () => {
    // Act & Assess
    await expect(
      loadLocalConfig({
        defaultFile: 'x',
        overrides: { api: { rateLimit: { perSecond: 1 } }, batch: { size: 10 } },
      }),
    ).rejects.toMatchObject({ field: 'api.rateLimit.perSecond' });
    await expect(
      loadLocalConfig({ defaultFile: 'x', overrides: { api: { circuitBreaker: { failureThreshold: 0 } } } }),
    ).rejects.toMatchObject({ field: 'api.circuitBreaker.failureThreshold' });
  });
});

describe('Function: mergeConfig', () => {
  it('merges objects key by key and replaces arrays and values', () => {
    // Act
    const merged = mergeConfig({ a: { b: 1, c: [1] }, d: 1 }, { a: { c: [2] }, d: undefined });
    // Assess
    expect(merged).toEqual({ a: { b: 1, c: [2] }, d: 1 });
  });
});
