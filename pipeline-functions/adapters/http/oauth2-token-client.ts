/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4, https://www.rfc-editor.org/rfc/rfc6749#section-4.4):
 * one token per container, shared by every call, renewed shortly before it expires or when the API
 * answers 401.
 */
import type { PipelineConfig } from '../../core/config.js';
import { ApiAuthError, DownstreamNetworkError, DownstreamTimeoutError } from '../../core/errors.js';
import type { Clock, CredentialStore } from '../../core/ports.js';
import { basicAuthorization, readCredential } from './credentials.js';
import { readBodyStart, send, targetOf } from './send.js';

/** The `oauth2-client-credentials` auth. */
export type OAuth2Auth = Extract<PipelineConfig['api']['auth'], { type: 'oauth2-client-credentials' }>;

/** A token whose endpoint gave no `expires_in` is trusted this long (and renewed sooner on a 401). */
export const DEFAULT_TOKEN_SECONDS = 300;
/** A token is renewed this long before `expires_in` ends (at most a tenth of its life), so no call carries one expiring in flight. */
export const TOKEN_RENEWAL_MARGIN_SECONDS = 60;
/** RFC 6749 §5.2 error codes are short ASCII words; anything else an endpoint sends is not repeated. */
const ERROR_CODE = /^[\x21\x23-\x5B\x5D-\x7E]{1,64}$/;

/** Options of {@link OAuth2TokenClient}. */
export interface OAuth2TokenClientOptions {
  readonly auth: OAuth2Auth;
  readonly credentials: CredentialStore;
  readonly clock: Clock;
  /** Deadline of one token request, in ms. */
  readonly timeoutMs: number;
}

/**
 * Gets and keeps an access token. Concurrent callers share one token request; a token is kept until
 * {@link TOKEN_RENEWAL_MARGIN_SECONDS} before `expires_in` ends, or until the API refuses it.
 *
 * @example
 * const tokens = new OAuth2TokenClient({ auth, credentials, clock, timeoutMs: 10_000 });
 * headers.set('authorization', `Bearer ${await tokens.token()}`);
 */
export class OAuth2TokenClient {
  private current: { readonly value: string; readonly renewAt: number } | undefined;
  private inFlight: Promise<string> | undefined;
  private readonly target: string;

  public constructor(private readonly options: OAuth2TokenClientOptions) {
    this.target = targetOf('POST', options.auth.tokenUrl);
  }

  /**
   * The access token to send.
   * @throws ApiAuthError when the token endpoint or the client secret could not be had
   */
  public token(): Promise<string> {
    if (this.current && this.options.clock.now().getTime() < this.current.renewAt) {
      return Promise.resolve(this.current.value);
    }
    this.inFlight ??= this.request().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * The API refused `token` (401): forget it, unless a newer one replaced it already (another call
   * that got the same 401 renewed it first).
   */
  public refused(token: string): void {
    if (this.current?.value === token) this.current = undefined;
  }

  private async request(): Promise<string> {
    const { auth, credentials, clock, timeoutMs } = this.options;
    const secret = await readCredential(credentials, auth.clientSecret, 'api.auth.clientSecret');
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (auth.scope) form.set('scope', auth.scope);
    if (auth.audience) form.set('audience', auth.audience);
    const headers = new Headers({
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    });
    if (auth.clientAuth === 'basic') {
      headers.set('authorization', basicAuthorization(formEncode(auth.clientId), formEncode(secret)));
    } else {
      form.set('client_id', auth.clientId);
      form.set('client_secret', secret);
    }
    const requestedAt = clock.now().getTime();
    let status: number;
    let body: Buffer;
    try {
      const response = await send({
        url: auth.tokenUrl,
        method: 'POST',
        headers,
        body: form.toString(),
        timeoutMs,
        target: this.target,
      });
      status = response.status;
      body = await readBodyStart(response);
    } catch (error) {
      if (error instanceof DownstreamTimeoutError || error instanceof DownstreamNetworkError) {
        throw new ApiAuthError(`token endpoint unavailable: ${error.message}`, false, { cause: error });
      }
      throw new ApiAuthError(`token endpoint ${this.target}: ${String(error)}`, false, { cause: error });
    }
    const answer = parseJson(body);
    if (status < 200 || status >= 300) throw this.failure(status, answer);
    const value = answer?.['access_token'];
    if (typeof value !== 'string' || value.length === 0) {
      throw new ApiAuthError(
        `token endpoint ${this.target} answered ${status} without an access_token`,
        false,
      );
    }
    const expiresIn = Number(answer?.['expires_in'] ?? DEFAULT_TOKEN_SECONDS);
    const lifetime = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_TOKEN_SECONDS;
    const margin = Math.min(TOKEN_RENEWAL_MARGIN_SECONDS, lifetime / 10);
    this.current = { value, renewAt: requestedAt + (lifetime - margin) * 1000 };
    return value;
  }

  private failure(status: number, answer: Record<string, unknown> | undefined): ApiAuthError {
    const code = answer?.['error'];
    const detail = typeof code === 'string' && ERROR_CODE.test(code) ? `: ${code}` : '';
    if (status === 401 || status === 403) {
      return new ApiAuthError(`token endpoint refused the client credentials (${status}${detail})`, true);
    }
    if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
      return new ApiAuthError(`token endpoint refused the token request (${status}${detail})`, true);
    }
    return new ApiAuthError(`token endpoint ${this.target} failed (HTTP ${status}${detail})`, false);
  }
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before they go into Basic auth. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
