/** Reading credentials for a call, and the failures that come of it, as the core classifies them. */
import { ApiAuthError, ConfigError } from '../../core/errors.js';
import type { CredentialStore } from '../../core/ports.js';

/**
 * Why a credential could not be used, as an {@link ApiAuthError} (retryable) naming the field and
 * never the value: a `ConfigError` (not set, malformed) is a refusal, anything else passing.
 */
export function credentialFailure(field: string, error: unknown): ApiAuthError {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new ApiAuthError(`could not use ${field}: ${reason}`, error instanceof ConfigError, {
    cause: error,
  });
}

/**
 * Reads a credential for a call.
 * @throws ApiAuthError from {@link credentialFailure}
 */
export async function readCredential(
  credentials: CredentialStore,
  source: Parameters<CredentialStore['read']>[0],
  field: string,
): Promise<string> {
  try {
    return await credentials.read(source, field);
  } catch (error) {
    throw credentialFailure(field, error);
  }
}

/** `Basic base64(user:password)` (RFC 7617). */
export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}
