/**
 * Credentials as the pipeline uses them: read through a {@link CredentialStore}, trusted for a while
 * (so a rotated secret is picked up within `api.credentialCacheSeconds`), and checked for their form.
 */
import { TtlCache } from './cache.js';
import type { CredentialSource, PipelineConfig } from './config.js';
import { credentialsOf } from './credential-sources.js';
import { ConfigError } from './errors.js';
import type { Clock, CredentialStore } from './ports.js';
import { parseWebhookSecret } from './signatures.js';

/**
 * A {@link CredentialStore} that reads each source once per `cacheMs`: concurrent reads of one source
 * share one request, and a read that fails for a passing reason (Secrets Manager briefly unavailable)
 * keeps the value read last. A `ConfigError` (no such variable, a malformed secret) is never waited out.
 * @example const credentials = new CachedCredentialStore(new SecretsManagerCredentialStore(client), clock, 300_000);
 */
export class CachedCredentialStore implements CredentialStore {
  private readonly caches = new Map<string, TtlCache<string>>();

  public constructor(
    private readonly store: CredentialStore,
    private readonly clock: Clock,
    private readonly cacheMs: number,
  ) {}

  public read(source: CredentialSource, field: string): Promise<string> {
    const id = JSON.stringify(source);
    let cache = this.caches.get(id);
    if (!cache) {
      cache = new TtlCache<string>(this.clock, this.cacheMs);
      this.caches.set(id, cache);
    }
    return cache.read(
      () => this.store.read(source, field),
      (error) => !(error instanceof ConfigError),
    );
  }
}

/**
 * Reads every credential the `api` section names and checks its form (a signing secret must be
 * `whsec_…`): run at start where reading is cheap (the local runtime's variables and files), so a
 * bad value stops the start with the field's name instead of failing each call.
 * @throws ConfigError naming the first field that cannot be read or is malformed
 */
export async function checkCredentials(
  api: Pick<PipelineConfig['api'], 'auth' | 'signing'>,
  store: CredentialStore,
): Promise<void> {
  for (const { field, source, kind } of credentialsOf(api)) {
    const value = await store.read(source, field);
    if (kind === 'webhook-secret') parseWebhookSecret(value, field);
  }
}
