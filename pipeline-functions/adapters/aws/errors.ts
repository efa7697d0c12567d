/**
 * Errors raised by the AWS adapters when AWS answers in a way the core has no word for. Each keeps
 * the SDK error as `cause`.
 */
import { B2aError } from '../../core/errors.js';

/** The SSM parameter holding the enabled flag does not exist (the stack creates it: wrong name or region?). */
export class FlagParameterNotFoundError extends B2aError {
  public constructor(
    public readonly parameterName: string,
    options?: { cause?: unknown },
  ) {
    super(`the enabled flag parameter ${parameterName} does not exist`, options);
  }
}

/** A retry time the scheduler cannot keep as given (the core computes times on the scheduler's grain). */
export class UnschedulableTimeError extends B2aError {}

/** A job kept changing between the repository's read and its conditional write (a retryable race). */
export class ConcurrentJobUpdateError extends B2aError {}

/** A page cursor that this repository did not hand out (or that was altered). */
export class InvalidCursorError extends B2aError {}

/** BatchGetItem kept answering some keys as unprocessed (throttled) round after round. Retryable later. */
export class UnprocessedKeysError extends B2aError {}

/** AWS answered without a field it always sends (e.g. STS without `Arn`). */
export class UnexpectedAwsResponseError extends B2aError {}

/** Peeked dead letters could not be made visible again; they reappear when the peek's visibility timeout ends. */
export class DeadLetterReleaseError extends B2aError {}

/** The credentials that would sign a presigned URL expire too soon for the URL to be of use. Retryable. */
export class SigningCredentialsExpiringError extends B2aError {}
/** What the SDK tells of a failed call, on the errors it throws. */
interface SdkErrorFields {
  readonly $fault?: 'client' | 'server';
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly code?: unknown;
}

/**
 * Whether an AWS call failed for a passing reason worth waiting out: the SDK marks it retryable, or
 * AWS answered 429 / a server fault / a throttling error (SSM's `ThrottlingException` is a 400), or no
 * answer came at all (a network error or timeout, which carries no `$metadata`).
 */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & SdkErrorFields;
  if (fields.$metadata === undefined) {
    return error.name === 'TimeoutError' || (typeof fields.code === 'string' && fields.code.startsWith('E'));
  }
  const status = fields.$metadata.httpStatusCode ?? 0;
  return (
    fields.$retryable !== undefined ||
    fields.$fault === 'server' ||
    status === 429 ||
    status >= 500 ||
    /throttl/i.test(error.name)
  );
}

/**
 * The pipe could not be stopped or started because it is changing state (Pipes answers
 * `ConflictException`); the message names its current state.
 */
export class PipeBusyError extends B2aError {}
