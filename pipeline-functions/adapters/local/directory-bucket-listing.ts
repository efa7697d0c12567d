/** The local bucket's listing: the inbox directory's files, in S3's key order. */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { mapLimit } from '../../core/concurrency.js';
import { ObjectNotFoundError } from '../../core/errors.js';
import type { BucketListing, ListedObject, ListingQuery } from '../../core/ports.js';
import type { DirectoryObjectSource } from './directory-object-source.js';
import { hasErrorCode } from './files.js';

/** Objects per page, as S3 lists. */
const PAGE_SIZE = 1000;

/** Files hashed at once. */
const HASH_CONCURRENCY = 8;

/** Options of {@link DirectoryBucketListing}. */
export interface DirectoryBucketListingOptions {
  readonly root: string;
  readonly bucket: string;
  /** Reads each file's ETag (cached by size, mtime and inode). */
  readonly objects: Pick<DirectoryObjectSource, 'head'>;
  /** File names that are not objects (temporary and partial files). */
  readonly ignore: (name: string) => boolean;
}

/**
 * A {@link BucketListing} over the inbox directory: one version per file (the directory keeps no
 * versions), named by its ETag, sorted as S3 sorts keys (UTF-8 bytes).
 * @example new DirectoryBucketListing({ root: '.b2a/inbox', bucket: 'local-inbox', objects, ignore: isIgnoredName })
 */
export class DirectoryBucketListing implements BucketListing {
  public constructor(private readonly options: DirectoryBucketListingOptions) {}

  public async *pages(query: ListingQuery): AsyncIterable<readonly ListedObject[]> {
    const after = query.startAfter?.key;
    const keys = (await this.keys())
      .filter((key) => key.startsWith(query.prefix) && (after === undefined || compareKeys(key, after) > 0))
      .sort(compareKeys);
    for (let start = 0; start < keys.length; start += PAGE_SIZE) {
      const page = await mapLimit(keys.slice(start, start + PAGE_SIZE), HASH_CONCURRENCY, (key) =>
        this.describe(key),
      );
      yield page.filter((object): object is ListedObject => object !== undefined);
    }
  }

  private async keys(): Promise<string[]> {
    const { root, ignore } = this.options;
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch((error: unknown) => {
      if (hasErrorCode(error, 'ENOENT')) return [];
      throw error;
    });
    return entries
      .filter((entry) => entry.isFile() && !ignore(entry.name))
      .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
      .filter((key) => !key.split('/').some((segment) => ignore(segment)));
  }

  /** A file removed since the directory was read is not listed. */
  private async describe(key: string): Promise<ListedObject | undefined> {
    const { bucket, objects, root } = this.options;
    try {
      const [info, stats] = await Promise.all([
        objects.head({ bucket, key }),
        stat(join(root, ...key.split('/'))),
      ]);
      return {
        bucket,
        key,
        ...(info.etag ? { etag: info.etag } : {}),
        size: info.size,
        lastModified: stats.mtime.toISOString(),
        isLatest: true,
      };
    } catch (error) {
      if (error instanceof ObjectNotFoundError || hasErrorCode(error, 'ENOENT')) return undefined;
      throw error;
    }
  }
}

/** S3 lists keys in UTF-8 binary order, which is not JavaScript's UTF-16 order for every character. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
