import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { CredentialSource } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import type { CredentialStore } from '../../core/ports.js';

/**
 * Reads `{"secretId": id, "field"?: name}` sources from Secrets Manager: the secret's string, or one
 * string field of a JSON secret. Environment variables and files are not read on AWS (a function's
 * variables are visible to anyone who may read its configuration).
 * @example
 * const store = new SecretsManagerCredentialStore(new SecretsManagerClient({}));
 * const secret = await store.read({ secretId: 'b2a/prod/api', field: 'clientSecret' }, 'api.auth.clientSecret');
 */
export class SecretsManagerCredentialStore implements CredentialStore {
  public constructor(private readonly client: SecretsManagerClient) {}

  /** @throws ConfigError when the secret has no string value or no such field; the SDK's error when the read fails */
  public async read(source: CredentialSource, field: string): Promise<string> {
    if (!('secretId' in source)) {
      throw new ConfigError(field, 'on AWS a credential comes from Secrets Manager: {"secretId": …}');
    }
    const { SecretString } = await this.client.send(new GetSecretValueCommand({ SecretId: source.secretId }));
    if (!SecretString) throw new ConfigError(field, `secret ${source.secretId} has no string value`);
    if (source.field === undefined) return SecretString;
    let json: unknown;
    try {
      json = JSON.parse(SecretString);
    } catch {
      throw new ConfigError(
        field,
        `secret ${source.secretId} is not JSON, so it has no field "${source.field}"`,
      );
    }
    const value = (json as Record<string, unknown> | null)?.[source.field];
    if (typeof value !== 'string' || value.length === 0) {
      throw new ConfigError(field, `secret ${source.secretId} has no string field "${source.field}"`);
    }
    return value;
  }
}
