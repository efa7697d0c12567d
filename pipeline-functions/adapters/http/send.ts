/**
 * One HTTP request with a deadline, its failures typed the way the core classifies them. Shared by
 * the API calls and the OAuth token requests.
 */
import { request as httpsRequest, type Agent } from 'node:https';
import { Readable } from 'node:stream';
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
   * A connection pool of `node:https` holding the client certificate (mTLS). Such a request goes
   * through `https.request`: Node's built-in fetch takes no client certificate.
   */
  readonly agent?: Agent;
  /** The request as the delivery log records it: carried by the error when no answer comes. */
  readonly record?: RequestRecord;
}

/** The part of a fetch `Response` b2a reads: Node's fetch gives it, and {@link sendThroughAgent} too. */
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
  if (request.agent) return sendThroughAgent(request, request.agent, signal);
  try {
    return await fetch(request.url, init);
  } catch (error) {
    // Node's fetch reports every connection-level failure as `TypeError: fetch failed` with the
    // socket error as its cause; any other error (e.g. an invalid header value) is a bug, not the network.
    // Checked by name: fetch's errors come from Node's realm, which `instanceof` misses under a VM (jest).
    const connection = isError(error) && error.name === 'TypeError' && error.cause !== undefined;
    throw requestError(error, signal, request, connection ? error.cause : undefined);
  }
}

/**
 * {@link send} through `node:https` with `agent`'s pool, as fetch would: no redirect followed, the
 * deadline covering the answer and its body, the body a web stream (read to its end, the socket goes
 * back to the pool). No `accept-encoding` is sent, so the body arrives as the API wrote it.
 */
function sendThroughAgent(request: SendRequest, agent: Agent, signal: AbortSignal): Promise<SentResponse> {
  const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
  const headers: Record<string, string> = Object.fromEntries(request.headers.entries());
  headers['content-length'] = String(body.byteLength);
  return new Promise((resolve, reject) => {
    // Thrown at once (an invalid header value, a malformed URL): a bug, not the network.
    const sent = httpsRequest(request.url, { method: request.method, headers, agent, signal }, (response) => {
      resolve({
        status: response.statusCode ?? 0,
        headers: { get: (name) => headerValue(response.headers[name.toLowerCase()]) },
        body: Readable.toWeb(response) as ReadableStream<Uint8Array>,
      });
    });
    // Every error the request emits is the connection's (refused, reset, TLS) or the deadline's.
    sent.on('error', (error) => reject(requestError(error, signal, request, error)));
    sent.end(body);
  });
}

/** A header as fetch's `Headers.get` gives it: repeated values joined by a comma. */
function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * What a failed request throws: a timeout when the deadline passed, a network error when
 * `connectionFailure` (the socket's error) is given, else the error itself.
 */
function requestError(
  error: unknown,
  signal: AbortSignal,
  request: SendRequest,
  connectionFailure: unknown,
): Error {
  const logged = request.record ? { request: request.record } : {};
  if (signal.aborted || (isError(error) && error.name === 'TimeoutError')) {
    return new DownstreamTimeoutError(`${request.target}: no answer within ${request.timeoutMs} ms`, {
      cause: error,
      ...logged,
    });
  }
  if (connectionFailure !== undefined) {
    return new DownstreamNetworkError(`${request.target}: ${describeCause(connectionFailure)}`, {
      cause: error,
      ...logged,
    });
  }
  return isError(error) ? error : new Error(String(error));
}

/**
 * Reads the start of the body (at most 64 KiB) and releases the connection: a body read to the end
 * lets the pool reuse the socket; a longer one is cancelled.
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
