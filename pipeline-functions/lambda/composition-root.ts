/**
 * The Lambda runtime's composition root: reads the environment once per container, builds the SDK
 * clients and adapters once, and hands the handler factories their ports. Built lazily on the first
 * invocation (and again only if building failed), so importing this module has no side effects
 * at all.
 *
 * Each function reads only the variables it needs (`FUNCTION_ENVIRONMENT`, the list the stack sets
 * too), and a missing one fails the invocation with a `ConfigError` naming it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { DynamoDbLatestVersions } from '../adapters/aws/dynamodb-latest-versions.js';
import { S3ObjectSource } from '../adapters/aws/s3-object-source.js';
import { SecretsManagerCredentialStore } from '../adapters/aws/secrets-manager-credential-store.js';
import { SchedulerRetryScheduler } from '../adapters/aws/scheduler-retry-scheduler.js';
import { SnsNotifier } from '../adapters/aws/sns-notifier.js';
import { SsmEnabledFlag } from '../adapters/aws/ssm-enabled-flag.js';
import { HttpDownstreamApi } from '../adapters/http/downstream-api.js';
import { parsePipelineConfig, type PipelineConfig } from '../core/config.js';
import { CachedCredentialStore } from '../core/credentials.js';
import { ConfigError } from '../core/errors.js';
import { FUNCTION_ENVIRONMENT } from '../core/function-environment.js';
import { jobIdOf } from '../core/model.js';
import { flagSkipReason } from '../core/flag.js';
import { ENV, FLAG_NOT_UNDERSTOOD_LOG, JOB_RECORDED_LOG } from '../core/names.js';
import type { DeliveryResult, EnrichedItem } from '../core/outcome.js';
import type { DeliverDeps } from '../core/use-cases/deliver-object.js';
import { systemClock, type Clock } from '../core/ports.js';
import {
  createEnrichmentHandler,
  type EnrichmentHandler,
  type PipeSqsRecord,
} from '../handlers/enrichment.js';
import { createTargetHandler, type BatchItemFailures, type TargetHandler } from '../handlers/target.js';

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

/** Created on first use, so `POWERTOOLS_LOG_LEVEL` and friends are read from the function's environment. */
function defaultLogger(): Logger {
  return (moduleLogger ??= new Logger({ serviceName: 'b2a' }));
}

/** One client per service per container, created only by the functions that use it (so bundles stay small). */
const sharedClients = new Map<keyof AwsClients, AwsClients[keyof AwsClients]>();

function client<K extends keyof AwsClients>(
  options: BuildOptions,
  name: K,
  create: () => AwsClients[K],
): AwsClients[K] {
  const given = options.clients?.[name];
  if (given) return given;
  let shared = sharedClients.get(name) as AwsClients[K] | undefined;
  if (!shared) {
    shared = create();
    sharedClients.set(name, shared);
  }
  return shared;
}

/**
 * Reads the variables a function needs.
 * @throws ConfigError naming the first variable that is missing or empty.
 */
export function readEnvironment<const N extends readonly string[]>(
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

/**
 * Parses `B2A_CONFIG` (JSON of the pipeline configuration).
 * @throws ConfigError naming `B2A_CONFIG` or the invalid field.
 */
export function readPipelineConfig(json: string): PipelineConfig {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(
      ENV.CONFIG,
      `is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return parsePipelineConfig(input, ENV.CONFIG);
}

/** Builds the enrichment handler: flag, jobs (read), objects and API, logging each item's result. */
export async function buildEnrichment(options: BuildOptions = {}): Promise<EnrichmentHandler> {
  const env = readEnvironment(options.env ?? process.env, FUNCTION_ENVIRONMENT.enrichment);
  const config = readPipelineConfig(env.B2A_CONFIG);
  const logger = options.logger ?? defaultLogger();
  logger.appendPersistentKeys({ environment: config.environment });
  const clock = options.clock ?? systemClock;
  // Read on first use and trusted for api.credentialCacheSeconds: a rotated secret is picked up.
  const credentials = new CachedCredentialStore(
    new SecretsManagerCredentialStore(client(options, 'secrets', () => new SecretsManagerClient({}))),
    clock,
    config.api.credentialCacheSeconds * 1000,
  );
  const handle = createEnrichmentHandler({
    config,
    bucket: env.B2A_BUCKET_NAME,
    clock,
    flag: new SsmEnabledFlag(
      client(options, 'ssm', () => new SSMClient({})),
      { parameterName: env.B2A_FLAG_PARAMETER, cacheSeconds: config.flag.cacheSeconds, clock },
    ),
    jobs: new DynamoDbJobRepository(
      client(options, 'dynamodb', () => new DynamoDBClient({})),
      { tableName: env.B2A_TABLE_NAME, clock },
    ),
    versions: new DynamoDbLatestVersions(
      client(options, 'dynamodb', () => new DynamoDBClient({})),
      { tableName: env.B2A_TABLE_NAME, clock },
    ),
    objects: new S3ObjectSource(client(options, 's3', () => new S3Client({}))),
    api: new HttpDownstreamApi({ api: config.api, credentials, clock }),
    onFlagNotUnderstood: flagWarning(logger, clock, env.B2A_FLAG_PARAMETER),
  });
  return async (event) => {
    const items = await handle(event);
    for (const item of items) logItem(logger, 'enrichment', item);
    return items;
  };
}

/** Builds the target handler: jobs (conditional write), retries and notifications, logging each item. */
export async function buildTarget(options: BuildOptions = {}): Promise<TargetHandler> {
  const env = readEnvironment(options.env ?? process.env, FUNCTION_ENVIRONMENT.target);
  const config = readPipelineConfig(env.B2A_CONFIG);
  const logger = options.logger ?? defaultLogger();
  logger.appendPersistentKeys({ environment: config.environment });
  const clock = options.clock ?? systemClock;
  const handle = createTargetHandler({
    config,
    clock,
    jobs: new DynamoDbJobRepository(
      client(options, 'dynamodb', () => new DynamoDBClient({})),
      { tableName: env.B2A_TABLE_NAME, clock },
    ),
    scheduler: new SchedulerRetryScheduler(
      client(options, 'scheduler', () => new SchedulerClient({})),
      {
        groupName: env.B2A_SCHEDULE_GROUP,
        queueArn: env.B2A_QUEUE_ARN,
        roleArn: env.B2A_SCHEDULER_ROLE_ARN,
        deadLetterArn: env.B2A_SCHEDULER_DLQ_ARN,
      },
    ),
    notifier: new SnsNotifier(
      client(options, 'sns', () => new SNSClient({})),
      { topicArn: env.B2A_TOPIC_ARN },
    ),
    onError: (item, error) =>
      logger.error('target: could not record or notify', { ...itemKeys(item), error: describeError(error) }),
    // The stack's metric filters count these lines: the message and fields are a contract (names.ts).
    // The attempt is logged whole: the job keeps only the newest `jobs.historyLimit`, this log all.
    onRecorded: (item, job) =>
      logger.info(JOB_RECORDED_LOG, {
        ...itemKeys(item),
        status: job.status,
        ...('latencyMs' in item.result && item.result.latencyMs !== undefined
          ? { latencyMs: item.result.latencyMs }
          : {}),
        attempt: job.history.at(-1),
      }),
  });
  return async (event) => {
    const output = await handle(event);
    const failed = new Set(output.batchItemFailures.map((f) => f.itemIdentifier));
    const items = Array.isArray(event) ? event : [event as unknown as EnrichedItem];
    for (const item of items) logItem(logger, 'target', item, failed.has(item.messageId));
    return output;
  };
}

let enrichment: Promise<EnrichmentHandler> | undefined;
let target: Promise<TargetHandler> | undefined;

/**
 * Runs the enrichment with the container's handler, built on first use. A failed build is not kept,
 * so the next invocation tries again.
 */
export async function runEnrichment(
  event: readonly PipeSqsRecord[],
  context?: Context,
): Promise<EnrichedItem[]> {
  if (context) defaultLogger().addContext(context);
  enrichment ??= memo(buildEnrichment(), () => (enrichment = undefined));
  return (await enrichment)(event);
}

/** Runs the target with the container's handler, built on first use. */
export async function runTarget(
  event: readonly EnrichedItem[],
  context?: Context,
): Promise<BatchItemFailures> {
  if (context) defaultLogger().addContext(context);
  target ??= memo(buildTarget(), () => (target = undefined));
  return (await target)(event);
}

/**
 * How often a container repeats the flag warning while the value lasts: once would let the alarm fall
 * back to OK after one period although objects are still being SKIPPED; every batch would flood the log.
 */
export const FLAG_WARNING_REPEAT_MS = 60_000;

/** Logs FLAG_NOT_UNDERSTOOD_LOG once per container and value, then at most once a minute. */
function flagWarning(
  logger: PipelineLogger,
  clock: Clock,
  parameter: string,
): NonNullable<DeliverDeps['onFlagNotUnderstood']> {
  let last: { readonly value: string; readonly at: number } | undefined;
  return (reading) => {
    const now = clock.now().getTime();
    if (last?.value === reading.value && now - last.at < FLAG_WARNING_REPEAT_MS) return;
    last = { value: reading.value, at: now };
    // The stack's alarm counts these lines: the message is a contract (names.ts).
    logger.error(FLAG_NOT_UNDERSTOOD_LOG, {
      parameter,
      value: reading.value,
      reason: flagSkipReason(reading),
    });
  };
}

function memo<T>(building: Promise<T>, forget: () => void): Promise<T> {
  return building.catch((error: unknown) => {
    forget();
    defaultLogger().error('could not build the handler', { error: describeError(error) });
    throw error;
  });
}

const WARN_KINDS: ReadonlySet<DeliveryResult['kind']> = new Set([
  'retryable',
  'terminal',
  'invalid',
  'unprocessed',
]);

function logItem(logger: PipelineLogger, step: string, item: EnrichedItem, failed = false): void {
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

function itemKeys(item: EnrichedItem): { messageId: string; jobId?: string } {
  return { messageId: item.messageId, ...(item.request ? { jobId: jobIdOf(item.request.object) } : {}) };
}

function describeError(error: unknown): { name: string; message: string; cause?: string } {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  return {
    name: error.name,
    message: error.message,
    ...(error.cause instanceof Error ? { cause: `${error.cause.name}: ${error.cause.message}` } : {}),
  };
}
