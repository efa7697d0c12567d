import { beforeEach, describe, expect, it } from '@jest/globals';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { SecretsManagerCredentialStore } from '../../../../../pipeline-functions/adapters/aws/secrets-manager-credential-store.js';
import { ConfigError } from '../../../../../pipeline-functions/core/errors.js';

const secrets = mockClient(SecretsManagerClient);
const store = () => new SecretsManagerCredentialStore(new SecretsManagerClient({ region: 'eu-west-1' }));

describe('Class: SecretsManagerCredentialStore', () => {
  beforeEach(() => {
    secrets.reset();
  });

  it("reads a secret's string, or one field of a JSON secret", async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand, { SecretId: 'b2a/token' })
      .resolves({ SecretString: 'tok' })
      .on(GetSecretValueCommand, { SecretId: 'b2a/oauth' })
      .resolves({ SecretString: JSON.stringify({ clientSecret: 'cs', whsec: 'whsec_AAEC' }) });
    // Act / Assess
    await expect(store().read({ secretId: 'b2a/token' }, 'api.auth.credential')).resolves.toBe('tok');
    await expect(
      store().read({ secretId: 'b2a/oauth', field: 'clientSecret' }, 'api.auth.clientSecret'),
    ).resolves.toBe('cs');
  });

  it.each([
    [{ SecretString: 'not json' }, 'is not JSON'],
    [{ SecretString: '{"other":"x"}' }, 'has no string field "clientSecret"'],
    // A binary secret answers SecretBinary and no SecretString
    // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html).
    [{ SecretBinary: new Uint8Array([1]) }, 'has no string value'],
  ])('refuses %p with a ConfigError naming the field', async (answer, message) => {
    // Prepare
    secrets.on(GetSecretValueCommand).resolves(answer);
    // Act
    const reading = store().read({ secretId: 'b2a/oauth', field: 'clientSecret' }, 'api.auth.clientSecret');
    // Assess
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(`api.auth.clientSecret: secret b2a/oauth ${message}`);
  });

  it('reads no variables or files on AWS', async () => {
    await expect(store().read({ env: 'X' }, 'api.signing.secrets.0')).rejects.toThrow(
      /^api\.signing\.secrets\.0: /,
    );
    expect(secrets.calls()).toHaveLength(0);
  });
});
