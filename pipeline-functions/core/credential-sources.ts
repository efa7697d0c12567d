/**
 * The credential sources a pipeline configuration names. Apart from the schema (config.ts), so the
 * Lambda functions read them without loading zod.
 */
import type { CredentialSource, PipelineConfig } from './config.js';

/** One secret value the `api` section names, with the field that names it. */
export interface NamedCredential {
  /** The config path, e.g. `api.auth.clientSecret` or `api.signing.secrets.1`. */
  readonly field: string;
  readonly source: CredentialSource;
  /** What the value must be: a `whsec_` signing secret, or any text (a token, a password, a PEM). */
  readonly kind: 'webhook-secret' | 'text';
}

/** Every credential `api.auth` and `api.signing` name, in config order. */
export function credentialsOf(api: Pick<PipelineConfig['api'], 'auth' | 'signing'>): NamedCredential[] {
  const text = (field: string, source: CredentialSource | undefined): NamedCredential[] =>
    source ? [{ field: `api.auth.${field}`, source, kind: 'text' }] : [];
  const { auth } = api;
  const fromAuth =
    auth.type === 'header'
      ? text('credential', auth.credential)
      : auth.type === 'basic'
        ? text('password', auth.password)
        : auth.type === 'oauth2-client-credentials'
          ? text('clientSecret', auth.clientSecret)
          : auth.type === 'mtls'
            ? [...text('cert', auth.cert), ...text('key', auth.key), ...text('ca', auth.ca)]
            : [];
  const fromSigning = (api.signing?.secrets ?? []).map((source, i): NamedCredential => ({
    field: `api.signing.secrets.${i}`,
    source,
    kind: 'webhook-secret',
  }));
  return [...fromAuth, ...fromSigning];
}

/** The Secrets Manager secrets `api.auth` and `api.signing` name, each once (the stack grants exactly these). */
export function secretIdsOf(api: Pick<PipelineConfig['api'], 'auth' | 'signing'>): string[] {
  const ids = credentialsOf(api).flatMap(({ source }) => ('secretId' in source ? [source.secretId] : []));
  return [...new Set(ids)];
}
