/**
 * The CLI's typed errors and exit codes. Commands and backends throw these (or let the SDK's and the
 * core's errors through); `cli/main.ts` decides at the edge what each one prints and how the process
 * exits, through `cli/error-classification.ts`.
 */
import { B2aError } from '../pipeline-functions/core/errors.js';
import { resourceNamesOf } from '../pipeline-functions/core/resource-names.js';
import { permissionsFor } from './permissions.js';

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
  public override name = 'CliError';

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
  public override name = 'UsageError';

  public constructor(message: string, hint?: string) {
    super(message, EXIT_CODES.USAGE, hint);
  }
}

/** What the admin named does not exist. Exit 3. */
export class NotFoundError extends CliError {
  public override name = 'NotFoundError';

  public constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.NOT_FOUND, hint, options);
  }
}

/** No usable AWS credentials or region. Exit 4. */
export class CredentialsError extends CliError {
  public override name = 'CredentialsError';

  public constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.AWS, hint, options);
  }
}

/** IAM denied a call. `action` is the missing permission when AWS named it. Exit 4. */
export class AccessDeniedError extends CliError {
  public override name = 'AccessDeniedError';

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
  public override name = 'NotDeployedError';

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
  public override name = 'ThrottledError';

  public constructor(message: string, options?: { cause?: unknown }) {
    super(`AWS is throttling b2a: ${message}`, EXIT_CODES.AWS, 'wait a few seconds and try again', options);
  }
}

/** AWS (or the local runtime) could not be reached. Exit 4. */
export class UnreachableError extends CliError {
  public override name = 'UnreachableError';

  public constructor(message: string, hint: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.AWS, hint, options);
  }
}

/** The admin answered no at the confirmation prompt. Exit 5. */
export class AbortedError extends CliError {
  public override name = 'AbortedError';

  public constructor(message = 'aborted: nothing was changed') {
    super(message, EXIT_CODES.ABORTED);
  }
}

/** `reprocess --wait` ended with a job that did not succeed, or timed out. Exit 6. */
export class NotSucceededError extends CliError {
  public override name = 'NotSucceededError';

  public constructor(message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, EXIT_CODES.NOT_SUCCEEDED, hint, options);
  }
}

/** `reprocess` sent some objects but not others (access denied, or an error). Exit 7. */
export class NotAllSentError extends CliError {
  public override name = 'NotAllSentError';

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

/** The one line (and hint) printed on stderr for an error. */
export function formatError(error: CliError): string {
  return `b2a: ${error.message}${error.hint ? `\n  hint: ${error.hint}` : ''}\n`;
}
