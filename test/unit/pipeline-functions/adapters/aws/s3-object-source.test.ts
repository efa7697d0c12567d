import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { S3ObjectSource } from '../../../../../pipeline-functions/adapters/aws/s3-object-source.js';
import { ObjectNotFoundError } from '../../../../../pipeline-functions/core/errors.js';

const s3 = mockClient(S3Client);
const source = () =>
  new S3ObjectSource(
    new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );

function body(text: string) {
  return { transformToByteArray: async () => new TextEncoder().encode(text) } as never;
}

function s3Error(name: string, httpStatusCode: number) {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message: name });
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

  it('lets other errors through unchanged', async () => {
    // Prepare
    const denied = s3Error('AccessDenied', 403);
    s3.on(HeadObjectCommand).rejects(denied);

    // Act
    const head = source().head({ bucket: 'inbox', key: 'k', versionId: 'v1' });

    // Assess
    await expect(head).rejects.toBe(denied);
  });

  it('presigns a GET of the version without an If-Match the holder would have to send', async () => {
    // Prepare
    const subject = source();

    // Act
    const versioned = new URL(
      await subject.presign({ bucket: 'inbox', key: 'dir/a b.txt', versionId: 'v1' }, 600),
    );
    const unversioned = new URL(await subject.presign({ bucket: 'inbox', key: 'x', etag: 'abc' }, 60));

    // Assess
    expect(versioned.pathname).toBe('/dir/a%20b.txt');
    expect(versioned.searchParams.get('versionId')).toBe('v1');
    expect(versioned.searchParams.get('X-Amz-Expires')).toBe('600');
    expect(unversioned.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
  });
});
