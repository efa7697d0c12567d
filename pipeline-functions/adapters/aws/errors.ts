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

/** The enabled flag parameter holds something other than `on` or `off`. */
export class InvalidFlagValueError extends B2aError {
  public constructor(
    public readonly parameterName: string,
    public readonly value: string | undefined,
  ) {
    super(`the enabled flag parameter ${parameterName} holds ${JSON.stringify(value)}, not "on" or "off"`);
  }
}

/** A retry time the scheduler cannot keep as given (the core computes times on the scheduler's grain). */
export class UnschedulableTimeError extends B2aError {}

/** A page cursor that this repository did not hand out (or that was altered). */
export class InvalidCursorError extends B2aError {}

/** AWS answered without a field it always sends (e.g. STS without `Arn`). */
export class UnexpectedAwsResponseError extends B2aError {}

/** Peeked dead letters could not be made visible again; they reappear when the peek's visibility timeout ends. */
export class DeadLetterReleaseError extends B2aError {}
