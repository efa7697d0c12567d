import { beforeEach, describe, expect, it } from '@jest/globals';
import { ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3BucketListing } from '../../../../../pipeline-functions/adapters/aws/s3-bucket-listing.js';
import type { ListedObject } from '../../../../../pipeline-functions/core/ports.js';

const s3 = mockClient(S3Client);
const at = new Date('2026-11-21T10:00:00.000Z');

async function all(pages: AsyncIterable<readonly ListedObject[]>): Promise<ListedObject[][]> {
  const out: ListedObject[][] = [];
  for await (const page of pages) out.push([...page]);
  return out;
}

describe('Class: S3BucketListing', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('follows NextKeyMarker and NextVersionIdMarker across pages, leaving delete markers out', async () => {
    // Prepare: a truncated page names where the next begins
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html).
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({
        IsTruncated: true,
        NextKeyMarker: 'a.csv',
        NextVersionIdMarker: 'v1',
        Versions: [
          { Key: 'a.csv', VersionId: 'v2', IsLatest: true, ETag: '"e2"', Size: 3, LastModified: at },
          { Key: 'a.csv', VersionId: 'v1', IsLatest: false, ETag: '"e1"', Size: 2, LastModified: at },
        ],
        DeleteMarkers: [{ Key: 'gone.csv', VersionId: 'd1', IsLatest: true, LastModified: at }],
      })
      .resolvesOnce({
        IsTruncated: false,
        Versions: [
          { Key: 'b c.csv', VersionId: 'null', IsLatest: true, ETag: '"eb"', Size: 5, LastModified: at },
        ],
      });
    const listing = new S3BucketListing(new S3Client({}), { bucket: 'inbox' });

    // Act
    const pages = await all(listing.pages({ prefix: 'in', versions: 'all' }));

    // Assess
    expect(pages.map((page) => page.map((o) => [o.key, o.versionId, o.isLatest]))).toEqual([
      [
        ['a.csv', 'v2', true],
        ['a.csv', 'v1', false],
      ],
      // An object written while the bucket was unversioned is version "null": no version id.
      [['b c.csv', undefined, true]],
    ]);
    expect(pages[1]?.[0]).toEqual({
      bucket: 'inbox',
      key: 'b c.csv',
      etag: '"eb"',
      size: 5,
      lastModified: at.toISOString(),
      isLatest: true,
    });
    const inputs = s3.commandCalls(ListObjectVersionsCommand).map((call) => call.args[0].input);
    expect(inputs).toEqual([
      { Bucket: 'inbox', Prefix: 'in' },
      { Bucket: 'inbox', Prefix: 'in', KeyMarker: 'a.csv', VersionIdMarker: 'v1' },
    ]);
  });

  it('keeps only current versions for latest, and resumes after a checkpoint position', async () => {
    // Prepare
    s3.on(ListObjectVersionsCommand).resolves({
      IsTruncated: false,
      Versions: [
        { Key: 'c.csv', VersionId: 'v9', IsLatest: true, Size: 1, LastModified: at },
        { Key: 'c.csv', VersionId: 'v8', IsLatest: false, Size: 1, LastModified: at },
      ],
    });
    const listing = new S3BucketListing(new S3Client({}), { bucket: 'inbox' });

    // Act
    const pages = await all(listing.pages({ prefix: '', versions: 'latest', startAfter: { key: 'b.csv' } }));

    // Assess
    expect(pages.flat().map((o) => o.versionId)).toEqual(['v9']);
    expect(s3).toHaveReceivedCommandWith(ListObjectVersionsCommand, { Bucket: 'inbox', KeyMarker: 'b.csv' });
  });
});
