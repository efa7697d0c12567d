import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import {
  contentDigest,
  parseWebhookSecret,
  signWebhook,
} from '../../../../pipeline-functions/core/signatures.js';

describe('Function: contentDigest', () => {
  it('matches the example of RFC 9530 §2 (https://www.rfc-editor.org/rfc/rfc9530#section-2)', () => {
    expect(contentDigest(Buffer.from('{"hello": "world"}'))).toBe(
      'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
    );
  });
});

describe('Function: parseWebhookSecret', () => {
  it('decodes the key bytes after whsec_', () => {
    expect(parseWebhookSecret('whsec_AAEC', 'api.signing.secrets.0')).toEqual(Buffer.from([0, 1, 2]));
  });

  it.each(['AAEC', 'whsec_', 'whsec_not base64!', 'whsec_AAE'])(
    'refuses %p with a ConfigError naming the field and not the value',
    (value) => {
      const parse = () => parseWebhookSecret(value, 'api.signing.secrets.1');
      expect(parse).toThrow(ConfigError);
      expect(parse).toThrow(/^api\.signing\.secrets\.1: must hold a Standard Webhooks secret/);
    },
  );
});

describe('Function: signWebhook', () => {
  it("signs like the reference implementation's sign()", () => {
    // Prepare
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const at = new Date('2026-03-01T12:00:00.000Z');
    // Act
    const headers = signWebhook('msg_1', at.getTime() / 1000, Buffer.from('{"a":1}'), [
      parseWebhookSecret(secret, 'f'),
    ]);
    // Assess
    expect(headers['webhook-signature']).toBe(new Webhook(secret).sign('msg_1', at, '{"a":1}'));
    expect(headers['webhook-timestamp']).toBe(String(at.getTime() / 1000));
  });
});
