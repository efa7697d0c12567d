/**
 * The real S3Client against a loopback server answering the way S3 does, so the adapter is tested
 * on the error shapes the SDK really builds (not on hand-made ones). Without s3:ListBucket, S3
 * answers 403 instead of 404 for a missing key ("Permissions" in
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html and API_GetObject.html); a HEAD
 * answer has no body, a GET error has an XML body (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { S3Client } from '@aws-sdk/client-s3';
import { S3ObjectSource } from '../../../../../pipeline-functions/adapters/aws/s3-object-source.js';
import {
  ObjectAccessDeniedError,
  ObjectNotFoundError,
} from '../../../../../pipeline-functions/core/errors.js';
import { startHttpStub, type HttpStub } from '../../../../support/http-stub.js';

const xmlError = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><RequestId>R1</RequestId></Error>`;

describe('Class: S3ObjectSource (real S3Client, loopback S3)', () => {
  let stub: HttpStub;
  let client: S3Client;
  const ref = { bucket: 'inbox', key: 'typo.csv', versionId: 'v1' };

  beforeAll(async () => {
    stub = await startHttpStub();
    client = new S3Client({
      region: 'eu-west-1',
      endpoint: stub.url,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  beforeEach(() => {
    stub.reset();
  });

  afterAll(async () => {
    client.destroy();
    await stub.close();
  });

  it('reports a HEAD 404 (no body) as not found', async () => {
    // Prepare
    stub.enqueue({ status: 404 });

    // Act
    const head = new S3ObjectSource(client).head(ref);

    // Assess
    await expect(head).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(stub.requests[0]).toMatchObject({ method: 'HEAD', url: '/inbox/typo.csv?versionId=v1' });
  });

  it('reports a HEAD 403 (no body) as access denied, naming s3:ListBucket', async () => {
    // Prepare
    stub.enqueue({ status: 403 });

    // Act
    const head = new S3ObjectSource(client).head(ref);

    // Assess
    await expect(head).rejects.toBeInstanceOf(ObjectAccessDeniedError);
    await expect(head).rejects.toMatchObject({ reason: 'access denied (HTTP 403)' });
  });

  it('reports a GET 404 NoSuchKey as not found and a GET 403 AccessDenied as access denied', async () => {
    // Prepare
    const headers = { 'content-type': 'application/xml' };
    stub.enqueue(
      { status: 404, headers, body: xmlError('NoSuchKey', 'The specified key does not exist.') },
      { status: 403, headers, body: xmlError('AccessDenied', 'Access Denied') },
    );
    const source = new S3ObjectSource(client);

    // Act
    const missing = await source.read(ref).catch((error: unknown) => error);
    const denied = await source.read(ref).catch((error: unknown) => error);

    // Assess
    expect(missing).toBeInstanceOf(ObjectNotFoundError);
    expect(denied).toBeInstanceOf(ObjectAccessDeniedError);
    expect(denied).toMatchObject({ reason: 'access denied (HTTP 403)' });
  });
});
