/**
 * The one list of the environment variables each Lambda function reads. The stack sets exactly these
 * on each function (a connection sets a variable together with its grant, and synth fails on a
 * variable left unset or not listed here); the Lambda composition root requires them at start.
 */
import { ENV } from './names.js';

/** The name of one of b2a's Lambda environment variables. */
export type EnvName = (typeof ENV)[keyof typeof ENV];

/** The pipe's two Lambda functions. */
export type PipelineFunctionName = 'enrichment' | 'target';

/**
 * The variables each function reads.
 * @example FUNCTION_ENVIRONMENT.enrichment.includes(ENV.FLAG_PARAMETER) === true
 */
export const FUNCTION_ENVIRONMENT = {
  // The topic: the enrichment publishes the circuit breaker's transitions.
  enrichment: [ENV.CONFIG, ENV.TABLE_NAME, ENV.FLAG_PARAMETER, ENV.BUCKET_NAME, ENV.TOPIC_ARN],
  target: [
    ENV.CONFIG,
    ENV.TABLE_NAME,
    ENV.TOPIC_ARN,
    ENV.QUEUE_ARN,
    ENV.SCHEDULE_GROUP,
    ENV.SCHEDULER_ROLE_ARN,
    ENV.SCHEDULER_DLQ_ARN,
  ],
} as const satisfies Record<PipelineFunctionName, readonly EnvName[]>;
