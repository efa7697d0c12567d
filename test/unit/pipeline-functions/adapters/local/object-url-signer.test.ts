import { describe, expect, it } from '@jest/globals';
import { InvalidObjectUrlError } from '../../../../../pipeline-functions/adapters/local/errors.js';
import {
  signObjectUrl,
  verifyObjectUrl,
} from '../../../../../pipeline-functions/adapters/local/object-url-signer.js';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const now = new Date('2026-11-21T12:00:00.000Z');
const ref = { bucket: 'local-inbox', key: 'deep/a b+%ü #?.csv', etag: 'abc123' };

const pathOf = (url: string): string => {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
};

describe('Function: signObjectUrl / verifyObjectUrl', () => {
  it('signs a URL that verifies back to the same object, with an awkward key', () => {
    // Act
    const { url, expiresAt } = signObjectUrl(secret, 'http://127.0.0.1:4100', ref, 60, now);
    const verified = verifyObjectUrl(secret, pathOf(url), now);
    // Assess
    expect(url.startsWith('http://127.0.0.1:4100/objects/local-inbox/deep/')).toBe(true);
    expect(verified).toEqual({ ...ref, expiresAt: new Date('2026-11-21T12:01:00.000Z') });
    expect(expiresAt).toEqual(verified.expiresAt);
  });

  it('rejects an altered URL', () => {
    // Prepare
    const url = signObjectUrl(secret, 'http://127.0.0.1:4100', ref, 60, now).url.replace(
      'etag=abc123',
      'etag=abc124',
    );
    // Act & Assess
    expect(() => verifyObjectUrl(secret, pathOf(url), now)).toThrow(/signature does not match/);
  });

  it('rejects an expired URL', () => {
    // Prepare
    const { url } = signObjectUrl(secret, 'http://127.0.0.1:4100', ref, 60, now);
    // Act & Assess
    expect(() => verifyObjectUrl(secret, pathOf(url), new Date(now.getTime() + 60_000))).toThrow(/expired/);
  });

  it('rejects a path that is not an object URL', () => {
    // Act & Assess
    expect(() => verifyObjectUrl(secret, '/other', now)).toThrow(InvalidObjectUrlError);
  });
});
