import { describe, expect, it } from '@jest/globals';
import {
  DownstreamNetworkError,
  DownstreamTimeoutError,
} from '../../../../pipeline-functions/core/errors.js';
import { classifyCallError, classifyResponse } from '../../../../pipeline-functions/core/outcome.js';

describe('Function: classifyResponse', () => {
  it.each([200, 201, 202, 204])('treats %i as delivered', (status) => {
    expect(classifyResponse({ status, latencyMs: 3 })).toEqual({
      kind: 'delivered',
      httpStatus: status,
      latencyMs: 3,
    });
  });
  it.each([408, 429, 500, 502, 503, 504])('treats %i as retryable', (status) => {
    expect(classifyResponse({ status, latencyMs: 1 }).kind).toBe('retryable');
  });
  it.each([400, 401, 403, 404, 409, 413, 422])(
    'treats %i as terminal, with the status in the reason',
    (status) => {
      const result = classifyResponse({ status, latencyMs: 1, bodySnippet: 'bad field' });
      expect(result).toMatchObject({
        kind: 'terminal',
        httpStatus: status,
        reason: `HTTP ${status}: bad field`,
      });
    },
  );
  it('keeps Retry-After on a 429', () => {
    expect(classifyResponse({ status: 429, latencyMs: 1, retryAfterSeconds: 120 })).toMatchObject({
      kind: 'retryable',
      retryAfterSeconds: 120,
    });
  });
});

describe('Function: classifyCallError', () => {
  it('retries timeouts and network errors', () => {
    expect(classifyCallError(new DownstreamTimeoutError('after 10000 ms'))).toMatchObject({
      kind: 'retryable',
    });
    expect(classifyCallError(new DownstreamNetworkError('ECONNRESET'))).toMatchObject({
      kind: 'retryable',
      reason: 'network: ECONNRESET',
    });
  });
  it('keeps the request a timeout was about for the delivery log', () => {
    // Prepare
    const request = {
      method: 'POST',
      url: 'https://api.test/in',
      headers: {},
      bodyBytes: 1,
      bodySha256: 'ab',
    };

    // Act
    const result = classifyCallError(new DownstreamTimeoutError('after 10000 ms', { request }));

    // Assess
    expect(result).toEqual({ kind: 'retryable', reason: 'timeout: after 10000 ms', exchange: { request } });
  });
  it('keeps the exchange of an answer for the delivery log', () => {
    // Prepare
    const exchange = {
      request: { method: 'POST', url: 'https://api.test/in', headers: {}, bodyBytes: 1, bodySha256: 'ab' },
      response: { status: 422, body: '{"error":"bad"}' },
    };

    // Act
    const result = classifyResponse({ status: 422, latencyMs: 5, exchange });

    // Assess
    expect(result).toMatchObject({ kind: 'terminal', exchange });
  });
  it('rethrows anything else for the edge to decide', () => {
    expect(() => classifyCallError(new TypeError('bug'))).toThrow(TypeError);
  });
});
