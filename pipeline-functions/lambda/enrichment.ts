/**
 * Lambda entry point of the pipe's enrichment step, and its composition root: the flag, the jobs
 * (read), the objects and the API, built once per container on the first invocation.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { S3ObjectSource } from '../adapters/aws/s3-object-source.js';
import { SecretsManagerCredentialStore } from '../adapters/aws/secrets-manager-credential-store.js';
import { SsmEnabledFlag } from '../adapters/aws/ssm-enabled-flag.js';
import { HttpDownstreamApi } from '../adapters/http/downstream-api.js';
import { CachedCredentialStore } from '../core/credentials.js';
import { flagSkipReason } from '../core/flag.js';
import { FUNCTION_ENVIRONMENT } from '../core/function-environment.js';
import { FLAG_NOT_UNDERSTOOD_LOG } from '../core/names.js';
import type { Clock } from '../core/ports.js';
import type { DeliverDeps } from '../core/use-cases/deliver-object.js';
import { createEnrichmentHandler, type EnrichmentHandler } from '../handlers/enrichment.js';
import {
  client,
  containerHandler,
  functionBasics,
  logItem,
  type BuildOptions,
  type PipelineLogger,
} from './composition-root.js';

/** Builds the enrichment handler: flag, jobs (read), objects and API, logging each item's result. */
export async function buildEnrichment(options: BuildOptions = {}): Promise<EnrichmentHandler> {
  const { env, config, logger, clock } = functionBasics(options, FUNCTION_ENVIRONMENT.enrichment);
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

/** Runs the enrichment with the container's handler, built on first use. */
export const runEnrichment = containerHandler(() => buildEnrichment());

/** The function's handler (`index.handler`). */
export const handler = runEnrichment;

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
