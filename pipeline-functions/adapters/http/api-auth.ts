/**
 * How each `api.auth` type authenticates a call: the headers it adds, the connection it needs (mTLS),
 * the secret values to keep out of anything b2a records, and whether a 401 is worth one retry.
 */
import { Agent } from 'node:https';
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
  readonly agent?: Agent;
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
 * Idle pooled sockets are closed after this long: under the 5 s keep-alive of common servers (Node's
 * own included), so that a call never picks a socket the server is closing.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * A client certificate on every connection, through a keep-alive `node:https` Agent (one pool per
 * container: calls reuse its connections and skip the handshake). The PEMs are read through the
 * (caching) credential store; a rotated certificate gets a new pool, and the old one is retired.
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
      this.pool = {
        pems,
        agent: new Agent({
          keepAlive: true,
          scheduling: 'lifo',
          timeout: IDLE_SOCKET_MS,
          cert,
          key,
          ...(ca ? { ca } : {}),
        }),
      };
      if (old) retire(old);
    }
    return { headers: {}, secrets: [], agent: this.pool.agent };
  }

  public refused(): boolean {
    return false;
  }

  public close(): Promise<void> {
    if (this.pool) retire(this.pool.agent);
    this.pool = undefined;
    return Promise.resolve();
  }
}

/**
 * Closes a pool's idle sockets and lets the calls in flight on it finish: their sockets go idle
 * after them (unreferenced: they keep no process alive) and close {@link IDLE_SOCKET_MS} later.
 */
function retire(agent: Agent): void {
  for (const sockets of Object.values(agent.freeSockets))
    for (const socket of sockets ?? []) socket.destroy();
}
