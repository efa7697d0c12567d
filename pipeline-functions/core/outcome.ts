/**
 * What came of one queue message, and how an API answer or failure is classified.
 * Retryable: network errors, timeouts, 408, 429 (with Retry-After), 5xx.
 * Terminal: any other 4xx, and bad input (the reason says what was wrong).
 */
import { ApiAuthError, DownstreamNetworkError, DownstreamTimeoutError } from './errors.js';
import type { ObjectRef, Origin, Run } from './model.js';
import type { ApiResponse } from './ports.js';

export type DeliveryResult =
  | { readonly kind: 'delivered'; readonly httpStatus: number; readonly latencyMs: number }
  | {
      readonly kind: 'retryable';
      readonly reason: string;
      readonly httpStatus?: number;
      readonly latencyMs?: number;
      readonly retryAfterSeconds?: number;
    }
  | {
      readonly kind: 'terminal';
      readonly reason: string;
      readonly httpStatus?: number;
      readonly latencyMs?: number;
    }
  /** The flag was off: nothing was called. */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** A newer version of the key was recorded (config `versions: latest`): nothing was called. */
  | { readonly kind: 'superseded'; readonly reason: string }
  /** The content equals the last delivered version's (config `dedupe: content`): nothing was called. */
  | { readonly kind: 'unchanged'; readonly reason: string }
  /** Already delivered, or a newer attempt exists: nothing was called, nothing to record. */
  | { readonly kind: 'duplicate'; readonly reason: string }
  /** The message asks for nothing (a test event, a key outside the filters). */
  | { readonly kind: 'ignored'; readonly reason: string }
  /** The message could not be read: it goes back to the queue and, in the end, to the DLQ. */
  | { readonly kind: 'invalid'; readonly reason: string }
  /** Something b2a depends on failed before the API was called (e.g. the job store): back to the queue. */
  | { readonly kind: 'unprocessed'; readonly reason: string };

/** What was asked for: present on every item whose message named an object. */
export interface DeliveryRequest {
  readonly object: ObjectRef;
  readonly run: Run;
  readonly attempt: number;
  readonly origin: Origin;
  readonly requestedBy?: string;
  readonly backfillId?: string;
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
  if (status >= 200 && status < 300) return { kind: 'delivered', httpStatus: status, latencyMs };
  const detail = response.bodySnippet ? `: ${response.bodySnippet}` : '';
  if (status === 408 || status === 429 || status >= 500) {
    return {
      kind: 'retryable',
      reason: `HTTP ${status}${detail}`,
      httpStatus: status,
      latencyMs,
      ...(response.retryAfterSeconds !== undefined ? { retryAfterSeconds: response.retryAfterSeconds } : {}),
    };
  }
  return { kind: 'terminal', reason: `HTTP ${status}${detail}`, httpStatus: status, latencyMs };
}

/**
 * Classifies an error thrown while calling the API. Network failures, timeouts and credentials
 * that could not be had (auth) are retryable here; anything else is rethrown for the edge to decide.
 */
export function classifyCallError(error: unknown): DeliveryResult {
  if (error instanceof ApiAuthError) return { kind: 'retryable', reason: `auth: ${error.message}` };
  if (error instanceof DownstreamTimeoutError)
    return { kind: 'retryable', reason: `timeout: ${error.message}` };
  if (error instanceof DownstreamNetworkError)
    return { kind: 'retryable', reason: `network: ${error.message}` };
  throw error;
}
