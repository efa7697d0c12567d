/**
 * What came of one queue message, and how an API answer or failure is classified.
 * Retryable: network errors, timeouts, 408, 429 (with Retry-After), 5xx.
 * Terminal: any other 4xx, and bad input (the reason says what was wrong).
 */
import type { HttpExchange } from './delivery-log.js';
import { ApiAuthError, DownstreamNetworkError, DownstreamTimeoutError } from './errors.js';
import type { ObjectRequest } from './messages.js';
import type { ApiResponse } from './ports.js';

export type DeliveryResult =
  | ({ readonly kind: 'delivered'; readonly httpStatus: number; readonly latencyMs: number } & Logged)
  | ({
      readonly kind: 'retryable';
      readonly reason: string;
      readonly httpStatus?: number;
      readonly latencyMs?: number;
      readonly retryAfterSeconds?: number;
    } & Logged)
  | ({
      readonly kind: 'terminal';
      readonly reason: string;
      readonly httpStatus?: number;
      readonly latencyMs?: number;
    } & Logged)
  /** The flag was off: nothing was called. */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** A newer version of the key was recorded (config `versions: latest`): nothing was called. */
  | { readonly kind: 'superseded'; readonly reason: string }
  /** The content equals the last delivered version's (config `dedupe: content`): nothing was called. */
  | { readonly kind: 'unchanged'; readonly reason: string }
  /**
   * Admission control held the call back (rate limit, open circuit, hold): no attempt was spent and
   * the message is not returned to the queue; the target schedules the same attempt again.
   */
  | {
      readonly kind: 'deferred';
      readonly cause: DeferralCause;
      /** The job's note, e.g. `deferred: rate limit`. */
      readonly reason: string;
      /** ISO time before which admission would not let it through (e.g. the next probe). */
      readonly notBefore: string;
      /** Seconds after `notBefore` over which deferred calls are spread, so they do not all return at once. */
      readonly spreadSeconds: number;
    }
  /** Already delivered, or a newer attempt exists: nothing was called, nothing to record. */
  | { readonly kind: 'duplicate'; readonly reason: string }
  /** The message asks for nothing (a test event, a key outside the filters). */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** The message could not be read: it goes back to the queue and, in the end, to the DLQ. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Something b2a depends on failed before the API was called (e.g. the job store): back to the queue. */
  | { readonly kind: 'unprocessed'; readonly reason: string };

/** What an API call leaves for the delivery log: the request sent and the answer, when there was a call. */
interface Logged {
  readonly exchange?: HttpExchange;
}

/** Why admission control deferred a call. */
export type DeferralCause = 'rate limit' | 'circuit open' | 'hold';

/**
 * A deferral, with its note: `deferred: <cause>`, and the detail in parentheses when there is one.
 * @example deferredResult('hold', undefined, notBefore, 30).reason // 'deferred: hold'
 */
export function deferredResult(
  cause: DeferralCause,
  detail: string | undefined,
  notBefore: Date,
  spreadSeconds: number,
): Extract<DeliveryResult, { kind: 'deferred' }> {
  return {
    kind: 'deferred',
    cause,
    reason: detail ? `deferred: ${cause} (${detail})` : `deferred: ${cause}`,
    notBefore: notBefore.toISOString(),
    spreadSeconds,
  };
}

/** What was asked for: present on every item whose message named an object. */
export interface DeliveryRequest extends ObjectRequest {
  readonly idempotencyKey: string;
}

/** One element of the enrichment's output array, which the pipe hands to the target. */
export interface EnrichedItem {
  /** The SQS messageId, kept so the target can name it in `batchItemFailures`. */
  readonly messageId: string;
  readonly request?: DeliveryRequest;
  readonly result: DeliveryResult;
  readonly at: string;
}

/** Classifies an HTTP answer. */
export function classifyResponse(response: ApiResponse): DeliveryResult {
  const { status, latencyMs } = response;
  const logged = response.exchange ? { exchange: response.exchange } : {};
  if (status >= 200 && status < 300) return { kind: 'delivered', httpStatus: status, latencyMs, ...logged };
  const detail = response.bodySnippet ? `: ${response.bodySnippet}` : '';
  if (status === 408 || status === 429 || status >= 500) {
    return {
      kind: 'retryable',
      reason: `HTTP ${status}${detail}`,
      httpStatus: status,
      latencyMs,
      ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
      ...logged,
    };
  }
  return { kind: 'terminal', reason: `HTTP ${status}${detail}`, httpStatus: status, latencyMs, ...logged };
}

/**
 * Classifies an error thrown while calling the API. Network failures, timeouts and credentials
 * that could not be had (auth) are retryable here; anything else is rethrown for the edge to decide.
 */
export function classifyCallError(error: unknown): DeliveryResult {
  if (error instanceof ApiAuthError) return { kind: 'retryable', reason: `auth: ${error.message}` };
  if (error instanceof DownstreamTimeoutError || error instanceof DownstreamNetworkError) {
    const kind = error instanceof DownstreamTimeoutError ? 'timeout' : 'network';
    return {
      kind: 'retryable',
      reason: `${kind}: ${error.message}`,
      ...(error.request ? { exchange: { request: error.request } } : {}),
    };
  }
  throw error;
}
