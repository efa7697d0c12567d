import { describe, expect, it } from '@jest/globals';
import { HistoryNotReadableError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import {
  decodeHistory,
  encodeHistory,
} from '../../../../../pipeline-functions/adapters/aws/job-history-codec.js';
import { valueBytes } from '../../../../../pipeline-functions/adapters/aws/item-size.js';
import { jobKeyOf } from '../../../../../pipeline-functions/adapters/aws/jobs-table.js';
import type { Attempt } from '../../../../../pipeline-functions/core/model.js';

const ref = {
  bucket: 'b2a-prod-inbox',
  key: 'incoming/2026/11/21/invoice 0000001+é.json',
  versionId: 'v0.Jb1ZtTmUKGbOq4C4aa0sVkPq',
};
const object = jobKeyOf(ref);

/** A first successful attempt as the prod stage logs it (headers as the HTTP adapter records them). */
const delivered: Attempt = {
  at: '2026-11-30T08:10:51.355Z',
  runId: 'auto',
  attempt: 1,
  origin: 's3-event',
  outcome: 'delivered',
  httpStatus: 200,
  latencyMs: 47,
  request: {
    method: 'POST',
    url: 'https://api.example.com/b2a/objects',
    headers: {
      authorization: '[redacted]',
      'b2a-attempt': '1',
      'b2a-bucket': ref.bucket,
      'b2a-key': encodeURIComponent(ref.key),
      'b2a-payload': 'content',
      'b2a-version-id': ref.versionId,
      'content-digest': 'sha-256=:otUJ7uqJ3JUW4ZLmIqUGnO0r35jq4NrpgY2cwpy2LiQ=:',
      'content-type': 'application/json',
      'idempotency-key': '496a6b829e02fa8f5adc39854e60255466e0c5bc',
      'webhook-id': 'msg_496a6b829e02fa8f5adc39854e60255466e0c5bc',
      'webhook-timestamp': '1796026251',
      'webhook-signature': 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
    },
    bodyBytes: 160,
    bodySha256: 'a2d509eeea89dc9516e192e622a5069ced2bdf98eae0dae9818d9cc29cb62e24',
  },
  response: { status: 200, contentType: 'application/json', body: '{"accepted":true}' },
};

describe('Module: job-history-codec', () => {
  it('reads back the very attempts it stored', () => {
    // Prepare
    const history: Attempt[] = [
      { ...delivered, outcome: 'retryable', httpStatus: 503, error: 'HTTP 503: upstream unavailable' },
      delivered,
    ];

    // Act
    const stored = encodeHistory(history, object);

    // Assess
    expect(stored).toBeInstanceOf(Uint8Array);
    expect(decodeHistory(stored, object)).toEqual(history);
    expect(decodeHistory(encodeHistory([], object), object)).toEqual([]);
  });

  it('stores a signed first delivery in well under half its JSON, so the job fits one write unit', () => {
    // Act
    const stored = encodeHistory([delivered], object);

    // Assess: DynamoDB sizes a Binary by its raw bytes
    // (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)
    expect(stored).toBeInstanceOf(Uint8Array);
    expect(valueBytes(stored)).toBeLessThan(valueBytes([delivered]) / 2);
  });

  it('keeps as a list a history that compressing would not make smaller, so it never outgrows the list the budget bounds', () => {
    // Act: deflate's header and the format byte outweigh an empty list's 3 bytes
    const stored = encodeHistory([], object);

    // Assess
    expect(stored).toEqual([]);
    expect(decodeHistory(stored, object)).toEqual([]);
  });

  it('reads a history stored as a list (items written before it) and an absent one', () => {
    // Act and assess
    expect(decodeHistory([delivered], object)).toEqual([delivered]);
    expect(decodeHistory(undefined, object)).toEqual([]);
  });

  it('refuses a value in no known format, or one stored for another object version', () => {
    // Prepare
    const stored = encodeHistory([delivered], object);

    // Act and assess
    expect(() => decodeHistory(Uint8Array.of(9, 1, 2), object)).toThrow(HistoryNotReadableError);
    expect(() => decodeHistory('text', object)).toThrow(HistoryNotReadableError);
    expect(() => decodeHistory(stored, { ...object, pk: 'b2a-prod-inbox/other.json' })).toThrow(
      HistoryNotReadableError,
    );
  });
});
