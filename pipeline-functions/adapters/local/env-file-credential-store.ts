/**
 * Credentials on the local machine: environment variables and files. Secrets Manager is AWS-only.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CredentialSource } from '../../core/config.js';
import { ConfigError } from '../../core/errors.js';
import type { CredentialStore } from '../../core/ports.js';
import { hasErrorCode } from './files.js';

/** Options of {@link EnvFileCredentialStore}. */
export interface EnvFileCredentialStoreOptions {
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Relative `file` paths resolve from here. @default process.cwd() */
  readonly baseDir?: string;
}

/**
 * Reads `{"env": NAME}` and `{"file": path}` sources. A value's surrounding white space is dropped
 * (`echo token > file` leaves a newline; a PEM does not need its final one).
 * @example const value = await new EnvFileCredentialStore().read({ env: 'MY_API_TOKEN' }, 'api.auth.credential');
 */
export class EnvFileCredentialStore implements CredentialStore {
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly baseDir: string;

  public constructor(options: EnvFileCredentialStoreOptions = {}) {
    this.env = options.env ?? process.env;
    this.baseDir = options.baseDir ?? process.cwd();
  }

  public async read(source: CredentialSource, field: string): Promise<string> {
    if ('env' in source) {
      const value = this.env[source.env]?.trim();
      if (!value) throw new ConfigError(field, `environment variable ${source.env} is not set`);
      return value;
    }
    if ('file' in source) {
      const path = resolve(this.baseDir, source.file);
      let value: string;
      try {
        value = (await readFile(path, 'utf8')).trim();
      } catch (error) {
        const why = hasErrorCode(error, 'ENOENT') ? 'no such file' : 'cannot be read';
        throw new ConfigError(field, `file ${path}: ${why}`);
      }
      if (!value) throw new ConfigError(field, `file ${path} is empty`);
      return value;
    }
    throw new ConfigError(
      field,
      '{"secretId": …} reads Secrets Manager, which is AWS-only; locally use {"env": "NAME"} or {"file": "path"}',
    );
  }
}
