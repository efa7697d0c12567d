import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvFileCredentialStore } from '../../../../../pipeline-functions/adapters/local/env-file-credential-store.js';
import { ConfigError } from '../../../../../pipeline-functions/core/errors.js';

describe('Class: EnvFileCredentialStore', () => {
  let dir: string;
  let store: EnvFileCredentialStore;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-cred-'));
    await writeFile(join(dir, 'token.txt'), 's3cr3t\n');
    await writeFile(join(dir, 'empty.txt'), '\n');
    store = new EnvFileCredentialStore({ env: { API_TOKEN: ' t0k3n ' }, baseDir: dir });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads a variable and a file relative to its base directory, without surrounding white space', async () => {
    await expect(store.read({ env: 'API_TOKEN' }, 'api.auth.credential')).resolves.toBe('t0k3n');
    await expect(store.read({ file: 'token.txt' }, 'api.auth.password')).resolves.toBe('s3cr3t');
  });

  it.each([
    [{ env: 'MISSING' }, 'api.auth.credential: environment variable MISSING is not set'],
    [{ file: 'nope.txt' }, 'api.auth.credential: file'],
    [{ file: 'empty.txt' }, 'is empty'],
    [{ secretId: 'b2a/api' }, 'AWS-only'],
  ])('refuses %p with a ConfigError naming the field', async (source, message) => {
    const reading = store.read(source, 'api.auth.credential');
    await expect(reading).rejects.toBeInstanceOf(ConfigError);
    await expect(reading).rejects.toThrow(message);
  });
});
