/**
 * Lambda entry point of the pipe's enrichment step, and its composition root: the flag, the jobs
 * (read), the objects, the API and admission control, built once per container on the first
 * invocation.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DynamoDbAdmissionStore } from '../adapters/aws/dynamodb-admission-store.js';
import { DynamoDbJobRepository } from '../adapters/aws/dynamodb-job-repository.js';
import { DynamoDbLatestVersions } from '../adapters/aws/dynamodb-latest-versions.js';
import { S3ObjectSource } from '../adapters/aws/s3-object-source.js';
import { SecretsManagerCredentialStore } from '../adapters/aws/secrets-manager-credential-store.js';
import { SnsNotifier } from '../adapters/aws/sns-notifier.js';
import { SsmEnabledFlag } from '../adapters/aws/ssm-enabled-flag.js';
import { HttpDownstreamApi } from '../adapters/http/downstream-api.js';
import { admissionControl } from '../core/admission/admission-control.js';
import type { CircuitEvent } from '../core/admission/circuit-breaker.js';
import { CachedCredentialStore } from '../core/credentials.js';
import { flagHoldDetail } from '../core/flag.js';
import { FUNCTION_ENVIRONMENT } from '../core/function-environment.js';
import { CIRCUIT_STATE_LOG, FLAG_NOT_UNDERSTOOD_LOG } from '../core/names.js';
import type { Clock } from '../core/ports.js';
import type { DeliverDeps } from '../core/use-cases/deliver-object.js';
import type { Context } from 'aws-lambda';
import {
  createEnrichmentHandler,
  type EnrichmentHandler,
  type PipeSqsRecord,
} from '../handlers/enrichment.js';
import {
  client,
  containerHandler,
  describeError,
  functionBasics,
  logItem,
  type BuildOptions,
  type PipelineLogger,
} from './composition-root.js';

/**
 * Builds the enrichment handler: flag, jobs (read), objects, API and admission control (its state in
 * the jobs table, its notifications on the topic), logging each item's result.
 */
export async function buildEnrichment(options: BuildOptions = {}): Promise<EnrichmentHandler> {
  const { env, config, logger, clock } = functionBasics(options, FUNCTION_ENVIRONMENT.enrichment);
  // Read on first use and trusted for api.credentialCacheSeconds: a rotated secret is picked up.
  const credentials = new CachedCredentialStore(
    new SecretsManagerCredentialStore(
      client(options, 'secrets', (config) => new SecretsManagerClient(config)),
    ),
    clock,
    config.api.credentialCacheSeconds * 1000,
  );
  const dynamodb = client(options, 'dynamodb', (config) => new DynamoDBClient(config));
  const admission = admissionControl({
    config,
    store: new DynamoDbAdmissionStore(dynamodb, { tableName: env.B2A_TABLE_NAME }),
    notifier: new SnsNotifier(
      client(options, 'sns', (config) => new SNSClient(config)),
      { topicArn: env.B2A_TOPIC_ARN },
    ),
    clock,
    onCircuit: circuitLog(logger),
  });
  const handle = createEnrichmentHandler({
    config,
    bucket: env.B2A_BUCKET_NAME,
    clock,
    ...(admission ? { admission } : {}),
    flag: new SsmEnabledFlag(
      client(options, 'ssm', (config) => new SSMClient(config)),
      { parameterName: env.B2A_FLAG_PARAMETER, cacheSeconds: config.flag.cacheSeconds, clock },
    ),
    jobs: new DynamoDbJobRepository(dynamodb, { tableName: env.B2A_TABLE_NAME, clock }),
    versions: new DynamoDbLatestVersions(dynamodb, { tableName: env.B2A_TABLE_NAME, clock }),
    objects: new S3ObjectSource(client(options, 's3', (config) => new S3Client(config))),
    api: new HttpDownstreamApi({ api: config.api, credentials, clock }),
    onFlagNotUnderstood: flagWarning(logger, clock, env.B2A_FLAG_PARAMETER),
  });
  return async (event, batch) => {
    const items = await handle(event, batch);
    for (const item of items) logItem(logger, 'enrichment', item);
    return items;
  };
}

/**
 * Runs the enrichment with the container's handler, built on first use. Admission waits in process
 * for permits only while the invocation has time left.
 */
export const runEnrichment = containerHandler(async () => {
  const handle = await buildEnrichment();
  return (event: readonly PipeSqsRecord[], context?: Context) =>
    handle(event, context ? { deadline: new Date(Date.now() + context.getRemainingTimeInMillis()) } : {});
});

/** The function's handler (`index.handler`). */
export const handler = runEnrichment;

/**
 * How often a container repeats the flag warning while the value lasts: once would let the alarm fall
 * back to OK after one period although deliveries are still held; every batch would flood the log.
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
      reason: flagHoldDetail(reading),
    });
  };
}

/**
 * Logs the circuit breaker: CIRCUIT_STATE_LOG with `circuitOpen` 1 or 0 on every reading and
 * transition (the stack's alarm takes the gauge's maximum, so it raises the period the circuit opens
 * and clears once a period sees it closed), and the transitions themselves.
 */
function circuitLog(logger: PipelineLogger): (event: CircuitEvent) => void {
  const gauge = (open: boolean): void => logger.info(CIRCUIT_STATE_LOG, { circuitOpen: open ? 1 : 0 });
  return (event) => {
    switch (event.type) {
      case 'state':
        return gauge(event.open);
      case 'probe':
        logger.info('circuit probe', { at: event.at });
        return gauge(true);
      case 'opened':
        logger.error('circuit opened', { reason: event.reason, at: event.at });
        return gauge(true);
      case 'closed':
        logger.info('circuit closed', { at: event.at, deferred: event.deferred });
        return gauge(false);
      case 'notify-failed':
        return logger.error('circuit notification failed', { error: describeError(event.error) });
      case 'store-failed':
        return logger.error('circuit state not updated', { error: describeError(event.error) });
    }
  };
}
