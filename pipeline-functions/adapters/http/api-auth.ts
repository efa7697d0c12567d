/**
 * How each `api.auth` type authenticates a call: the headers it adds, the connection it needs (mTLS),
 * the secret values to keep out of anything b2a records, and whether a 401 is worth one retry.
 */
import type { Agent, Dispatcher } from 'undici';
import type { CredentialSource, PipelineConfig } from '../../core/config.js';
import type { Clock, CredentialStore } from '../../core/ports.js';
import { basicAuthorization, readCredential } from './credentials.js';
import { OAuth2TokenClient } from './oauth2-token-client.js';

/** What one call carries to prove who b2a is. */
export interface CallCredentials {
  readonly headers: Readonly<Record<string, string>>;
  /** Secret values the call carries: redacted from what the API's answer says back. */
  readonly secrets: readonly string[];
  /** The connection pool with the client certificate (mTLS). */
  readonly dispatcher?: Dispatcher;
}

/** Authenticates calls to the API for one `api.auth`. */
export interface ApiAuthenticator {
  /** @throws ApiAuthError when a credential or the token could not be had */
  credentials(): Promise<CallCredentials>;
  /**
   * The API answered 401 to a call made with `used`: whether one retry with fresh credentials is
   * worth it (OAuth: the token was renewed).
   */
  refused(used: CallCredentials): boolean;
  /** Releases connections (mTLS pools). */
  close(): Promise<void>;
}

const NO_CREDENTIALS: CallCredentials = { headers: {}, secrets: [] };

/** The authenticator for `api.auth`, reading its secrets through `credentials`. */
export function authenticatorFor(
  api: Pick<PipelineConfig['api'], 'auth' | 'timeoutMs'>,
  store: CredentialStore,
  clock: Clock,
): ApiAuthenticator {
  const { auth } = api;
  const read = (source: CredentialSource, field: string): Promise<string> =>
    readCredential(store, source, `api.auth.${field}`);
  switch (auth.type) {
    case 'none':
      return stateless(() => Promise.resolve(NO_CREDENTIALS));
    case 'header':
      return stateless(async () => {
        const value = await read(auth.credential, 'credential');
        return { headers: { [auth.header]: `${auth.prefix}${value}` }, secrets: [value] };
      });
    case 'basic':
      return stateless(async () => {
        const password = await read(auth.password, 'password');
        const authorization = basicAuthorization(auth.username, password);
        return { headers: { authorization }, secrets: [password, authorization.slice('Basic '.length)] };
      });
    case 'oauth2-client-credentials':
      return oauth2(new OAuth2TokenClient({ auth, credentials: store, clock, timeoutMs: api.timeoutMs }));
    case 'mtls':
      return new MutualTls(auth, read);
  }
}

function stateless(credentials: () => Promise<CallCredentials>): ApiAuthenticator {
  return { credentials, refused: () => false, close: () => Promise.resolve() };
}

function oauth2(tokens: OAuth2TokenClient): ApiAuthenticator {
  return {
    credentials: async () => {
      const token = await tokens.token();
      return { headers: { authorization: `Bearer ${token}` }, secrets: [token] };
    },
    refused: (used) => {
      const token = used.secrets[0];
      if (token !== undefined) tokens.refused(token);
      return true;
    },
    close: () => Promise.resolve(),
  };
}

/**
 * A client certificate on every connection, through an undici Agent. The PEMs are read through the
 * (caching) credential store; a rotated certificate gets a new pool, and the old one is closed.
 */
class MutualTls implements ApiAuthenticator {
  private pool: { readonly pems: string; readonly agent: Agent } | undefined;

  public constructor(
    private readonly auth: Extract<PipelineConfig['api']['auth'], { type: 'mtls' }>,
    private readonly read: (source: CredentialSource, field: string) => Promise<string>,
  ) {}

  public async credentials(): Promise<CallCredentials> {
    const [cert, key, ca] = await Promise.all([
      this.read(this.auth.cert, 'cert'),
      this.read(this.auth.key, 'key'),
      this.auth.ca ? this.read(this.auth.ca, 'ca') : Promise.resolve(undefined),
    ]);
    const pems = JSON.stringify([cert, key, ca]);
    if (this.pool?.pems !== pems) {
      const old = this.pool?.agent;
      // undici is loaded only here: it is a third of the enrichment's bundle, and only mTLS needs it.
      const { Agent: Pool } = await import('undici');
      this.pool = { pems, agent: new Pool({ connect: { cert, key, ...(ca ? { ca } : {}) } }) };
      // Calls in flight on the old pool finish; close() only waits for them.
      void old?.close();
    }
    return { headers: {}, secrets: [], dispatcher: this.pool.agent };
  }

  public refused(): boolean {
    return false;
  }

  public async close(): Promise<void> {
    await this.pool?.agent.close();
    this.pool = undefined;
  }
}
