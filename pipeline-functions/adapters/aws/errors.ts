/**
 * Errors raised by the AWS adapters when AWS answers in a way the core has no word for. Each keeps
 * the SDK error as `cause`.
 */
import { isServerError, isThrottlingError, isTransientError } from '@smithy/core/retry';
import { B2aError } from '../../core/errors.js';

/** The SSM parameter holding the enabled flag does not exist (the stack creates it: wrong name or region?). */
export class FlagParameterNotFoundError extends B2aError {
  public override name = 'FlagParameterNotFoundError';

  public constructor(
    public readonly parameterName: string,
    options?: { cause?: unknown },
  ) {
    super(`the enabled flag parameter ${parameterName} does not exist`, options);
  }
}

/** A retry time the scheduler cannot keep as given (the core computes times on the scheduler's grain). */
export class UnschedulableTimeError extends B2aError {
  public override name = 'UnschedulableTimeError';
}

/** A job kept changing between the repository's read and its conditional write (a retryable race). */
export class ConcurrentJobUpdateError extends B2aError {
  public override name = 'ConcurrentJobUpdateError';
}

/** A page cursor that this repository did not hand out (or that was altered). */
export class InvalidCursorError extends B2aError {
  public override name = 'InvalidCursorError';
}

/** BatchGetItem kept answering some keys as unprocessed (throttled) round after round. Retryable later. */
export class UnprocessedKeysError extends B2aError {
  public override name = 'UnprocessedKeysError';
}

/** A job item's stored attempt history is in no format this adapter writes (or is corrupt). */
export class HistoryNotReadableError extends B2aError {
  public override name = 'HistoryNotReadableError';
}

/** A value DynamoDB has no type for (a function, a symbol, a bigint), so no size either. */
export class UnsizableValueError extends B2aError {
  public override name = 'UnsizableValueError';
}

/** AWS answered without a field it always sends (e.g. STS without `Arn`). */
export class UnexpectedAwsResponseError extends B2aError {
  public override name = 'UnexpectedAwsResponseError';
}

/** Peeked dead letters could not be made visible again; they reappear when the peek's visibility timeout ends. */
export class DeadLetterReleaseError extends B2aError {
  public override name = 'DeadLetterReleaseError';
}

/** The credentials that would sign a presigned URL expire too soon for the URL to be of use. Retryable. */
export class SigningCredentialsExpiringError extends B2aError {
  public override name = 'SigningCredentialsExpiringError';
}
/**
 * Whether an AWS call failed for a passing reason worth waiting out, by the SDK's own retry
 * classification (the one the CLI's messages use too): throttling (a 429, or a name such as SSM's
 * `ThrottlingException`, a 400), a transient error (timeouts, connection resets, 500/502/503/504, or
 * what the SDK marks retryable), or any other server fault.
 */
export function isTransientAwsError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const sdkError = error as Parameters<typeof isTransientError>[0] & {
    readonly $fault?: 'client' | 'server';
  };
  return (
    isThrottlingError(sdkError) ||
    isTransientError(sdkError) ||
    isServerError(sdkError) ||
    sdkError.$fault === 'server'
  );
}

/**
 * The pipe could not be stopped or started because it is changing state (Pipes answers
 * `ConflictException`); the message names its current state.
 */
export class PipeBusyError extends B2aError {
  public override name = 'PipeBusyError';
}
