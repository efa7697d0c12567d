import type { PipelineConfig } from '../../core/config.js';
import {
  recordedBody,
  recordedHeaders,
  recordedUrl,
  REDACTED,
  REQUEST_ID_HEADERS,
  type RequestRecord,
  type ResponseRecord,
} from '../../core/delivery-log.js';
import { ConfigError } from '../../core/errors.js';
import {
  systemClock,
  type ApiRequest,
  type ApiResponse,
  type Clock,
  type CredentialStore,
  type DownstreamApi,
} from '../../core/ports.js';
import { contentDigestOf, parseWebhookSecret, sha256, signWebhook } from '../../core/signatures.js';
import { authenticatorFor, type ApiAuthenticator, type CallCredentials } from './api-auth.js';
import { credentialFailure, readCredential } from './credentials.js';
import { describeCause, readBodyStart, send, targetOf, type SentResponse } from './send.js';

/** Options of {@link HttpDownstreamApi}. */
export interface HttpDownstreamApiOptions {
  /** The `api` section of the pipeline configuration. */
  readonly api: PipelineConfig['api'];
  /**
   * Reads the secrets `api.auth` and `api.signing` name (cache it: it is asked on every call).
   * Required when they name any.
   */
  readonly credentials?: CredentialStore;
  /** Used to turn a Retry-After date into seconds, and for signature timestamps. @default systemClock */
  readonly clock?: Clock;
}

/** Characters of the response body kept for error messages. */
export const BODY_SNIPPET_LENGTH = 200;

/**
 * The downstream API over HTTP(S), with Node's global `fetch` (`node:https` with a client
 * certificate, `mtls`: fetch takes none).
 *
 * Every call carries a `Content-Digest` (RFC 9530) of the exact bytes sent, the auth `api.auth`
 * asks for, and, with `api.signing`, Standard Webhooks headers whose `webhook-id` is the call's
 * Idempotency-Key. Under OAuth, a 401 renews the token and the call is sent again once.
 *
 * Each answer carries its `exchange` for the job's delivery log: the request as sent (credentials
 * and query values `[redacted]`, the body's size and SHA-256) and the response (status,
 * `content-type`, `retry-after`, the API's request id, the first `api.log.responseBodyBytes` of the
 * body). A timeout or network error carries the request it was about.
 *
 * Every HTTP status is a response (the core classifies it); no answer within `api.timeoutMs` is a
 * `DownstreamTimeoutError`; a failure to connect or a dropped connection is a
 * `DownstreamNetworkError`; credentials that could not be had are an `ApiAuthError`. Redirects are
 * not followed: b2a calls exactly the configured URL, and a 3xx is reported like any other status.
 *
 * @example
 * const api = new HttpDownstreamApi({ api: config.api, credentials });
 * const response = await api.call({ headers: { 'content-type': 'text/csv', 'idempotency-key': key }, body: bytes });
 */
export class HttpDownstreamApi implements DownstreamApi {
  private readonly api: PipelineConfig['api'];
  private readonly baseHeaders: Headers;
  private readonly clock: Clock;
  private readonly auth: ApiAuthenticator;
  private readonly credentials: CredentialStore | undefined;
  /** The URL without credentials or query, for error messages that end up in job history. */
  private readonly target: string;
  /** The URL as the delivery log shows it. */
  private readonly loggedUrl: string;

  /** @throws ConfigError when `api.auth` or `api.signing` names a secret and no credential store is given. */
  public constructor(options: HttpDownstreamApiOptions) {
    this.api = options.api;
    this.clock = options.clock ?? systemClock;
    this.target = targetOf(options.api.method, options.api.url);
    this.loggedUrl = recordedUrl(options.api.url);
    this.baseHeaders = new Headers(options.api.headers);
    this.credentials = options.credentials;
    const needsSecrets = options.api.auth.type !== 'none' || options.api.signing !== undefined;
    if (needsSecrets && !this.credentials) {
      throw new ConfigError('api.auth', 'names secrets and no credential store was given to read them');
    }
    this.auth = authenticatorFor(options.api, this.credentials ?? NO_STORE, this.clock);
  }

  public async call(request: ApiRequest): Promise<ApiResponse> {
    // The exact bytes sent: the digest and the signature cover these, in both payload modes.
    const body = typeof request.body === 'string' ? Buffer.from(request.body, 'utf8') : request.body;
    const headers = new Headers(request.headers);
    // Configured headers win over per-call headers: the admin's configuration is the contract.
    this.baseHeaders.forEach((value, name) => headers.set(name, value));
    const digest = sha256(body);
    headers.set('content-digest', contentDigestOf(digest));
    if (this.api.signing) await this.sign(headers, body);

    let used = await this.auth.credentials();
    const started = performance.now();
    let sent = await this.send(headers, body, digest, used);
    if (sent.response.status === 401 && this.auth.refused(used)) {
      await readBody(sent.response);
      used = await this.auth.credentials();
      sent = await this.send(headers, body, digest, used);
    }
    const { response, record } = sent;
    const latencyMs = Math.round(performance.now() - started);
    const answer = await readBody(response);
    const snippet =
      answer instanceof Error ? `(body unreadable: ${describeCause(answer)})` : snippetOf(answer, used);
    const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), this.clock.now());
    return {
      status: response.status,
      latencyMs,
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
      ...(snippet ? { bodySnippet: snippet } : {}),
      exchange: { request: record, response: this.responseRecord(response, answer, used) },
    };
  }

  /** Closes the connection pools of a client certificate. */
  public close(): Promise<void> {
    return this.auth.close();
  }

  private async send(
    headers: Headers,
    body: Uint8Array,
    digest: Uint8Array,
    credentials: CallCredentials,
  ): Promise<{ readonly response: SentResponse; readonly record: RequestRecord }> {
    const sent = new Headers(headers);
    // Auth wins over every other header: a configured or per-call `authorization` never replaces it.
    for (const [name, value] of Object.entries(credentials.headers)) sent.set(name, value);
    const record: RequestRecord = {
      method: this.api.method,
      url: this.loggedUrl,
      headers: recordedHeaders(sent.entries(), credentials.secrets, Object.keys(credentials.headers)),
      bodyBytes: body.byteLength,
      bodySha256: Buffer.from(digest).toString('hex'),
    };
    const response = await send({
      url: this.api.url,
      method: this.api.method,
      headers: sent,
      body,
      timeoutMs: this.api.timeoutMs,
      target: this.target,
      record,
      ...(credentials.agent ? { agent: credentials.agent } : {}),
    });
    return { response, record };
  }

  /** The answer as the delivery log records it: a few headers and the start of the body. */
  private responseRecord(
    response: SentResponse,
    answer: Buffer | Error,
    credentials: CallCredentials,
  ): ResponseRecord {
    const requestIdHeader = REQUEST_ID_HEADERS.find((name) => response.headers.get(name) !== null);
    const kept = ['content-type', 'retry-after', ...(requestIdHeader ? [requestIdHeader] : [])];
    const headers = recordedHeaders(
      kept.flatMap((name): [string, string][] => {
        const value = response.headers.get(name);
        return value === null ? [] : [[name, value]];
      }),
      credentials.secrets,
    );
    return {
      status: response.status,
      ...(headers['content-type'] ? { contentType: headers['content-type'] } : {}),
      ...(headers['retry-after'] ? { retryAfter: headers['retry-after'] } : {}),
      ...(requestIdHeader
        ? { requestId: { header: requestIdHeader, value: headers[requestIdHeader] ?? '' } }
        : {}),
      ...(answer instanceof Error
        ? {}
        : recordedBody(answer, this.api.log.responseBodyBytes, credentials.secrets)),
    };
  }

  /** Standard Webhooks headers: stamped per attempt, so a retry hours later is not a stale replay. */
  private async sign(headers: Headers, body: Uint8Array): Promise<void> {
    const id = headers.get('idempotency-key');
    if (!id) throw new ConfigError('api.signing', 'a signed call needs an Idempotency-Key (its webhook-id)');
    const store = this.credentials ?? NO_STORE;
    const keys = await Promise.all(
      (this.api.signing?.secrets ?? []).map(async (source, i) => {
        const field = `api.signing.secrets.${i}`;
        const secret = await readCredential(store, source, field);
        try {
          return parseWebhookSecret(secret, field);
        } catch (error) {
          throw credentialFailure(field, error);
        }
      }),
    );
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    for (const [name, value] of Object.entries(signWebhook(id, timestamp, body, keys)))
      headers.set(name, value);
  }
}

/** Stands in when no store was given and nothing needs one. */
const NO_STORE: CredentialStore = {
  read: (_source, field) => Promise.reject(new ConfigError(field, 'no credential store to read it')),
};

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

/** The start of the body, or what reading it threw. */
async function readBody(response: SentResponse): Promise<Buffer | Error> {
  try {
    return await readBodyStart(response);
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * The start of the body, whitespace collapsed, for error messages: a secret value the answer
 * repeats (an echo of the Authorization header) is redacted.
 */
function snippetOf(bytes: Buffer, credentials: CallCredentials): string | undefined {
  let text = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, BODY_SNIPPET_LENGTH * 4))
    .replace(/\s+/g, ' ')
    .trim();
  for (const secret of credentials.secrets) if (secret) text = text.split(secret).join(REDACTED);
  return text ? text.slice(0, BODY_SNIPPET_LENGTH) : undefined;
}
