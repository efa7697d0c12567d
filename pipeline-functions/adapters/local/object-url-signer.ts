/**
 * Presigned URLs for the local object server, the local stand-in for S3 presigned GET URLs: the path
 * names the object, the query its version (ETag) and expiry, and an HMAC-SHA256 over all of them
 * (keyed with the data directory's secret) proves b2a made it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ObjectRef } from '../../core/model.js';
import type { PresignedUrl } from '../../core/ports.js';
import { InvalidObjectUrlError } from './errors.js';

/** Where presigned paths start on the object server. */
export const OBJECT_PATH_PREFIX = '/objects/';

/** The object a verified URL names. */
export interface SignedObject {
  readonly bucket: string;
  readonly key: string;
  readonly etag: string;
  readonly expiresAt: Date;
}

const signatureOf = (
  secret: Uint8Array,
  bucket: string,
  key: string,
  etag: string,
  expires: number,
): string =>
  createHmac('sha256', secret).update(`${bucket}\n${key}\n${etag}\n${expires}`).digest('base64url');

/** Each key segment percent-encoded once; `/` kept so prefixes read naturally. */
const encodeKey = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

/**
 * Signs a GET URL for one object version on the object server at `baseUrl`, valid until `expiresAt`
 * (whole seconds, as the URL carries it).
 * @example const { url, expiresAt } = signObjectUrl(secret, 'http://127.0.0.1:4100', { bucket, key, etag }, 3600, new Date())
 */
export function signObjectUrl(
  secret: Uint8Array,
  baseUrl: string,
  ref: ObjectRef & { readonly etag: string },
  expiresInSeconds: number,
  now: Date,
): PresignedUrl {
  const expires = Math.floor(now.getTime() / 1000) + expiresInSeconds;
  const query = new URLSearchParams({
    etag: ref.etag,
    expires: String(expires),
    signature: signatureOf(secret, ref.bucket, ref.key, ref.etag, expires),
  });
  return {
    url: `${baseUrl.replace(/\/$/, '')}${OBJECT_PATH_PREFIX}${encodeURIComponent(ref.bucket)}/${encodeKey(ref.key)}?${query}`,
    expiresAt: new Date(expires * 1000),
  };
}

/**
 * Checks a request path (with its query) against the secret and the time.
 * @throws InvalidObjectUrlError saying what is wrong: not an object path, bad signature, expired.
 */
export function verifyObjectUrl(secret: Uint8Array, pathAndQuery: string, now: Date): SignedObject {
  const url = new URL(pathAndQuery, 'http://127.0.0.1');
  if (!url.pathname.startsWith(OBJECT_PATH_PREFIX)) {
    throw new InvalidObjectUrlError(`not an object URL: ${url.pathname.slice(0, 80)}`);
  }
  const rest = url.pathname.slice(OBJECT_PATH_PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new InvalidObjectUrlError('the URL names no bucket and key');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(rest.slice(0, slash));
    key = rest
      .slice(slash + 1)
      .split('/')
      .map(decodeURIComponent)
      .join('/');
  } catch (error) {
    throw new InvalidObjectUrlError('the URL path is not valid percent-encoding', { cause: error });
  }
  const etag = url.searchParams.get('etag');
  const expires = Number(url.searchParams.get('expires'));
  const signature = url.searchParams.get('signature');
  if (!etag || !signature || !Number.isInteger(expires)) {
    throw new InvalidObjectUrlError('the URL lacks etag, expires or signature');
  }
  const expected = Buffer.from(signatureOf(secret, bucket, key, etag, expires));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new InvalidObjectUrlError('the URL signature does not match');
  }
  const expiresAt = new Date(expires * 1000);
  if (now.getTime() >= expiresAt.getTime()) {
    throw new InvalidObjectUrlError(`the URL expired at ${expiresAt.toISOString()}`);
  }
  return { bucket, key, etag, expiresAt };
}
