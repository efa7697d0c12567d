import { describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
import {
  attemptRecordBytes,
  deliveryLogBudgetIssues,
  ENRICHED_ITEM_OVERHEAD_BYTES,
  JOB_OVERHEAD_BYTES,
  recordedBody,
  recordedHeaders,
  recordedUrl,
  recordedValue,
} from '../../../../pipeline-functions/core/delivery-log.js';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import type { Attempt, Job } from '../../../../pipeline-functions/core/model.js';
import type { EnrichedItem } from '../../../../pipeline-functions/core/outcome.js';

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

describe('Function: recordedHeaders', () => {
  it('redacts credential headers by name and any value holding a secret, and keeps signatures', () => {
    // Act
    const recorded = recordedHeaders(
      [
        ['Authorization', 'Bearer t0k3n'],
        ['X-Custom-Auth', 'k3y'],
        ['X-Api-Key', 'static'],
        ['Cookie', 'session=1'],
        ['X-Echo', 'prefix-t0k3n-suffix'],
        ['webhook-signature', 'v1,c2lnbmF0dXJl'],
        ['content-digest', 'sha-256=:abc=:'],
      ],
      ['t0k3n'],
      ['x-custom-auth'],
    );

    // Assess
    expect(recorded).toEqual({
      authorization: '[redacted]',
      'x-custom-auth': '[redacted]',
      'x-api-key': '[redacted]',
      cookie: '[redacted]',
      'x-echo': '[redacted]',
      'webhook-signature': 'v1,c2lnbmF0dXJl',
      'content-digest': 'sha-256=:abc=:',
    });
  });

  it('cuts a long value so that a record stays bounded', () => {
    expect(recordedHeaders([['b2a-key', '%C3%BC'.repeat(200)]], [])['b2a-key']).toHaveLength(256);
    expect(recordedValue('x'.repeat(300)).endsWith('…')).toBe(true);
  });
});

describe('Function: recordedUrl', () => {
  it('drops user info and redacts every query value, keeping the names', () => {
    expect(recordedUrl('https://u:p4ss@api.test/in/files?code=abc&sig=x%2By&tenant=a')).toBe(
      'https://api.test/in/files?code=[redacted]&sig=[redacted]&tenant=[redacted]',
    );
    expect(recordedUrl('http://127.0.0.1:8080/ingest')).toBe('http://127.0.0.1:8080/ingest');
  });
});

describe('Function: recordedBody', () => {
  it('keeps nothing with a limit of 0 or an empty body', () => {
    expect(recordedBody(Buffer.from('abc'), 0, [])).toEqual({});
    expect(recordedBody(Buffer.alloc(0), 1024, [])).toEqual({});
  });

  it('never holds more than the limit in UTF-8 bytes, whatever the bytes', () => {
    // Prepare: invalid UTF-8 becomes U+FFFD (3 bytes from 1), which the cut must still bound
    const body = Buffer.from(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? 0xff : 0x01)));

    // Act
    const recorded = recordedBody(body, 10, []);

    // Assess
    expect(Buffer.byteLength(recorded.body ?? '')).toBeLessThanOrEqual(10);
    expect(recorded.body).toBe('\ufffd\ufffd\ufffd');
    expect(recorded.bodyTruncated).toBe(true);
  });
});

/** An attempt as large as b2a makes one: every header at its cut, a long error, an assumed-role ARN. */
function worstAttempt(responseBodyBytes: number, url: string): Attempt {
  const cut = 'v'.repeat(256);
  return {
    at: '2026-11-21T12:00:00.000Z',
    runId: '0b9c6f0e-3f0e-4c71-9f4a-6f1f0f7b7e01',
    attempt: 100,
    origin: 'reprocess',
    outcome: 'retryable',
    httpStatus: 503,
    latencyMs: 299_999,
    // "gave up after …: HTTP 503: " and a 200-character snippet of characters JSON escapes
    error: `gave up after 100 attempts: HTTP 503: ${'"'.repeat(200)}`,
    requestedBy: `arn:aws:sts::123456789012:assumed-role/${'r'.repeat(64)}/${'s'.repeat(64)}`,
    request: {
      method: 'POST',
      url: recordedUrl(url),
      headers: {
        'content-type': cut,
        'idempotency-key': 'k'.repeat(40),
        'b2a-bucket': 'b'.repeat(63),
        'b2a-key': cut,
        'b2a-attempt': '100',
        'b2a-payload': 'reference',
        'b2a-version-id': cut,
        'b2a-object-checksum': `sha-256=:${'c'.repeat(44)}:`,
        'content-digest': `sha-256=:${'d'.repeat(44)}:`,
        'webhook-id': 'k'.repeat(40),
        'webhook-timestamp': '1795262400',
        'webhook-signature': cut,
        authorization: '[redacted]',
      },
      bodyBytes: 5_242_880,
      bodySha256: 'e'.repeat(64),
    },
    response: {
      status: 503,
      contentType: cut,
      retryAfter: cut,
      requestId: { header: 'x-amzn-requestid', value: cut },
      // Quotes take two bytes each in JSON: the worst a UTF-8 body of this many bytes can do
      ...(responseBodyBytes > 0 ? { body: '"'.repeat(responseBodyBytes), bodyTruncated: true } : {}),
    },
  };
}

describe('Function: attemptRecordBytes', () => {
  it.each([0, 1024, 8192])(
    'is an upper estimate of the largest attempt b2a records (responseBodyBytes %i)',
    (responseBodyBytes) => {
      // Prepare
      const url = 'https://api.example.com/v1/files/ingest?code=abc';
      const config = parsePipelineConfig({ api: { url, log: { responseBodyBytes } } });
      const attempt = worstAttempt(responseBodyBytes, url);
      const stored = {
        ...attempt,
        response: { ...attempt.response, body: 'x'.repeat(responseBodyBytes) },
      };

      // Act
      const estimate = attemptRecordBytes(config.api);

      // Assess
      expect(bytes(attempt)).toBeLessThanOrEqual(estimate.json);
      expect(bytes(stored)).toBeLessThanOrEqual(estimate.stored);
    },
  );

  it('bounds an enriched item and a job item by their overheads plus the attempts', () => {
    // Prepare
    const url = 'https://api.example.com/ingest';
    const config = parsePipelineConfig({ api: { url } });
    const attempt = worstAttempt(config.api.log.responseBodyBytes, url);
    const key = 'ü'.repeat(512); // S3's longest key: 1,024 bytes of UTF-8
    const object = {
      bucket: 'b'.repeat(63),
      key,
      versionId: 'v'.repeat(32),
      etag: 'e'.repeat(34),
      size: 5e12,
    };
    const run = { id: attempt.runId, startedAt: attempt.at };
    const item: EnrichedItem = {
      messageId: '6f1f0f7b-7e01-4c71-9f4a-0b9c6f0e3f0e',
      request: {
        object,
        run,
        attempt: 100,
        origin: 'reprocess',
        requestedBy: attempt.requestedBy ?? '',
        idempotencyKey: 'k'.repeat(40),
      },
      result: {
        kind: 'retryable',
        reason: attempt.error ?? '',
        httpStatus: 503,
        latencyMs: 299_999,
        retryAfterSeconds: 21_600,
        exchange: { request: attempt.request!, response: attempt.response! },
      },
      at: attempt.at,
    };
    const job: Job = {
      jobId: `${object.bucket}/${key}#${object.versionId}`,
      ...object,
      status: 'RETRYING',
      runId: run.id,
      runStartedAt: run.startedAt,
      attempt: 100,
      attempts: 100_000,
      runs: 1000,
      firstAttemptAt: attempt.at,
      lastAttemptAt: attempt.at,
      history: [],
      lastHttpStatus: 503,
      lastError: attempt.error ?? '',
      nextAttemptAt: attempt.at,
      idempotencyKey: 'k'.repeat(40),
      createdAt: attempt.at,
      updatedAt: attempt.at,
    };

    // Act
    const estimate = attemptRecordBytes(config.api);

    // Assess
    expect(bytes(item)).toBeLessThanOrEqual(ENRICHED_ITEM_OVERHEAD_BYTES + estimate.json);
    // The job item also holds pk (bucket/key), sk and ttl beside the job's own fields.
    expect(
      bytes(job) + bytes({ pk: `${object.bucket}/${key}`, sk: object.versionId, ttl: 1e10 }),
    ).toBeLessThanOrEqual(JOB_OVERHEAD_BYTES);
  });
});

describe('Function: deliveryLogBudgetIssues', () => {
  it('accepts the defaults, and the largest body with the default batch and history', () => {
    const defaults = parsePipelineConfig({ api: { url: 'https://api.example.com/in' } });
    const largest = parsePipelineConfig({
      api: { url: 'https://api.example.com/in', log: { responseBodyBytes: 8192 } },
    });
    expect(deliveryLogBudgetIssues(defaults)).toEqual([]);
    expect(deliveryLogBudgetIssues(largest)).toEqual([]);
  });

  it('refuses a batch whose logs outgrow the pipe’s 6 MB, naming batch.size and the body setting', () => {
    // Act
    const act = () =>
      parsePipelineConfig(
        { api: { url: 'https://x.test', log: { responseBodyBytes: 8192 } }, batch: { size: 500 } },
        'B2A_CONFIG',
      );

    // Assess
    expect(act).toThrow(ConfigError);
    expect(act).toThrow(expect.objectContaining({ field: 'batch.size' }));
    expect(act).toThrow(/api\.log\.responseBodyBytes.*6 MB.*B2A_CONFIG/);
  });

  it('refuses a history whose attempts outgrow a 400 KB DynamoDB item, naming jobs.historyLimit', () => {
    // Act
    const act = () =>
      parsePipelineConfig({
        api: { url: 'https://x.test', log: { responseBodyBytes: 8192 } },
        jobs: { historyLimit: 50 },
      });

    // Assess
    expect(act).toThrow(expect.objectContaining({ field: 'jobs.historyLimit' }));
    expect(act).toThrow(/api\.log\.responseBodyBytes.*400 KB/);
  });

  it('counts the configured URL and headers in every attempt', () => {
    // Prepare
    const plain = parsePipelineConfig({ api: { url: 'https://x.test' } });
    const heavy = { ...plain, api: { ...plain.api, headers: { 'X-Big': 'v'.repeat(5000) } } };

    // Act
    const estimates = [attemptRecordBytes(plain.api), attemptRecordBytes(heavy.api)];

    // Assess: the value is recorded cut to 256 characters
    expect((estimates[1]?.stored ?? 0) - (estimates[0]?.stored ?? 0)).toBeLessThan(600);
    expect(estimates[1]?.stored).toBeGreaterThan((estimates[0]?.stored ?? 0) + 256);
  });

  it('refuses a responseBodyBytes over 8192', () => {
    expect(() =>
      parsePipelineConfig({ api: { url: 'https://x.test', log: { responseBodyBytes: 8193 } } }),
    ).toThrow(expect.objectContaining({ field: 'api.log.responseBodyBytes' }));
  });
});
