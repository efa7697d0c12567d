/**
 * What each error means to the person at the terminal: turns the core's, the backends' and the AWS
 * SDK's errors into the CLI's typed errors (exit code and hint). `cli/main.ts` loads it only when a
 * command fails, so that the SDK's retry classification is not loaded at every start.
 */
import { isThrottlingError } from '@smithy/core/retry';
import { FlagParameterNotFoundError, PipeBusyError } from '../pipeline-functions/adapters/aws/errors.js';
import {
  B2aError,
  ConfigError,
  ObjectAccessDeniedError,
  ObjectNotFoundError,
  RedriveInProgressError,
} from '../pipeline-functions/core/errors.js';
import {
  BackfillIncompleteError,
  AttemptNotKeptError,
  JobsNotSucceededError,
  KeyHasNoJobsError,
  KeysNotFoundError,
  ObjectsNotSentError,
  SucceededNeedsPrefixError,
} from '../pipeline-functions/core/use-cases/admin/errors.js';
import { DataDirNotFoundError, StoreLockedError } from '../pipeline-functions/local/errors.js';
import { resourceNamesOf } from '../pipeline-functions/core/resource-names.js';
import {
  AccessDeniedError,
  CliError,
  CredentialsError,
  EXIT_CODES,
  NotAllSentError,
  NotDeployedError,
  NotFoundError,
  NotSucceededError,
  ThrottledError,
  UnreachableError,
  UsageError,
  type ErrorContext,
} from './errors.js';
import { shellQuote } from './render/format.js';

/**
 * Error names for credentials AWS does not accept (as opposed to no credentials at all). The SDK
 * classifies errors for retrying (throttling, transient, clock skew), not these: none is retryable.
 */
const REJECTED_CREDENTIALS = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'IncompleteSignature',
]);

const EXPIRED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);

/** Node's codes for a connection that could not be made. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
]);

interface SdkErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Turns any error into the CLI error to report: CLI errors as they are, the core's and the AWS SDK's
 * errors into the matching class. Anything else becomes an unexpected error (exit 1) keeping its message.
 *
 * @example toCliError(error, { command: 'jobs', environment: 'prod' }).exitCode
 */
export function toCliError(error: unknown, context: ErrorContext): CliError {
  if (error instanceof CliError) return error;
  const adminError = fromAdminError(error);
  if (adminError) return adminError;
  if (error instanceof ObjectNotFoundError)
    return new NotFoundError(error.message, undefined, { cause: error });
  if (error instanceof ObjectAccessDeniedError) {
    const { adminPolicy } = resourceNamesOf(context.environment);
    return new CliError(
      error.message,
      EXIT_CODES.AWS,
      `check the key; with s3:ListBucket (in ${adminPolicy}) a missing key is reported as not found`,
      { cause: error },
    );
  }
  if (error instanceof RedriveInProgressError) {
    return new CliError(
      error.message,
      EXIT_CODES.AWS,
      'watch it with: b2a status; redrive again once it has finished',
      {
        cause: error,
      },
    );
  }
  if (error instanceof ConfigError)
    return new CliError(error.message, EXIT_CODES.USAGE, undefined, { cause: error });
  if (error instanceof DataDirNotFoundError)
    return new CliError(error.message, EXIT_CODES.AWS, undefined, { cause: error });
  if (error instanceof StoreLockedError)
    return new UnreachableError(error.message, 'try again in a moment', { cause: error });
  if (error instanceof PipeBusyError) {
    return new CliError(
      error.message,
      EXIT_CODES.AWS,
      'the flag is set; run the same b2a toggle again once b2a status shows the pipe RUNNING or STOPPED',
      { cause: error },
    );
  }
  if (error instanceof FlagParameterNotFoundError) {
    return new NotDeployedError(`b2a is not fully deployed in ${context.environment}: ${error.message}`, {
      cause: error,
    });
  }
  const shape: SdkErrorShape = typeof error === 'object' && error !== null ? error : {};
  const name = typeof shape.name === 'string' ? shape.name : '';
  const code = typeof shape.Code === 'string' ? shape.Code : typeof shape.code === 'string' ? shape.code : '';
  const message = typeof shape.message === 'string' ? shape.message : String(error);
  const profileHint = context.profile ? ` --profile ${context.profile}` : '';

  const credentialsProblem = name === 'CredentialsProviderError' || name === 'TokenProviderError';
  if (
    (credentialsProblem && /(sso|token).*\b(expired|invalid)\b/i.test(message)) ||
    EXPIRED_CREDENTIALS.has(name)
  ) {
    return new CredentialsError(
      `your AWS session has expired or is invalid (${firstSentence(message)})`,
      `run: aws sso login${profileHint}`,
      {
        cause: error,
      },
    );
  }
  if (credentialsProblem) {
    return new CredentialsError(
      `no usable AWS credentials for --env ${context.environment} (${firstSentence(message)})`,
      'pass --profile <name>, set AWS_PROFILE, or sign in with: aws sso login --profile <name>',
      { cause: error },
    );
  }
  if (REJECTED_CREDENTIALS.has(name) || REJECTED_CREDENTIALS.has(code)) {
    return new CredentialsError(
      `AWS rejected your credentials (${name || code})`,
      `check the keys or run: aws sso login${profileHint}`,
      {
        cause: error,
      },
    );
  }
  if (/region is missing/i.test(message)) {
    return new CredentialsError('no AWS region is configured', 'pass --region <region> or set AWS_REGION', {
      cause: error,
    });
  }
  if (/AccessDenied|UnauthorizedOperation|AuthorizationError/i.test(`${name} ${code}`)) {
    return new AccessDeniedError(deniedAction(message), context.command, context.environment, {
      cause: error,
    });
  }
  // The SDK's own classification (its retry strategy's): HTTP 429, the throttling error names of
  // every service, or a throttling trait in the service model.
  if (
    typeof error === 'object' &&
    error !== null &&
    isThrottlingError(error as Parameters<typeof isThrottlingError>[0])
  ) {
    return new ThrottledError(message, { cause: error });
  }
  if (
    name === 'ResourceNotFoundException' ||
    name === 'QueueDoesNotExist' ||
    code === 'AWS.SimpleQueueService.NonExistentQueue'
  ) {
    return new NotDeployedError(`a b2a resource in ${context.environment} is missing (${message})`, {
      cause: error,
    });
  }
  if (NETWORK_CODES.has(code)) {
    return context.environment === 'local'
      ? new UnreachableError(`cannot reach the local runtime (${code})`, 'start it with: b2a local up', {
          cause: error,
        })
      : new UnreachableError(
          `cannot reach AWS (${code}: ${message})`,
          'check the network, the proxy and --region',
          {
            cause: error,
          },
        );
  }
  if (error instanceof B2aError)
    return new CliError(message, EXIT_CODES.UNEXPECTED, undefined, { cause: error });
  return new CliError(
    message || 'unexpected error',
    EXIT_CODES.UNEXPECTED,
    'rerun with B2A_DEBUG=1 for the stack trace',
    {
      cause: error,
    },
  );
}

/** The CLI error (exit code and hint) for an error of the admin use cases. */
function fromAdminError(error: unknown): CliError | undefined {
  const cause = { cause: error };
  if (error instanceof KeysNotFoundError) {
    return new NotFoundError(
      error.message,
      'check the key (it is case-sensitive), or list jobs with: b2a jobs --prefix <start of the key>',
      cause,
    );
  }
  if (error instanceof AttemptNotKeptError) {
    return new NotFoundError(
      error.message,
      error.asked > error.kept.to
        ? 'list its attempts with: b2a jobs show <key>'
        : "older attempts are in the target's log on AWS (its `job recorded` lines), locally in the runtime's log",
      cause,
    );
  }
  if (error instanceof SucceededNeedsPrefixError) {
    return new UsageError(error.message, 'add --prefix <start of the keys>, e.g. --prefix invoices/2026/11/');
  }
  if (error instanceof KeyHasNoJobsError) {
    return new NotFoundError(
      error.message,
      `keys are case-sensitive; list recent jobs with: b2a jobs --prefix ${shellQuote(error.key.slice(0, 8))}`,
      cause,
    );
  }
  if (error instanceof ObjectsNotSentError) {
    const denied =
      error.counts.denied > 0 ? `S3 answered 403: check ${ObjectAccessDeniedError.likelyCauses}. ` : '';
    return new NotAllSentError(
      error.message,
      `${denied}Then reprocess only the objects listed as not sent: rerunning the whole selection would send the others again`,
      cause,
    );
  }
  if (error instanceof BackfillIncompleteError) {
    return new NotAllSentError(
      error.message,
      'run the same command again: it continues from its checkpoint and sends only those',
      cause,
    );
  }
  if (error instanceof JobsNotSucceededError) {
    const hint = error.timedOut
      ? 'follow them with: b2a jobs show <key>'
      : error.statuses.includes('SKIPPED')
        ? 'b2a is off: turn it on with b2a toggle on'
        : 'see why with: b2a jobs show <key>';
    return new NotSucceededError(error.message, hint, cause);
  }
  return undefined;
}

/** The SDK's credential messages go on with advice that the hint gives better. */
function firstSentence(message: string): string {
  return /^[^.]*\.?/.exec(message)?.[0]?.replace(/\.$/, '') ?? message;
}

/**
 * The IAM action an AccessDenied message names, e.g. "User: arn:... is not authorized to perform:
 * dynamodb:Query on resource: ..." gives `dynamodb:Query`.
 */
export function deniedAction(message: string): string | undefined {
  return /perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1];
}
