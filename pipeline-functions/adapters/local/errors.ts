/**
 * Errors of the local adapters: the files that stand in for AWS services are missing, unreadable or
 * not what b2a wrote.
 */
import { B2aError } from '../../core/errors.js';

/** A file of the local data directory holds something b2a did not write (hand-edited or torn). */
export class LocalStoreError extends B2aError {
  public override name = 'LocalStoreError';

  public constructor(
    public readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** A presigned local object URL that is malformed, altered or expired. */
export class InvalidObjectUrlError extends B2aError {
  public override name = 'InvalidObjectUrlError';
}
