import { ListObjectVersionsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BucketListing, ListedObject, ListingQuery } from '../../core/ports.js';

/** S3's version id of an object written while the bucket was unversioned. */
const NULL_VERSION = 'null';

/**
 * Lists the source bucket with ListObjectVersions (authorised by s3:ListBucketVersions), 1,000
 * versions a page, delete markers left out.
 *
 * ListObjectVersions rather than ListObjectsV2 even for `latest`: ListObjectsV2 returns no version
 * ids, and on a versioned bucket a job is keyed by its version id, so every object would look as if
 * it had no job. On an unversioned bucket the call answers each object once, as version `null`
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html); both calls are
 * LIST requests at the same price.
 *
 * @example for await (const page of new S3BucketListing(s3, { bucket }).pages({ prefix: '', versions: 'latest' })) ...
 */
export class S3BucketListing implements BucketListing {
  public constructor(
    private readonly client: S3Client,
    private readonly options: { readonly bucket: string; readonly pageSize?: number },
  ) {}

  public async *pages(query: ListingQuery): AsyncIterable<readonly ListedObject[]> {
    // The SDK has no paginator for ListObjectVersions: a page ends at a (key, version id) pair.
    let keyMarker = query.startAfter?.key;
    // A key marker alone resumes after every version of that key.
    let versionIdMarker = query.startAfter?.versionId;
    for (;;) {
      const page = await this.client.send(
        new ListObjectVersionsCommand({
          Bucket: this.options.bucket,
          ...(query.prefix ? { Prefix: query.prefix } : {}),
          ...(this.options.pageSize ? { MaxKeys: this.options.pageSize } : {}),
          ...(keyMarker ? { KeyMarker: keyMarker } : {}),
          ...(keyMarker && versionIdMarker ? { VersionIdMarker: versionIdMarker } : {}),
        }),
      );
      const objects: ListedObject[] = [];
      for (const version of page.Versions ?? []) {
        if (version.Key === undefined) continue;
        const isLatest = version.IsLatest ?? true;
        if (query.versions === 'latest' && !isLatest) continue;
        const versionId =
          version.VersionId && version.VersionId !== NULL_VERSION ? version.VersionId : undefined;
        objects.push({
          bucket: this.options.bucket,
          key: version.Key,
          ...(versionId ? { versionId } : {}),
          ...(version.ETag ? { etag: version.ETag } : {}),
          size: version.Size ?? 0,
          lastModified: (version.LastModified ?? new Date(0)).toISOString(),
          isLatest,
        });
      }
      yield objects;
      if (!page.IsTruncated) return;
      keyMarker = page.NextKeyMarker;
      versionIdMarker = page.NextVersionIdMarker;
    }
  }
}
