/**
 * The CLI's typed errors and exit codes. Commands and backends throw these (or let the SDK's and the
 * core's errors through); `cli/main.ts` decides at the edge what each one prints and how the process exits.
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
import { permissionsFor } from './permissions.js';
import { shellQuote } from './render/format.js';

/** Exit codes, documented in `b2a --help` and docs/cli.md. */
export const EXIT_CODES = {
  OK: 0,
  /** A bug or an error b2a has no word for (the message says what happened). */
  UNEXPECTED: 1,
  /** Bad command line: unknown command or option, invalid value, missing `--yes` where one is needed. */
  USAGE: 2,
  /** The key, object or job named does not exist. */
  NOT_FOUND: 3,
  /**
   * The environment said no: b2a not deployed (or no local data directory), credentials missing or
   * expired, access denied, throttled, unreachable.
   */
  AWS: 4,
  /** The confirmation prompt was answered no. */
  ABORTED: 5,
  /** `reprocess --wait`: a job did not succeed (FAILED or SKIPPED), or was still running at `--timeout`. */
  NOT_SUCCEEDED: 6,
  /** `reprocess`, `backfill`, `reconcile --fix`: some objects were not sent (access denied or an error); the others were. */
  NOT_ALL_SENT: 7,
} as const;

export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** The exit codes as `--help` shows them. */
export const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  unexpected error
  2  usage error (unknown command or option, invalid value, --yes needed)
  3  not found (key, object or job)
  4  environment error: not deployed (or no local data directory), AWS credentials
     missing or expired, access denied, throttled, unreachable
  5  aborted at the confirmation prompt
  6  reprocess --wait: a job did not succeed, or --timeout passed
  7  reprocess, backfill, reconcile --fix: some objects could not be sent (denied or
     an error); the rest were`;

/** An error the CLI knows how to report: one line, a hint, an exit code. */
export class CliError extends B2aError {
  public constructor(
    message: string,
    public readonly exitCode: ExitCode,
    /** What to do about it, e.g. `run: aws sso login --profile admin`. */
    public readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The command line is wrong. Exit 2. */
export class UsageError extends CliError {
  public constructor(message: string, hint?: string) {
    super(message, EXIT_CODES.USAGE, hint);
  }
}

/** What the admin named does not exist. Exit 3. */
export class NotFoundError extends CliError {
  public constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.NOT_FOUND, hint, options);
  }
}

/** No usable AWS credentials or region. Exit 4. */
export class CredentialsError extends CliError {
  public constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.AWS, hint, options);
  }
}

/** IAM denied a call. `action` is the missing permission when AWS named it. Exit 4. */
export class AccessDeniedError extends CliError {
  public constructor(
    public readonly action: string | undefined,
    public readonly command: string,
    environment: string,
    options?: { cause?: unknown },
  ) {
    const needed = action ?? permissionsFor(command).join(', ');
    const { adminPolicy, adminRole } = resourceNamesOf(environment);
    super(
      `access denied: your AWS identity may not call ${needed}${command ? ` (needed by \`b2a ${command}\`)` : ''}`,
      EXIT_CODES.AWS,
      `attach the managed policy ${adminPolicy} to your identity, or assume the role ${adminRole}`,
      options,
    );
  }
}

/** The environment has no b2a stack (the discovery parameter, or a resource it names, is missing). Exit 4. */
export class NotDeployedError extends CliError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(
      message,
      EXIT_CODES.AWS,
      'run: npx cdk deploy (or pick another --env / --region / --profile)',
      options,
    );
  }
}

/** AWS throttled the calls. Exit 4. */
export class ThrottledError extends CliError {
  public constructor(message: string, options?: { cause?: unknown }) {
    super(`AWS is throttling b2a: ${message}`, EXIT_CODES.AWS, 'wait a few seconds and try again', options);
  }
}

/** AWS (or the local runtime) could not be reached. Exit 4. */
export class UnreachableError extends CliError {
  public constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.AWS, hint, options);
  }
}

/** The admin answered no at the confirmation prompt. Exit 5. */
export class AbortedError extends CliError {
  public constructor(message = 'aborted: nothing was changed') {
    super(message, EXIT_CODES.ABORTED);
  }
}

/** `reprocess --wait` ended with a job that did not succeed, or timed out. Exit 6. */
export class NotSucceededError extends CliError {
  public constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.NOT_SUCCEEDED, hint, options);
  }
}

/** `reprocess` sent some objects but not others (access denied, or an error). Exit 7. */
export class NotAllSentError extends CliError {
  public constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.NOT_ALL_SENT, hint, options);
  }
}

/** What an error was raised in, so its report can name the command and the environment. */
export interface ErrorContext {
  /** The command path, e.g. `jobs show` or `toggle on|off`; empty before a command ran. */
  readonly command: string;
  readonly environment: string;
  readonly profile?: string;
}

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

/** The one line (and hint) printed on stderr for an error. */
export function formatError(error: CliError): string {
  return `b2a: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}\n`;
}
