/**
 * Typed errors of the b2a core. The core throws or returns these; the edges (handlers, CLI, local
 * runtime) decide what each means: retry, fail, skip or exit code.
 */
import type { RequestRecord } from './delivery-log.js';

/**
 * The root of b2a's typed errors. Each subclass writes its `name` out (`public override name =
 * 'XError'`), as the AWS SDK's exceptions do: the Lambda bundles are minified without esbuild's
 * `keepNames`, so a class's identifier (`new.target.name`) would read `e` in the logs and in job
 * histories. test/unit/pipeline-functions/core/error-names.test.ts fails for a class that forgets.
 */
export class B2aError extends Error {
  public override name = 'B2aError';
}

/** A configuration value is missing or invalid. `field` names it, e.g. `api.url` or `B2A_TABLE_NAME`. */
export class ConfigError extends B2aError {
  public override name = 'ConfigError';

  public constructor(
    public readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A queue message that is neither an S3 "Object Created" event nor a b2a envelope. */
export class InvalidMessageError extends B2aError {
  public override name = 'InvalidMessageError';
}

/** The object named by an event no longer exists (deleted, or that version is gone). */
export class ObjectNotFoundError extends B2aError {
  public override name = 'ObjectNotFoundError';
}

/**
 * The bucket refused to let the object be read (HTTP 403). Without `s3:ListBucket` on the bucket,
 * S3 answers 403 rather than 404 for a missing key, so this may also mean the object is not there.
 */
export class ObjectAccessDeniedError extends B2aError {
  public override name = 'ObjectAccessDeniedError';

  /** What to check when S3 answers 403, most frequent cause first. */
  public static readonly likelyCauses =
    "s3:ListBucket on the bucket (without it S3 answers 403, not 404, for a missing key), s3:GetObject in the bucket policy, or kms:Decrypt on the bucket's KMS key";

  /** Why, in a few words, e.g. `access denied (HTTP 403)`, with what S3 said when it said more. */
  public readonly reason: string;

  public constructor(
    /** The object, e.g. `s3://inbox/a.csv version v1`. */
    public readonly object: string,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    const reason = `access denied (HTTP 403${detail ? `: ${detail}` : ''})`;
    super(`${object}: ${reason}; likely missing: ${ObjectAccessDeniedError.likelyCauses}`, options);
    this.reason = reason;
  }
}

/** A call to the downstream API got no answer; `request` is what was sent, for the delivery log. */
export class DownstreamCallError extends B2aError {
  public override name = 'DownstreamCallError';

  public constructor(
    message: string,
    options?: { readonly cause?: unknown; readonly request?: RequestRecord },
  ) {
    super(message, options);
    this.request = options?.request;
  }

  public readonly request: RequestRecord | undefined;
}

/** The downstream API could not be reached: DNS, refused, reset, TLS. Retryable. */
export class DownstreamNetworkError extends DownstreamCallError {
  public override name = 'DownstreamNetworkError';
}

/** The downstream API did not answer within the configured timeout. Retryable. */
export class DownstreamTimeoutError extends DownstreamCallError {
  public override name = 'DownstreamTimeoutError';
}

/**
 * The API's credentials could not be had: a credential source could not be read, or the OAuth token
 * endpoint failed or refused. Retryable for now, with a reason that says which; `refused` tells a
 * refusal (401/403/400 from the token endpoint: fix the config) from an outage, for callers that
 * treat those differently (a circuit breaker). Never carries a secret value.
 */
export class ApiAuthError extends B2aError {
  public override name = 'ApiAuthError';

  public constructor(
    message: string,
    /** The token endpoint (or the secret store) refused: retrying will not help until the config changes. */
    public readonly refused: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The object is over the inline limit and the payload mode does not allow a reference. Terminal. */
export class PayloadTooLargeError extends B2aError {
  public override name = 'PayloadTooLargeError';
}

/** How far the running redrive is, as far as the queue says. */
export interface RedriveProgress {
  readonly moved?: number;
  readonly toMove?: number;
  /** ISO time the running redrive started. */
  readonly startedAt?: string;
}

/** A redrive of the dead-letter queue is already running: SQS runs one message move task per queue. */
export class RedriveInProgressError extends B2aError {
  public override name = 'RedriveInProgressError';

  public constructor(
    public readonly progress: RedriveProgress,
    options?: { cause?: unknown },
  ) {
    const { moved, toMove, startedAt } = progress;
    const count =
      moved !== undefined && toMove !== undefined
        ? `${moved} of ${toMove} message(s) moved`
        : moved !== undefined
          ? `${moved} message(s) moved`
          : undefined;
    const details = [count, startedAt ? `started ${startedAt}` : undefined].filter(Boolean).join(', ');
    super(
      `a redrive of the dead-letter queue is already running${details ? ` (${details})` : ''}; SQS runs one at a time`,
      options,
    );
  }
}
