import { describe, expect, it } from '@jest/globals';
import { FlagParameterNotFoundError } from '../../../pipeline-functions/adapters/aws/errors.js';
import { ConfigError, ObjectNotFoundError } from '../../../pipeline-functions/core/errors.js';
import {
  AccessDeniedError,
  CliError,
  CredentialsError,
  EXIT_CODES,
  formatError,
  NotDeployedError,
  NotFoundError,
  ThrottledError,
  UnreachableError,
  UsageError,
} from '../../../cli/errors.js';
import { deniedAction, toCliError } from '../../../cli/error-classification.js';

const sdkError = (name: string, message: string, extra: Record<string, unknown> = {}): Error =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra });

const context = { command: 'jobs', environment: 'prod', profile: 'admin' };

describe('Function: toCliError', () => {
  it('maps a missing credential chain to a credentials error with a sign-in hint', () => {
    // Act
    const error = toCliError(
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      context,
    );

    // Assess
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.exitCode).toBe(EXIT_CODES.AWS);
    expect(error.message).toBe(
      'no usable AWS credentials for --env prod (Could not load credentials from any providers)',
    );
    expect(error.hint).toContain('aws sso login');
  });

  it('maps an expired SSO token to a login hint naming the profile', () => {
    // Act
    const error = toCliError(
      sdkError(
        'TokenProviderError',
        'The SSO session associated with this profile has expired or is otherwise invalid.',
      ),
      context,
    );

    // Assess
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toMatch(/session has expired/);
    expect(error.hint).toBe('run: aws sso login --profile admin');
  });

  it('recognises the expired SSO session the credential provider reports', () => {
    const error = toCliError(
      sdkError(
        'CredentialsProviderError',
        'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      context,
    );
    expect(error.message).toBe(
      'your AWS session has expired or is invalid (The SSO session associated with this profile has expired)',
    );
    expect(error.hint).toBe('run: aws sso login --profile admin');
  });

  it('does not call a missing profile an expired session', () => {
    const error = toCliError(
      sdkError('TokenProviderError', "Profile 'nope' could not be found in shared credentials file."),
      context,
    );
    expect(error.message).toBe(
      "no usable AWS credentials for --env prod (Profile 'nope' could not be found in shared credentials file)",
    );
  });

  it('maps expired temporary credentials the same way', () => {
    const error = toCliError(
      sdkError('ExpiredTokenException', 'The security token included in the request is expired'),
      context,
    );
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error.message).toMatch(/expired/);
  });

  it('names the action AWS denied, and the command that needed it', () => {
    // Prepare
    const denied = sdkError(
      'AccessDeniedException',
      'User: arn:aws:iam::111111111111:user/bob is not authorized to perform: dynamodb:Query on resource: arn:aws:dynamodb:eu-west-1:111111111111:table/b2a-prod-jobs/index/by-status because no identity-based policy allows the dynamodb:Query action',
    );

    // Act
    const error = toCliError(denied, context);

    // Assess
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.exitCode).toBe(EXIT_CODES.AWS);
    expect(error.message).toBe(
      'access denied: your AWS identity may not call dynamodb:Query (needed by `b2a jobs`)',
    );
    expect(error.hint).toContain('b2a-prod-admin');
  });

  it('lists what the command needs when AWS does not name the action', () => {
    const error = toCliError(sdkError('AccessDenied', 'Access Denied'), {
      command: 'dlq redrive',
      environment: 'dev',
    });
    expect(error).toBeInstanceOf(AccessDeniedError);
    expect(error.message).toContain('sqs:StartMessageMoveTask');
    expect(error.message).toContain('ssm:GetParameter');
  });

  it.each(['ThrottlingException', 'TooManyRequestsException', 'ProvisionedThroughputExceededException'])(
    'maps %s to a throttling error',
    (name) => {
      const error = toCliError(sdkError(name, 'Rate exceeded'), context);
      expect(error).toBeInstanceOf(ThrottledError);
      expect(error.exitCode).toBe(EXIT_CODES.AWS);
    },
  );

  it('maps what the SDK classifies as throttling: an HTTP 429 whatever the error is called', () => {
    // 429 Too Many Requests is HTTP's answer to a caller sending too many requests
    // (https://www.rfc-editor.org/rfc/rfc6585#section-4); the SDK's isThrottlingError counts it whatever
    // the body names, and an answer without a body has no name to match a list of names.
    const error = toCliError(
      sdkError('Unknown', 'UnknownError', { $metadata: { httpStatusCode: 429 } }),
      context,
    );
    expect(error).toBeInstanceOf(ThrottledError);
  });

  it('maps a missing object to not found (exit 3)', () => {
    const error = toCliError(new ObjectNotFoundError('s3://inbox/a.txt'), context);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.exitCode).toBe(3);
  });

  it('maps a missing flag parameter to not deployed', () => {
    const error = toCliError(new FlagParameterNotFoundError('/b2a/prod/enabled'), context);
    expect(error).toBeInstanceOf(NotDeployedError);
    expect(error.hint).toContain('cdk deploy');
  });

  it('maps a missing region to a hint about --region', () => {
    const error = toCliError(new Error('Region is missing'), context);
    expect(error.exitCode).toBe(EXIT_CODES.AWS);
    expect(error.hint).toContain('--region');
  });

  it('tells to start the local runtime when it cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), { code: 'ECONNREFUSED' });
    const error = toCliError(refused, { command: 'jobs', environment: 'local' });
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error.hint).toBe('start it with: b2a local up');
  });

  it('maps an invalid configuration to a usage error', () => {
    expect(toCliError(new ConfigError('api.url', 'Invalid URL'), context).exitCode).toBe(EXIT_CODES.USAGE);
  });

  it('keeps CLI errors as they are and makes anything else unexpected (exit 1)', () => {
    const usage = new UsageError('bad');
    expect(toCliError(usage, context)).toBe(usage);
    const unexpected = toCliError(new TypeError('x is undefined'), context);
    expect(unexpected.exitCode).toBe(EXIT_CODES.UNEXPECTED);
    expect(unexpected.message).toBe('x is undefined');
    expect(unexpected.cause).toBeInstanceOf(TypeError);
  });
});

describe('Function: deniedAction', () => {
  it('finds the action in the messages of several services', () => {
    expect(deniedAction('User: arn:x is not authorized to perform: sqs:sendmessage on resource: arn:y')).toBe(
      'sqs:sendmessage',
    );
    expect(deniedAction('not authorized to perform: ssm:PutParameter on resource')).toBe('ssm:PutParameter');
    expect(deniedAction('Access Denied')).toBeUndefined();
  });
});

describe('Function: formatError', () => {
  it('prints one line and the hint under it', () => {
    expect(formatError(new CliError('it broke', EXIT_CODES.UNEXPECTED, 'try again'))).toBe(
      'b2a: it broke\n  hint: try again\n',
    );
    expect(formatError(new UsageError('bad'))).toBe('b2a: bad\n');
  });
});
