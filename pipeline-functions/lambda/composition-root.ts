/**
 * The Lambda runtime's composition root, the part both functions share: the environment read once per
 * container, one SDK client per service, the logger, and the log lines of each item. Each function's
 * entry point (enrichment.ts, target.ts) builds its own handler from these, so that a bundle holds
 * only what its function runs (the target has no HTTP client, the enrichment no Scheduler or SNS).
 * Handlers are built lazily on the first invocation (and again only if building failed), so importing
 * these modules has no side effects at all.
 *
 * Each function reads only the variables it needs (`FUNCTION_ENVIRONMENT`, the list the stack sets
 * too), and a missing one fails the invocation with a `ConfigError` naming it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SchedulerClient } from '@aws-sdk/client-scheduler';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { PipelineConfig } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import { jobIdOf } from '../core/model.js';
import { ENV } from '../core/names.js';
import type { DeliveryResult, EnrichedItem } from '../core/outcome.js';
import { systemClock, type Clock } from '../core/ports.js';
import { readShippedConfig } from '../core/shipped-config.js';

/** The SDK clients the functions use; tests pass their own. */
export interface AwsClients {
  readonly ssm: SSMClient;
  readonly s3: S3Client;
  readonly dynamodb: DynamoDBClient;
  readonly scheduler: SchedulerClient;
  readonly sns: SNSClient;
  readonly secrets: SecretsManagerClient;
}

/** What the composition root logs through: Powertools' Logger, or a stand-in in tests. */
export type PipelineLogger = Pick<Logger, 'info' | 'warn' | 'error' | 'appendPersistentKeys' | 'addContext'>;

/** What a builder may be given instead of the defaults. */
export interface BuildOptions {
  /** @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** @default one module-scope client per service, created on first use */
  readonly clients?: Partial<AwsClients>;
  /** @default the module's Powertools Logger (service `b2a`) */
  readonly logger?: PipelineLogger;
  /** @default systemClock */
  readonly clock?: Clock;
}

let moduleLogger: Logger | undefined;

/**
 * The container's logger, created on first use so `POWERTOOLS_LOG_LEVEL` and friends are read from
 * the function's environment.
 */
function defaultLogger(): Logger {
  return (moduleLogger ??= new Logger({ serviceName: 'b2a' }));
}

/** One client per service per container, created only by the functions that use it (so bundles stay small). */
const sharedClients = new Map<keyof AwsClients, AwsClients[keyof AwsClients]>();

/** What every Lambda SDK client is created with. */
export interface LambdaClientConfig {
  /**
   * The execution role's credentials, which Lambda puts in `AWS_ACCESS_KEY_ID`,
   * `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
   * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime):
   * no default provider chain to search, and none in the bundle (env-credential-provider.ts).
   */
  readonly credentials: ReturnType<typeof fromEnv>;
}

/**
 * The client `options` gives for `name`, else the container's, created by `create` on first use
 * with the {@link LambdaClientConfig}.
 * @example client(options, 's3', (config) => new S3Client(config))
 */
export function client<K extends keyof AwsClients>(
  options: BuildOptions,
  name: K,
  create: (config: LambdaClientConfig) => AwsClients[K],
): AwsClients[K] {
  const given = options.clients?.[name];
  if (given) return given;
  let shared = sharedClients.get(name) as AwsClients[K] | undefined;
  if (!shared) {
    shared = create({ credentials: fromEnv() });
    sharedClients.set(name, shared);
  }
  return shared;
}

/**
 * Reads the variables a function needs.
 * @throws ConfigError naming the first variable that is missing or empty.
 */
function readEnvironment<const N extends readonly string[]>(
  env: NodeJS.ProcessEnv,
  names: N,
): Record<N[number], string> {
  const values: Partial<Record<string, string>> = {};
  for (const name of names) {
    const value = env[name];
    if (!value)
      throw new ConfigError(name, 'environment variable is not set (the stack sets it on the function)');
    values[name] = value;
  }
  return values as Record<N[number], string>;
}

/** What every function's builder starts from: its variables, the configuration, logger and clock. */
export interface FunctionBasics<N extends readonly string[]> {
  readonly env: Record<N[number], string>;
  readonly config: PipelineConfig;
  readonly logger: PipelineLogger;
  readonly clock: Clock;
}

/**
 * Reads a function's variables (`names`, as `FUNCTION_ENVIRONMENT` lists them) and B2A_CONFIG, and
 * picks its logger (tagged with the environment) and clock.
 * @throws ConfigError naming the variable that is missing, or B2A_CONFIG when it is invalid.
 */
export function functionBasics<const N extends readonly string[]>(
  options: BuildOptions,
  names: N,
): FunctionBasics<N> {
  const source = options.env ?? process.env;
  const env = readEnvironment(source, names);
  // The configuration the stack validated at synth and shipped as stamped JSON.
  const config = readShippedConfig(readEnvironment(source, [ENV.CONFIG])[ENV.CONFIG], ENV.CONFIG);
  const logger = options.logger ?? defaultLogger();
  logger.appendPersistentKeys({ environment: config.environment });
  return { env, config, logger, clock: options.clock ?? systemClock };
}

/**
 * The Lambda handler of a function: builds the handler with `build` on the first invocation and keeps
 * it for the container. A failed build is not kept, so the next invocation tries again.
 */
export function containerHandler<E, R>(
  build: () => Promise<(event: E, context?: Context) => Promise<R>>,
): (event: E, context?: Context) => Promise<R> {
  let built: Promise<(event: E, context?: Context) => Promise<R>> | undefined;
  return async (event, context) => {
    if (context) defaultLogger().addContext(context);
    built ??= build().catch((error: unknown) => {
      built = undefined;
      defaultLogger().error('could not build the handler', { error: describeError(error) });
      throw error;
    });
    return (await built)(event, context);
  };
}

const WARN_KINDS: ReadonlySet<DeliveryResult['kind']> = new Set([
  'retryable',
  'terminal',
  'invalid',
  'unprocessed',
]);

/** Logs one item's result: a warning for anything that is not a success or a skip. */
export function logItem(logger: PipelineLogger, step: string, item: EnrichedItem, failed = false): void {
  const attributes = {
    ...itemKeys(item),
    result: item.result.kind,
    ...('reason' in item.result ? { reason: item.result.reason } : {}),
    ...('httpStatus' in item.result && item.result.httpStatus !== undefined
      ? { httpStatus: item.result.httpStatus }
      : {}),
    ...(step === 'target' ? { returnedToQueue: failed } : {}),
  };
  if (failed || WARN_KINDS.has(item.result.kind)) logger.warn(`${step}: ${item.result.kind}`, attributes);
  else logger.info(`${step}: ${item.result.kind}`, attributes);
}

/** The keys that find an item's message and job in the logs. */
export function itemKeys(item: EnrichedItem): { messageId: string; jobId?: string } {
  return { messageId: item.messageId, ...(item.request ? { jobId: jobIdOf(item.request.object) } : {}) };
}

/** An error as a log attribute: name, message and the cause's. */
export function describeError(error: unknown): { name: string; message: string; cause?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return {
    name: error.name,
    message: error.message,
    ...(error.cause instanceof Error ? { cause: `${error.cause.name}: ${error.cause.message}` } : {}),
  };
}
