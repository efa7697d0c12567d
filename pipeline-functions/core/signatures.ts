/**
 * What lets the API check a call: Standard Webhooks signatures (https://www.standardwebhooks.com/,
 * the spec at https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md)
 * and the RFC 9530 `Content-Digest` of the bytes sent (https://www.rfc-editor.org/rfc/rfc9530).
 */
import { createHash, createHmac } from 'node:crypto';
import { ConfigError } from './errors.js';

const WEBHOOK_SECRET_PREFIX = 'whsec_';
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The key bytes of a `whsec_<base64>` secret.
 * @throws ConfigError naming `field` (never the value) when the secret is not of that form
 * @example parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'api.signing.secrets.0')
 */
export function parseWebhookSecret(value: string, field: string): Buffer {
  const trimmed = value.trim();
  const encoded = trimmed.startsWith(WEBHOOK_SECRET_PREFIX)
    ? trimmed.slice(WEBHOOK_SECRET_PREFIX.length)
    : undefined;
  if (encoded === undefined || encoded.length === 0 || !BASE64.test(encoded)) {
    throw new ConfigError(
      field,
      'must hold a Standard Webhooks secret: "whsec_" followed by base64 key bytes',
    );
  }
  return Buffer.from(encoded, 'base64');
}

/** The Standard Webhooks headers of one call. */
export interface WebhookHeaders {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/**
 * Signs `id.timestamp.body` with each key: `v1,<base64 HMAC-SHA256>`, space separated, so a receiver
 * holding any one of the keys (the old or the new during a rotation) verifies.
 * @param timestamp Unix seconds of this attempt (receivers reject stale ones)
 */
export function signWebhook(
  id: string,
  timestamp: number,
  body: Uint8Array,
  keys: readonly Uint8Array[],
): WebhookHeaders {
  const signatures = keys.map(
    (key) => `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64')}`,
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatures.join(' '),
  };
}

/** The SHA-256 of bytes. */
export const sha256 = (body: Uint8Array): Buffer => createHash('sha256').update(body).digest();

/** The base64 SHA-256 of bytes. */
export const sha256Base64 = (body: Uint8Array): string => sha256(body).toString('base64');

/** The RFC 9530 `Content-Digest` value for a SHA-256 already computed. */
export const contentDigestOf = (digest: Uint8Array): string =>
  `sha-256=:${Buffer.from(digest).toString('base64')}:`;

/**
 * The RFC 9530 `Content-Digest` value of the bytes sent.
 * @example contentDigest(Buffer.from('{"hello": "world"}')) // 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:'
 */
export const contentDigest = (body: Uint8Array): string => contentDigestOf(sha256(body));
