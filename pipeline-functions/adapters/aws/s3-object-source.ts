import { GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ObjectAccessDeniedError, ObjectNotFoundError } from '../../core/errors.js';
import type { ObjectRef } from '../../core/model.js';
import {
  systemClock,
  type Clock,
  type ObjectInfo,
  type ObjectSource,
  type PresignedUrl,
} from '../../core/ports.js';
import { SigningCredentialsExpiringError, UnexpectedAwsResponseError } from './errors.js';

/** Content-Type assumed when S3 has none for an object. */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** S3 error names and HTTP statuses that mean "this object version is not there (any more)". */
const NOT_FOUND_NAMES = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion', 'PreconditionFailed']);
const NOT_FOUND_STATUSES = new Set([404, 412]);

/** The shortest presigned URL worth sending: an API needs some time to fetch it. */
const MIN_URL_SECONDS = 60;

/** Options of {@link S3ObjectSource}. */
export interface S3ObjectSourceOptions {
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * Reads object versions from S3.
 *
 * A ref with a `versionId` reads exactly that version. Without one (an unversioned bucket) the read
 * is conditional on the ETag (`If-Match`), so an object overwritten since the event is reported as
 * not found instead of being delivered under the old version's job.
 *
 * @example
 * const objects = new S3ObjectSource(new S3Client({}));
 * const { body, info } = await objects.read({ bucket: 'inbox', key: 'a.csv', versionId: 'v1' });
 */
export class S3ObjectSource implements ObjectSource {
  private readonly clock: Clock;

  public constructor(
    private readonly client: S3Client,
    options: S3ObjectSourceOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /**
   * With the object's SHA-256 when S3 holds one for the whole object: `ChecksumMode: ENABLED` returns
   * the checksum the uploader sent, and `ChecksumType` says whether it covers the full object or
   * combines the parts' checksums (a multipart upload's composite, `<base64>-<parts>`), which no
   * receiver can recompute from the bytes
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
   */
  public async head(ref: ObjectRef): Promise<ObjectInfo> {
    const output = await this.guard(ref, () =>
      this.client.send(new HeadObjectCommand({ ...selector(ref, true), ChecksumMode: 'ENABLED' })),
    );
    const sha256 = output.ChecksumType === 'FULL_OBJECT' ? output.ChecksumSHA256 : undefined;
    return { ...info(output), ...(sha256 ? { sha256 } : {}) };
  }

  public async read(ref: ObjectRef): Promise<{ readonly body: Uint8Array; readonly info: ObjectInfo }> {
    return this.guard(ref, async () => {
      const output = await this.client.send(new GetObjectCommand(selector(ref, true)));
      if (!output.Body)
        throw new UnexpectedAwsResponseError(`GetObject s3://${ref.bucket}/${ref.key}: no body`);
      return { body: await output.Body.transformToByteArray(), info: info(output) };
    });
  }

  /**
   * Signs a GET URL for at most `expiresInSeconds`, and less when the signing credentials expire
   * sooner: a URL signed with temporary credentials (a Lambda role's) stops working when they do,
   * whatever `X-Amz-Expires` says
   * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-presigned-url.html).
   * @throws SigningCredentialsExpiringError when the credentials have less than a minute left
   */
  public async presign(ref: ObjectRef, expiresInSeconds: number): Promise<PresignedUrl> {
    const now = this.clock.now();
    const { expiration } = await this.client.config.credentials();
    const credentialSeconds = expiration
      ? Math.floor((expiration.getTime() - now.getTime()) / 1000)
      : Number.POSITIVE_INFINITY;
    const lifetime = Math.min(expiresInSeconds, credentialSeconds);
    if (lifetime < MIN_URL_SECONDS) {
      throw new SigningCredentialsExpiringError(
        `the credentials that sign presigned URLs expire at ${expiration?.toISOString()}: too soon for a usable URL`,
      );
    }
    // No If-Match here: it would become a signed header that whoever holds the URL must send.
    const url = await getSignedUrl(this.client, new GetObjectCommand(selector(ref, false)), {
      expiresIn: lifetime,
      signingDate: now,
    });
    return { url, expiresAt: new Date(now.getTime() + lifetime * 1000) };
  }

  private async guard<T>(ref: ObjectRef, operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const version = ref.versionId ? ` version ${ref.versionId}` : ref.etag ? ` with ETag ${ref.etag}` : '';
      const object = `s3://${ref.bucket}/${ref.key}${version}`;
      if (isNotFound(error)) {
        throw new ObjectNotFoundError(`${object} does not exist`, { cause: error });
      }
      if (statusOf(error) === 403) {
        throw new ObjectAccessDeniedError(object, deniedDetail(error), { cause: error });
      }
      throw error;
    }
  }
}

function selector(
  ref: ObjectRef,
  conditional: boolean,
): { Bucket: string; Key: string; VersionId?: string; IfMatch?: string } {
  if (ref.versionId) return { Bucket: ref.bucket, Key: ref.key, VersionId: ref.versionId };
  if (conditional && ref.etag) return { Bucket: ref.bucket, Key: ref.key, IfMatch: quoted(ref.etag) };
  return { Bucket: ref.bucket, Key: ref.key };
}

/** EventBridge sends ETags bare; If-Match wants the quoted entity tag. */
function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

function info(output: {
  ContentLength?: number;
  ContentType?: string;
  VersionId?: string;
  ETag?: string;
}): ObjectInfo {
  return {
    size: output.ContentLength ?? 0,
    contentType: output.ContentType || DEFAULT_CONTENT_TYPE,
    ...(output.VersionId && output.VersionId !== 'null' ? { versionId: output.VersionId } : {}),
    ...(output.ETag ? { etag: output.ETag.replace(/"/g, '') } : {}),
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isNotFound(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = statusOf(error);
  return NOT_FOUND_NAMES.has(error.name) || (status !== undefined && NOT_FOUND_STATUSES.has(status));
}

/**
 * What S3 said beyond "denied", e.g. the KMS action a GET was refused. A HEAD has no body, so the SDK
 * names its 403 `Forbidden` or `Unknown` with the message `UnknownError`: nothing to add then.
 */
function deniedDetail(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name, message } = error;
  return message === name || /^(UnknownError|Access Denied|Forbidden)?$/i.test(message) ? undefined : message;
}
