import type { PipelineConfig } from '../../core/config.js';
import { ConfigError, DownstreamNetworkError, DownstreamTimeoutError } from '../../core/errors.js';
import {
  systemClock,
  type ApiRequest,
  type ApiResponse,
  type Clock,
  type DownstreamApi,
} from '../../core/ports.js';

/** Options of {@link HttpDownstreamApi}. */
export interface HttpDownstreamApiOptions {
  /** The `api` section of the pipeline configuration. */
  readonly api: PipelineConfig['api'];
  /**
   * The credential for `api.auth` of type `secret` or `env`, already resolved by the composition
   * root (from Secrets Manager or the environment). Sent as `<auth.prefix><credential>`.
   */
  readonly credential?: string;
  /** Used to turn a Retry-After date into seconds. @default systemClock */
  readonly clock?: Clock;
}

/** Characters of the response body kept for error messages. */
export const BODY_SNIPPET_LENGTH = 200;
/** Bytes read from a response body at most; the rest is cancelled. Small bodies are read whole so the connection is reused. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * The downstream API over HTTP(S), with Node's global `fetch`.
 *
 * Every HTTP status is a response (the core classifies it); no answer within `api.timeoutMs` is a
 * `DownstreamTimeoutError`; a failure to connect or a dropped connection is a
 * `DownstreamNetworkError`. Redirects are not followed: b2a calls exactly the configured URL, and
 * a 3xx is reported like any other status.
 *
 * @example
 * const api = new HttpDownstreamApi({ api: config.api, credential: token });
 * const response = await api.call({ headers: { 'content-type': 'text/csv' }, body: bytes });
 */
export class HttpDownstreamApi implements DownstreamApi {
  private readonly api: PipelineConfig['api'];
  private readonly baseHeaders: Headers;
  private readonly clock: Clock;
  /** The URL without credentials or query, for error messages that end up in job history. */
  private readonly target: string;

  /** @throws ConfigError when `api.auth` needs a credential and none is given. */
  public constructor(options: HttpDownstreamApiOptions) {
    this.api = options.api;
    this.clock = options.clock ?? systemClock;
    const url = new URL(options.api.url);
    this.target = `${options.api.method} ${url.origin}${url.pathname}`;
    this.baseHeaders = new Headers(options.api.headers);
    const { auth } = options.api;
    if (auth.type !== 'none') {
      if (!options.credential) {
        throw new ConfigError(
          'api.auth',
          `auth type "${auth.type}" needs a credential and none was resolved`,
        );
      }
      this.baseHeaders.set(auth.header, `${auth.prefix}${options.credential}`);
    }
  }

  public async call(request: ApiRequest): Promise<ApiResponse> {
    const headers = new Headers(request.headers);
    // Configured headers and auth win over per-call headers: the admin's configuration is the contract.
    this.baseHeaders.forEach((value, name) => headers.set(name, value));
    const signal = AbortSignal.timeout(this.api.timeoutMs);
    const started = performance.now();
    let response: Response;
    try {
      response = await fetch(this.api.url, {
        method: this.api.method,
        headers,
        body: request.body,
        redirect: 'manual',
        signal,
      });
    } catch (error) {
      throw this.callError(error, signal);
    }
    const latencyMs = Math.round(performance.now() - started);
    const snippet = await readSnippet(response);
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
    return {
      status: response.status,
      latencyMs,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(snippet ? { bodySnippet: snippet } : {}),
    };
  }

  private callError(error: unknown, signal: AbortSignal): Error {
    if (signal.aborted || (isError(error) && error.name === 'TimeoutError')) {
      return new DownstreamTimeoutError(`${this.target}: no answer within ${this.api.timeoutMs} ms`, {
        cause: error,
      });
    }
    // undici reports every connection-level failure as `TypeError: fetch failed` with the socket
    // error as its cause; any other error (e.g. an invalid header value) is a bug, not the network.
    // Checked by name: undici's errors come from Node's realm, which `instanceof` misses under a VM (jest).
    if (isError(error) && error.name === 'TypeError' && error.cause !== undefined) {
      return new DownstreamNetworkError(`${this.target}: ${describeCause(error.cause)}`, { cause: error });
    }
    return isError(error) ? error : new Error(String(error));
  }
}

/**
 * Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (a date in the past is 0).
 * Anything else is ignored (undefined), as RFC 9110 says.
 */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  // Every HTTP-date form starts with a day name; Date.parse alone would read "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

/**
 * Reads the start of the body and releases the connection: a body read to the end lets undici reuse
 * the socket; a longer one is cancelled. A body that cannot be read is said so in the snippet.
 */
async function readSnippet(response: Response): Promise<string | undefined> {
  if (!response.body) return undefined;
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
  } catch (error) {
    return `(body unreadable: ${describeCause(error)})`;
  } finally {
    if (bytes >= MAX_BODY_BYTES) await reader.cancel();
    reader.releaseLock();
  }
  const text = new TextDecoder('utf-8', { fatal: false })
    .decode(Buffer.concat(chunks).subarray(0, BODY_SNIPPET_LENGTH * 4))
    .replace(/\s+/g, ' ')
    .trim();
  return text ? text.slice(0, BODY_SNIPPET_LENGTH) : undefined;
}

function describeCause(cause: unknown): string {
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
