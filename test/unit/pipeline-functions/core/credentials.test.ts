import { describe, expect, it } from '@jest/globals';
import type { CredentialSource } from '../../../../pipeline-functions/core/config.js';
import { CachedCredentialStore, checkCredentials } from '../../../../pipeline-functions/core/credentials.js';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import type { CredentialStore } from '../../../../pipeline-functions/core/ports.js';
import { FakeClock } from '../../../support/fakes.js';

/** A store whose value can be rotated or made to fail, counting reads. */
class RotatingStore implements CredentialStore {
  public reads = 0;
  public value = 'v1';
  public failure: Error | undefined;
  public async read(_source: CredentialSource, _field: string): Promise<string> {
    this.reads++;
    await Promise.resolve();
    if (this.failure) throw this.failure;
    return this.value;
  }
}

const source = { secretId: 'b2a/api' };

describe('Class: CachedCredentialStore', () => {
  it('reads a source once per period, sharing a read in flight, and picks up a rotation after it', async () => {
    // Prepare
    const clock = new FakeClock();
    const inner = new RotatingStore();
    const store = new CachedCredentialStore(inner, clock, 300_000);
    // Act
    const first = await Promise.all([
      store.read(source, 'f'),
      store.read(source, 'f'),
      store.read(source, 'f'),
    ]);
    inner.value = 'v2';
    clock.advance(299_000);
    const cached = await store.read(source, 'f');
    clock.advance(1_000);
    const rotated = await store.read(source, 'f');
    // Assess
    expect(first).toEqual(['v1', 'v1', 'v1']);
    expect(cached).toBe('v1');
    expect(rotated).toBe('v2');
    expect(inner.reads).toBe(2);
  });

  it('keeps the last value through a passing failure, but never through a ConfigError', async () => {
    // Prepare
    const clock = new FakeClock();
    const inner = new RotatingStore();
    const store = new CachedCredentialStore(inner, clock, 1_000);
    await store.read(source, 'f');
    clock.advance(1_000);
    inner.failure = new Error('ThrottlingException');
    // Act
    const kept = await store.read(source, 'f');
    clock.advance(1_000);
    inner.failure = new ConfigError('f', 'secret b2a/api has no string value');
    const refused = store.read(source, 'f');
    // Assess
    expect(kept).toBe('v1');
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('Function: checkCredentials', () => {
  it('names the signing secret that is not whsec_', async () => {
    // Prepare
    const store: CredentialStore = {
      read: (s) => Promise.resolve('env' in s && s.env === 'GOOD' ? 'whsec_AAEC' : 'plain-text'),
    };
    const api = {
      auth: { type: 'none' as const },
      signing: { scheme: 'standard-webhooks' as const, secrets: [{ env: 'GOOD' }, { env: 'BAD' }] },
    };
    // Act
    const checking = checkCredentials(api, store);
    // Assess
    await expect(checking).rejects.toThrow(/^api\.signing\.secrets\.1: /);
  });
});
