/**
 * One HTTP request with a deadline, its failures typed the way the core classifies them. Shared by
 * the API calls and the OAuth token requests.
 */
import type { Dispatcher } from 'undici';
import type { RequestRecord } from '../../core/delivery-log.js';
import { DownstreamNetworkError, DownstreamTimeoutError } from '../../core/errors.js';

/** Bytes read from a response body at most; the rest is cancelled. Small bodies are read whole so the connection is reused. */
const MAX_BODY_BYTES = 64 * 1024;

/** What {@link send} needs to know about one request. */
export interface SendRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: Uint8Array | string;
  readonly timeoutMs: number;
  /** `METHOD origin/path`, without credentials or query, for error messages that end up in job history. */
  readonly target: string;
  /**
   * A connection pool of undici's own (mTLS: the client certificate). Such a request goes through
   * undici's `fetch`, the dispatcher's own version, rather than Node's bundled one.
   */
  readonly dispatcher?: Dispatcher;
  /** The request as the delivery log records it: carried by the error when no answer comes. */
  readonly record?: RequestRecord;
}

/** The part of a fetch `Response` b2a reads: the same from Node's fetch and from undici's. */
export interface SentResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  readonly body: ReadableStream<Uint8Array> | null;
}

/**
 * Sends a request and returns the answer, whatever its status. Redirects are not followed.
 * @throws DownstreamTimeoutError when no answer came within `timeoutMs`
 * @throws DownstreamNetworkError when the connection failed (DNS, refused, reset, TLS)
 */
export async function send(request: SendRequest): Promise<SentResponse> {
  const signal = AbortSignal.timeout(request.timeoutMs);
  const init = {
    method: request.method,
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal,
  } as const;
  try {
    if (request.dispatcher) {
      // Two undici versions' Headers are different classes: hand undici's fetch plain entries.
      const headers = Object.fromEntries(request.headers.entries());
      // Loaded on first use (mTLS only), so that importing the function does not evaluate undici.
      const { fetch: undiciFetch } = await import('undici');
      const response = await undiciFetch(request.url, { ...init, headers, dispatcher: request.dispatcher });
      return response as SentResponse;
    }
    return await fetch(request.url, init);
  } catch (error) {
    throw requestError(error, signal, request);
  }
}

function requestError(error: unknown, signal: AbortSignal, request: SendRequest): Error {
  const logged = request.record ? { request: request.record } : {};
  if (signal.aborted || (isError(error) && error.name === 'TimeoutError')) {
    return new DownstreamTimeoutError(`${request.target}: no answer within ${request.timeoutMs} ms`, {
      cause: error,
      ...logged,
    });
  }
  // undici reports every connection-level failure as `TypeError: fetch failed` with the socket
  // error as its cause; any other error (e.g. an invalid header value) is a bug, not the network.
  // Checked by name: undici's errors come from Node's realm, which `instanceof` misses under a VM (jest).
  if (isError(error) && error.name === 'TypeError' && error.cause !== undefined) {
    return new DownstreamNetworkError(`${request.target}: ${describeCause(error.cause)}`, {
      cause: error,
      ...logged,
    });
  }
  return isError(error) ? error : new Error(String(error));
}

/**
 * Reads the start of the body (at most 64 KiB) and releases the connection: a body read to the end
 * lets undici reuse the socket; a longer one is cancelled.
 * @throws what reading the body threw
 */
export async function readBodyStart(response: SentResponse): Promise<Buffer> {
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    while (bytes < MAX_BODY_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    if (bytes >= MAX_BODY_BYTES) await reader.cancel();
    reader.releaseLock();
  }
  return Buffer.concat(chunks);
}

/** An error's message with the socket's code, and each error of an AggregateError (IPv4 and IPv6). */
export function describeCause(cause: unknown): string {
  if (!isError(cause)) return String(cause);
  const nested = (cause as { errors?: unknown }).errors;
  if (cause.name === 'AggregateError' && Array.isArray(nested)) return nested.map(describeCause).join('; ');
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !cause.message.includes(code)
    ? `${code}: ${cause.message}`
    : cause.message;
}

/** `instanceof Error` that also holds for errors from another realm. */
function isError(value: unknown): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** `METHOD origin/path` of a URL: no credentials, no query. */
export function targetOf(method: string, url: string): string {
  const { origin, pathname } = new URL(url);
  return `${method} ${origin}${pathname}`;
}
