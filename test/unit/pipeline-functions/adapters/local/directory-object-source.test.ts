import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DirectoryObjectSource,
  etagOf,
} from '../../../../../pipeline-functions/adapters/local/directory-object-source.js';
import { verifyObjectUrl } from '../../../../../pipeline-functions/adapters/local/object-url-signer.js';
import { ObjectNotFoundError } from '../../../../../pipeline-functions/core/errors.js';
import { FakeClock } from '../../../../support/fakes.js';

const bucket = 'local-inbox';
const secret = Buffer.alloc(32, 1);
/** Computed here, not with b2a's helper: a file is a whole object, so its SHA-256 is a full-object checksum. */
const sha256Of = (text: string): string => createHash('sha256').update(text).digest('base64');

describe('Class: DirectoryObjectSource', () => {
  let root: string;
  let source: DirectoryObjectSource;
  const clock = new FakeClock();

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'b2a-objects-'));
    source = new DirectoryObjectSource({
      root,
      bucket,
      signer: { secret, baseUrl: () => 'http://127.0.0.1:9' },
      clock,
    });
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const put = async (key: string, content: string): Promise<string> => {
    const path = join(root, ...key.split('/'));
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, content);
    return etagOf(Buffer.from(content));
  };

  it('reads an object with an awkward key, its ETag and its content type', async () => {
    // Prepare
    const key = 'a/b c/+%20ü 1.json';
    const etag = await put(key, '{"x":1}');
    // Act
    const read = await source.read({ bucket, key, etag });
    const head = await source.head({ bucket, key });
    // Assess
    expect(Buffer.from(read.body).toString()).toBe('{"x":1}');
    expect(read.info).toEqual({
      size: 7,
      contentType: 'application/json',
      etag,
      sha256: sha256Of('{"x":1}'),
    });
    expect(head).toEqual(read.info);
  });

  it('treats an overwritten file as another version: the old one is not found', async () => {
    // Prepare
    const etag = await put('a.txt', 'one');
    await put('a.txt', 'two');
    // Act & Assess
    await expect(source.read({ bucket, key: 'a.txt', etag })).rejects.toThrow(/overwritten/);
    await expect(source.head({ bucket, key: 'a.txt', etag })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('reports a deleted file, or one replaced by a directory, as not found', async () => {
    // Prepare
    const etag = await put('gone.txt', 'x');
    await rm(join(root, 'gone.txt'));
    await mkdir(join(root, 'dir.txt'));
    // Act & Assess
    await expect(source.read({ bucket, key: 'gone.txt', etag })).rejects.toThrow(/no such file/);
    await expect(source.read({ bucket, key: 'dir.txt' })).rejects.toThrow(/not a file/);
    await expect(source.head({ bucket, key: 'dir.txt' })).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('refuses keys no file in the inbox can have, and other buckets', () => {
    // Act & Assess
    expect(() => source.pathOf({ bucket, key: '../etc/passwd' })).toThrow(ObjectNotFoundError);
    expect(() => source.pathOf({ bucket, key: 'a//b' })).toThrow(ObjectNotFoundError);
    expect(() => source.pathOf({ bucket: 'other', key: 'a' })).toThrow(/no local bucket "other"/);
  });

  it('presigns a URL naming the current version', async () => {
    // Prepare
    const etag = await put('big.bin', 'payload');
    // Act
    const url = new URL((await source.presign({ bucket, key: 'big.bin' }, 60)).url);
    // Assess
    expect(url.origin).toBe('http://127.0.0.1:9');
    expect(verifyObjectUrl(secret, `${url.pathname}${url.search}`, clock.now())).toMatchObject({
      bucket,
      key: 'big.bin',
      etag,
    });
  });
});
