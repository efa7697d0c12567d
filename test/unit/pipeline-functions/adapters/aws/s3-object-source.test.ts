import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  S3Client,
  type ChecksumType,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Error } from '../../../../support/aws-answers.js';
import { SigningCredentialsExpiringError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import { S3ObjectSource } from '../../../../../pipeline-functions/adapters/aws/s3-object-source.js';
import {
  ObjectAccessDeniedError,
  ObjectNotFoundError,
} from '../../../../../pipeline-functions/core/errors.js';

const s3 = mockClient(S3Client);
const source = () =>
  new S3ObjectSource(
    new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );

function body(text: string) {
  return { transformToByteArray: async () => new TextEncoder().encode(text) } as never;
}

describe('Class: S3ObjectSource', () => {
  beforeEach(() => {
    s3.reset();
  });

  it('reads exactly the version named by the ref', async () => {
    // Prepare
    s3.on(GetObjectCommand).resolves({
      Body: body('hello'),
      ContentLength: 5,
      ContentType: 'text/plain',
      VersionId: 'v1',
      ETag: '"abc"',
    });

    // Act
    const read = await source().read({ bucket: 'inbox', key: 'a b+c.txt', versionId: 'v1', etag: 'abc' });

    // Assess
    expect(new TextDecoder().decode(read.body)).toBe('hello');
    expect(read.info).toEqual({ size: 5, contentType: 'text/plain', versionId: 'v1', etag: 'abc' });
    expect(s3).toReceiveCommandWith(GetObjectCommand, { Bucket: 'inbox', Key: 'a b+c.txt', VersionId: 'v1' });
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input.IfMatch).toBeUndefined();
  });

  it('reads an unversioned object only if its ETag still matches', async () => {
    // Prepare
    s3.on(HeadObjectCommand).resolves({ ContentLength: 9, VersionId: 'null' });

    // Act
    const info = await source().head({ bucket: 'inbox', key: 'k', etag: 'abc-2' });

    // Assess
    expect(s3).toReceiveCommandWith(HeadObjectCommand, { Bucket: 'inbox', Key: 'k', IfMatch: '"abc-2"' });
    expect(info).toEqual({ size: 9, contentType: 'application/octet-stream' });
  });

  // HeadObject returns ChecksumSHA256 only with ChecksumMode ENABLED; ChecksumType says whether it is the
  // whole object's (FULL_OBJECT, always for PutObject) or a multipart composite of the parts' checksums
  // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
  it.each([
    [
      'FULL_OBJECT',
      'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
      'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=',
    ],
    ['COMPOSITE', 'Aqr9Yxv4KqvG5GmS0+0b1JbGpOq6u3kD3v8pUXl9Ojs=-3', undefined],
  ] as [ChecksumType, string, string | undefined][])(
    'asks for the checksum and keeps a %s SHA-256 only when it covers the whole object',
    async (type, answered, kept) => {
      // Prepare
      s3.on(HeadObjectCommand).resolves({
        ContentLength: 9,
        VersionId: 'v1',
        ChecksumSHA256: answered,
        ChecksumType: type,
      });

      // Act
      const info = await source().head({ bucket: 'inbox', key: 'k', versionId: 'v1' });

      // Assess
      expect(s3).toReceiveCommandWith(HeadObjectCommand, {
        Bucket: 'inbox',
        Key: 'k',
        VersionId: 'v1',
        ChecksumMode: 'ENABLED',
      });
      expect(info.sha256).toBe(kept);
    },
  );

  it.each([
    ['NoSuchKey', new NoSuchKey({ message: 'gone', $metadata: { httpStatusCode: 404 } })],
    ['NotFound on HEAD', s3Error('NotFound', 404)],
    ['PreconditionFailed (overwritten since)', s3Error('PreconditionFailed', 412)],
    ['NoSuchVersion', s3Error('NoSuchVersion', 404)],
  ])('maps %s to ObjectNotFoundError', async (_, error) => {
    // Prepare
    s3.on(GetObjectCommand).rejects(error);

    // Act
    const read = source().read({ bucket: 'inbox', key: 'k', etag: 'abc' });

    // Assess
    await expect(read).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(read).rejects.toThrow('s3://inbox/k with ETag abc does not exist');
  });

  // Without s3:ListBucket, S3 answers 403 for a missing key too ("Permissions" of
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html and API_GetObject.html).
  // A HEAD has no body: the SDK names its 403 `Unknown` (message `UnknownError`) or `Forbidden`.
  it.each([
    ['HEAD', 'Unknown (no body)', s3Error('Unknown', 403, 'UnknownError')],
    ['HEAD', 'Forbidden', s3Error('Forbidden', 403)],
    ['GET', 'AccessDenied', s3Error('AccessDenied', 403, 'Access Denied')],
  ])('maps a %s 403 (%s) to ObjectAccessDeniedError naming the likely causes', async (verb, _, error) => {
    // Prepare
    s3.on(HeadObjectCommand).rejects(error);
    s3.on(GetObjectCommand).rejects(error);
    const ref = { bucket: 'inbox', key: 'typo.csv', versionId: 'v1' };

    // Act
    const attempt = verb === 'HEAD' ? source().head(ref) : source().read(ref);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(ObjectAccessDeniedError);
    await expect(attempt).rejects.toThrow(
      's3://inbox/typo.csv version v1: access denied (HTTP 403); likely missing: s3:ListBucket on the bucket',
    );
    await expect(attempt).rejects.toThrow("kms:Decrypt on the bucket's KMS key");
  });

  it('keeps what S3 said when a GET names the action it refused', async () => {
    // Prepare
    const kms = s3Error(
      'AccessDenied',
      403,
      'User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: kms:Decrypt on resource: k',
    );
    s3.on(GetObjectCommand).rejects(kms);

    // Act
    const read = source().read({ bucket: 'inbox', key: 'k', versionId: 'v1' });

    // Assess
    await expect(read).rejects.toMatchObject({
      reason:
        'access denied (HTTP 403: User: arn:aws:sts::1:assumed-role/r/f is not authorized to perform: kms:Decrypt on resource: k)',
    });
  });

  it('lets other errors through unchanged', async () => {
    // Prepare: S3 asks callers to slow down with SlowDown, HTTP 503
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html#ErrorCodeList).
    const slowDown = s3Error('SlowDown', 503);
    s3.on(HeadObjectCommand).rejects(slowDown);

    // Act
    const head = source().head({ bucket: 'inbox', key: 'k', versionId: 'v1' });

    // Assess
    await expect(head).rejects.toBe(slowDown);
  });

  it('presigns a GET of the version without an If-Match the holder would have to send', async () => {
    // Prepare
    const subject = source();

    // Act
    const versioned = new URL(
      (await subject.presign({ bucket: 'inbox', key: 'dir/a b.txt', versionId: 'v1' }, 600)).url,
    );
    const unversioned = new URL((await subject.presign({ bucket: 'inbox', key: 'x', etag: 'abc' }, 60)).url);

    // Assess
    expect(versioned.pathname).toBe('/dir/a%20b.txt');
    expect(versioned.searchParams.get('versionId')).toBe('v1');
    expect(versioned.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(unversioned.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
  });

  describe('presigned URLs and the credentials that sign them', () => {
    // A URL signed with temporary credentials stops working when they expire, whatever X-Amz-Expires
    // says: https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html
    const now = new Date();
    let current = now;
    const clock = { now: () => current };
    const sourceWith = (expiration?: Date) =>
      new S3ObjectSource(
        new S3Client({
          region: 'eu-west-1',
          credentials: async () => ({
            accessKeyId: 'ASIATEST',
            secretAccessKey: 'test',
            sessionToken: 'token',
            ...(expiration ? { expiration } : {}),
          }),
        }),
        { clock },
      );
    const ref = { bucket: 'inbox', key: 'big.bin', versionId: 'v1' };

    beforeEach(() => {
      current = now;
    });

    it('cuts the URL to the 10 minutes the credentials have left, and says so', async () => {
      // Prepare
      const subject = sourceWith(new Date(now.getTime() + 10 * 60_000));

      // Act
      const { url, expiresAt } = await subject.presign(ref, 3600);

      // Assess
      expect(Number(new URL(url).searchParams.get('X-Amz-Expires'))).toBe(600);
      expect(expiresAt).toEqual(new Date(now.getTime() + 600_000));
    });

    it('keeps the asked lifetime when the credentials outlive it or announce no expiry', async () => {
      // Act
      const longLived = await sourceWith(new Date(now.getTime() + 6 * 3600_000)).presign(ref, 3600);
      const unannounced = await sourceWith().presign(ref, 3600);

      // Assess
      expect(new URL(longLived.url).searchParams.get('X-Amz-Expires')).toBe('3600');
      expect(longLived.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
      expect(unannounced.expiresAt).toEqual(new Date(now.getTime() + 3600_000));
    });

    it('signs each attempt anew, each URL with its own date and expiry', async () => {
      // Prepare
      const subject = sourceWith();

      // Act
      const first = await subject.presign(ref, 3600);
      current = new Date(now.getTime() + 20 * 3600_000);
      const retry = await subject.presign(ref, 3600);

      // Assess
      expect(retry.url).not.toBe(first.url);
      expect(new URL(retry.url).searchParams.get('X-Amz-Date')).not.toBe(
        new URL(first.url).searchParams.get('X-Amz-Date'),
      );
      expect(retry.expiresAt).toEqual(new Date(current.getTime() + 3600_000));
    });

    it('refuses to sign a URL the credentials would kill within a minute', async () => {
      // Prepare
      const subject = sourceWith(new Date(now.getTime() + 30_000));

      // Act & Assess
      await expect(subject.presign(ref, 3600)).rejects.toBeInstanceOf(SigningCredentialsExpiringError);
    });
  });
});
