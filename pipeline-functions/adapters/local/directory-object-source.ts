/**
 * The local bucket: a directory whose files are objects and whose subfolders are key prefixes.
 * An object version is named by its ETag (the MD5 of the content, as S3 computes it for a simple
 * upload): a file overwritten since its event is another version, and the old one is gone.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ObjectNotFoundError } from '../../core/errors.js';
import { sha256Base64 } from '../../core/signatures.js';
import type { ObjectRef } from '../../core/model.js';
import {
  systemClock,
  type Clock,
  type ObjectInfo,
  type ObjectSource,
  type PresignedUrl,
} from '../../core/ports.js';
import { contentTypeOf } from './content-type.js';
import { hasErrorCode } from './files.js';
import { signObjectUrl } from './object-url-signer.js';

/** Options of {@link DirectoryObjectSource}. */
export interface DirectoryObjectSourceOptions {
  /** The directory that is the bucket. */
  readonly root: string;
  /** The bucket name events carry for this directory. */
  readonly bucket: string;
  /** Signs presigned URLs; without it `presign` throws (the admin CLI never presigns). */
  readonly signer?: { readonly secret: Uint8Array; readonly baseUrl: () => string };
  /** @default systemClock */
  readonly clock?: Clock;
}

/** The MD5 of bytes as an S3 ETag (hex, no quotes). */
export const etagOf = (body: Uint8Array): string => createHash('md5').update(body).digest('hex');

/** The MD5 of a file as an S3 ETag, read as a stream. */
export async function etagOfFile(path: string): Promise<string> {
  const md5 = createHash('md5');
  await hashFile(path, md5);
  return md5.digest('hex');
}

/** The S3 ETag (MD5, hex) and the base64 SHA-256 of a file, in one read. */
async function hashesOfFile(path: string): Promise<{ etag: string; sha256: string }> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  await hashFile(path, md5, sha256);
  return { etag: md5.digest('hex'), sha256: sha256.digest('base64') };
}

/** Feeds a file, read as a stream, to each hash. */
async function hashFile(path: string, ...hashes: Hash[]): Promise<void> {
  for await (const chunk of createReadStream(path)) for (const hash of hashes) hash.update(chunk as Buffer);
}

const unquote = (etag: string): string => etag.replace(/"/g, '');

/**
 * An {@link ObjectSource} over a directory.
 * @example
 * const objects = new DirectoryObjectSource({ root: '.b2a/inbox', bucket: 'local-inbox' });
 * const { body, info } = await objects.read({ bucket: 'local-inbox', key: 'in/a.json', etag });
 */
export class DirectoryObjectSource implements ObjectSource {
  private readonly root: string;
  private readonly bucket: string;
  private readonly signer: DirectoryObjectSourceOptions['signer'];
  private readonly clock: Clock;
  /** Hashes by path, trusted while size, mtime and inode are unchanged: hashing is the costly part. */
  private readonly hashes = new Map<
    string,
    { size: number; mtimeMs: number; ino: number; etag: string; sha256: string }
  >();

  public constructor(options: DirectoryObjectSourceOptions) {
    this.root = options.root;
    this.bucket = options.bucket;
    this.signer = options.signer;
    this.clock = options.clock ?? systemClock;
  }

  /** The file that holds a key. @throws ObjectNotFoundError for another bucket or a key no file can have. */
  public pathOf(ref: Pick<ObjectRef, 'bucket' | 'key'>): string {
    if (ref.bucket !== this.bucket) {
      throw new ObjectNotFoundError(`no local bucket "${ref.bucket}" (the inbox is bucket "${this.bucket}")`);
    }
    const segments = ref.key.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0') || s.includes(sep))) {
      throw new ObjectNotFoundError(`key ${JSON.stringify(ref.key)} cannot name a file in the local inbox`);
    }
    return join(this.root, ...segments);
  }

  /** With the file's SHA-256: a file is always one whole object, as a single-part upload is on S3. */
  public async head(ref: ObjectRef): Promise<ObjectInfo> {
    const path = this.pathOf(ref);
    const stats = await this.statFile(ref, path);
    const cached = this.hashes.get(path);
    let hashes: { etag: string; sha256: string };
    if (
      cached &&
      cached.size === stats.size &&
      cached.mtimeMs === stats.mtimeMs &&
      cached.ino === stats.ino
    ) {
      hashes = cached;
    } else {
      hashes = await this.guard(ref, () => hashesOfFile(path));
      this.hashes.set(path, { size: stats.size, mtimeMs: stats.mtimeMs, ino: stats.ino, ...hashes });
    }
    this.checkVersion(ref, hashes.etag);
    return {
      size: stats.size,
      contentType: contentTypeOf(ref.key),
      etag: hashes.etag,
      sha256: hashes.sha256,
    };
  }

  public async read(ref: ObjectRef): Promise<{ readonly body: Uint8Array; readonly info: ObjectInfo }> {
    const path = this.pathOf(ref);
    const body = await this.guard(ref, () => readFile(path));
    // The ETag of exactly the bytes returned, so a file rewritten mid-read is never sent as the old version.
    const etag = etagOf(body);
    this.checkVersion(ref, etag);
    return {
      body,
      info: { size: body.byteLength, contentType: contentTypeOf(ref.key), etag, sha256: sha256Base64(body) },
    };
  }

  /** A stream of the object version, for the object server. @throws ObjectNotFoundError */
  public async open(ref: ObjectRef): Promise<{ readonly stream: ReadStream; readonly info: ObjectInfo }> {
    const info = await this.head(ref);
    return { stream: createReadStream(this.pathOf(ref)), info };
  }

  public async presign(ref: ObjectRef, expiresInSeconds: number): Promise<PresignedUrl> {
    if (!this.signer) throw new Error('this DirectoryObjectSource was built without a URL signer');
    const etag = ref.etag ? unquote(ref.etag) : (await this.head(ref)).etag;
    if (!etag) throw new ObjectNotFoundError(`no ETag for ${ref.key}`);
    return signObjectUrl(
      this.signer.secret,
      this.signer.baseUrl(),
      { ...ref, etag },
      expiresInSeconds,
      this.clock.now(),
    );
  }

  private checkVersion(ref: ObjectRef, etag: string): void {
    if (ref.versionId !== undefined) {
      throw new ObjectNotFoundError(`${ref.key}: the local inbox keeps no version ids (${ref.versionId})`);
    }
    if (ref.etag !== undefined && unquote(ref.etag) !== etag) {
      throw new ObjectNotFoundError(
        `${ref.key}: version ${unquote(ref.etag)} is gone (the file was overwritten; it is now ${etag})`,
      );
    }
  }

  private async statFile(
    ref: ObjectRef,
    path: string,
  ): Promise<{ size: number; mtimeMs: number; ino: number }> {
    const stats = await this.guard(ref, () => stat(path));
    if (!stats.isFile()) throw new ObjectNotFoundError(`${ref.key}: not a file any more (a directory?)`);
    return stats;
  }

  /** Maps "no such file" (deleted, or a folder where the file was) to ObjectNotFoundError. */
  private async guard<T>(ref: ObjectRef, action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) {
        throw new ObjectNotFoundError(`${ref.key}: no such file in the local inbox`, { cause: error });
      }
      if (hasErrorCode(error, 'EISDIR')) {
        throw new ObjectNotFoundError(`${ref.key}: not a file any more (a directory?)`, { cause: error });
      }
      throw error;
    }
  }
}
