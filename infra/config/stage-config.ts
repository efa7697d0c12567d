/**
 * The typed configuration of one deployed environment (a stage): the pipeline configuration the
 * handlers read, extended with the infrastructure settings only the stack needs. One file per stage
 * (`infra/config/dev.ts`, `demo.ts`, `prod.ts`) is validated against this schema when it is imported,
 * so a bad value fails `cdk synth` with the field's name.
 */
import { z } from 'zod';
import { deliveryLogBudgetIssues } from '../../pipeline-functions/core/delivery-log.js';
import {
  admissionIssues,
  parseWith,
  PipelineConfigSchema,
  type PipelineConfig,
} from '../../pipeline-functions/core/config.js';
import { credentialsOf } from '../../pipeline-functions/core/credential-sources.js';

/**
 * Days the dead-letter queues keep a message: the most SQS allows. SQS counts a dead letter's age from
 * its first enqueue on the source queue, so the source queue must keep messages for less than this
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html).
 */
export const DEAD_LETTER_RETENTION_DAYS = 14;
/** The shortest source-queue retention b2a accepts (4 days, the SQS default). */
const MIN_RETENTION_DAYS = 4;
/**
 * The source queue's default retention: a week rides out a pipe outage over a long weekend, and
 * leaves a dead letter at least a week in the DLQ for an admin to act on.
 */
const DEFAULT_RETENTION_DAYS = 7;

/**
 * Memory the enrichment keeps for the Node.js runtime, the bundled SDK clients and its own state,
 * beside the payloads it holds. A margin chosen for safety, not a measurement.
 */
export const ENRICHMENT_BASE_MEMORY_MB = 128;
/**
 * Copies of one inline payload alive at once: the S3 SDK collects the body's chunks, then joins them
 * into the array that is sent.
 */
export const INLINE_PAYLOAD_COPIES = 2;
const MIB = 1024 * 1024;

/** The longest one pipe execution (enrichment plus target) may take, in seconds. */
export const PIPE_EXECUTION_LIMIT_SECONDS = 300;

/**
 * The longest a presigned URL signed by a Lambda function can live: it dies with the execution
 * role's temporary credentials, and no IAM role session lasts longer than 12 hours
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateRole.html, MaxSessionDuration).
 * SigV4's own limit of 7 days only applies to long-term keys.
 */
export const MAX_LAMBDA_PRESIGN_SECONDS = 12 * 3600;

/** CloudWatch Logs accepts only these retention periods, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Account used when neither the config nor `CDK_DEFAULT_ACCOUNT` names one, so synth works offline. */
export const PLACEHOLDER_ACCOUNT = '111111111111';
/** Region used when neither the config nor `CDK_DEFAULT_REGION` names one. */
export const PLACEHOLDER_REGION = 'us-east-1';

const s3BucketName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name (3-63 lowercase characters)');

const awsRegion = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be an AWS region such as eu-west-1');

const iamPrincipal = z
  .string()
  .regex(
    /^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+))$/,
    'must be a 12-digit account id or an IAM role, user or account root ARN',
  );

const bucketSchema = z.discriminatedUnion('source', [
  z.object({
    /** The stack creates the bucket. */
    source: z.literal('create'),
    /** A fixed bucket name. @default a name CloudFormation generates (bucket names are global) */
    name: s3BucketName.optional(),
    /** Keep every version of an object (b2a then delivers each version once). @default true */
    versioned: z.boolean().default(true),
    /** Write S3 server access logs to a second bucket the stack creates. @default true */
    accessLogs: z.boolean().default(true),
  }),
  z.object({
    /** An existing bucket: the stack only turns on its EventBridge notifications. */
    source: z.literal('existing'),
    name: s3BucketName,
    /**
     * The bucket's region. S3 sends its EventBridge events to the default bus of that region only,
     * so the stage must be deployed there.
     */
    region: awsRegion,
    /** The customer-managed KMS key the bucket's objects are encrypted with, if any (b2a needs kms:Decrypt). */
    kmsKeyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[0-9a-f-]+$/, 'must be a KMS key ARN')
      .optional(),
  }),
]);

export const StageConfigSchema = PipelineConfigSchema.extend({
  /** The stage name; it prefixes every resource name so that two stages can share one account. */
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lowercase letters, digits and dashes')
    .refine((name) => name !== 'local', '"local" is the local runtime, not a deployable stage'),
  /** AWS account id. @default CDK_DEFAULT_ACCOUNT, else 111111111111 (a placeholder: synth only) */
  account: z
    .string()
    .regex(/^\d{12}$/, 'must be a 12-digit AWS account id')
    .optional(),
  /** AWS region. @default an existing bucket's region, else CDK_DEFAULT_REGION, else us-east-1 */
  region: awsRegion.optional(),
  /** The source bucket. @default a bucket the stack creates, versioned, with access logs */
  bucket: bucketSchema.prefault({ source: 'create' }),
  queue: z
    .object({
      /**
       * How long the source queue keeps a message, in days (rides out an outage of the pipe). Less
       * than the dead-letter queues' 14 days, which count from the same first enqueue. @default 7
       */
      retentionDays: z
        .number()
        .int()
        .min(MIN_RETENTION_DAYS)
        .max(
          DEAD_LETTER_RETENTION_DAYS - 1,
          `must be less than the dead-letter queue's ${DEAD_LETTER_RETENTION_DAYS} days: SQS counts a dead letter's age from its first enqueue on the source queue`,
        )
        .default(DEFAULT_RETENTION_DAYS),
      /** Receives before a message moves to the DLQ (AWS advises at least 5). @default 10 */
      maxReceiveCount: z.number().int().min(5).max(1000).default(10),
    })
    .prefault({}),
  functions: z
    .object({
      enrichment: z
        .object({
          /** @default 512 */
          memoryMb: z.number().int().min(128).max(10_240).default(512),
          /** Covers every call of a batch: ceil(batch.size / api.maxConcurrentCalls) × api.timeoutMs. @default 120 */
          timeoutSeconds: z.number().int().min(1).max(PIPE_EXECUTION_LIMIT_SECONDS).default(120),
          /**
           * Reserved concurrency: instances that may run at once (calls in flight to the API are then
           * at most this times `api.maxConcurrentCalls`). Opt-in: AWS lets an account reserve only up
           * to its concurrency limit minus 100, so a new account (limit 10 or 50) cannot deploy it.
           * @default unreserved
           */
          reservedConcurrency: z.number().int().min(1).max(1000).optional(),
        })
        .prefault({}),
      target: z
        .object({
          /** @default 256 */
          memoryMb: z.number().int().min(128).max(10_240).default(256),
          /** @default 60 */
          timeoutSeconds: z.number().int().min(1).max(PIPE_EXECUTION_LIMIT_SECONDS).default(60),
        })
        .prefault({}),
    })
    .prefault({}),
  pipe: z
    .object({
      /** What the pipe writes to its log group. @default ERROR */
      logLevel: z.enum(['OFF', 'ERROR', 'INFO', 'TRACE']).default('ERROR'),
      /** Also log payloads (object keys, API results): useful when debugging, noisy otherwise. @default false */
      includeExecutionData: z.boolean().default(false),
    })
    .prefault({}),
  /** Days the function and pipe logs are kept. @default 90 */
  logRetentionDays: z.literal(LOG_RETENTION_DAYS).default(90),
  alarms: z
    .object({
      /** Period every alarm evaluates, in minutes. @default 5 */
      periodMinutes: z.number().int().min(1).max(1440).default(5),
      /** FAILED jobs in one period that raise the alarm. @default 1 */
      failedJobs: z.number().int().min(1).default(1),
      /** Function errors (either function) in one period that raise the alarm. @default 1 */
      functionErrors: z.number().int().min(1).default(1),
      /** Failed pipe executions in one period that raise the alarm. @default 1 */
      pipeFailures: z.number().int().min(1).default(1),
      /** Age of the oldest message in the source queue that raises the alarm, in seconds. @default 3600 */
      queueAgeSeconds: z.number().int().min(60).default(3600),
    })
    .prefault({}),
  /** Email addresses subscribed to the notification topic (each must confirm). @default none */
  notificationEmails: z.array(z.email()).default([]),
  admin: z
    .object({
      /**
       * Who may assume the admin role the stack creates: account ids or IAM ARNs. Empty: no role is
       * created; attach the admin managed policy to your own users or roles. @default none
       */
      trustedPrincipals: z.array(iamPrincipal).default([]),
      /** Longest session of the admin role, in hours. @default 1 */
      maxSessionHours: z.number().int().min(1).max(12).default(1),
    })
    .prefault({}),
  /**
   * The enabled flag's value when the stack creates it. Later deploys leave the admin's value alone
   * unless this value (or the parameter's description) changes. @default on
   */
  initialFlag: z.enum(['on', 'off']).default('on'),
  /** What happens to the bucket, table and logs when the stack is deleted. @default retain */
  removalPolicy: z.enum(['retain', 'destroy']).default('retain'),
}).superRefine((config, ctx) => {
  if (config.environment === 'prod' && config.removalPolicy !== 'retain') {
    ctx.addIssue({
      code: 'custom',
      path: ['removalPolicy'],
      message: 'prod must keep its data: use "retain"',
    });
  }
  for (const { field, source } of credentialsOf(config.api)) {
    if (!('secretId' in source)) {
      ctx.addIssue({
        code: 'custom',
        path: field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
        message: `${'env' in source ? '{"env": …}' : '{"file": …}'} is for the local runtime; on AWS keep the secret in Secrets Manager: {"secretId": …, "field"?: …}`,
      });
    }
  }
  if (
    config.api.auth.type === 'oauth2-client-credentials' &&
    !config.api.auth.tokenUrl.startsWith('https:')
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['api', 'auth', 'tokenUrl'],
      message: 'must be https on AWS: the client secret travels to it',
    });
  }
  for (const issue of deliveryLogBudgetIssues(config)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  }
  if (config.batch.size > 10 && config.batch.windowSeconds < 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['batch', 'windowSeconds'],
      message: 'SQS needs a batching window of at least 1 second for batches larger than 10',
    });
  }
  if (config.payload.presignExpirySeconds > MAX_LAMBDA_PRESIGN_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['payload', 'presignExpirySeconds'],
      message: `must be at most ${MAX_LAMBDA_PRESIGN_SECONDS} (12 h) on AWS: a presigned URL dies with the Lambda role's temporary credentials, which never outlive 12 hours`,
    });
  }
  const { enrichment, target } = config.functions;
  const callRounds = Math.ceil(config.batch.size / config.api.maxConcurrentCalls);
  const callSeconds = (callRounds * config.api.timeoutMs) / 1000;
  const waitSeconds = config.api.rateLimit?.maxWaitSeconds ?? 0;
  if (enrichment.timeoutSeconds <= callSeconds + waitSeconds) {
    const wait =
      waitSeconds > 0 ? ` plus api.rateLimit.maxWaitSeconds (${waitSeconds}s) of waiting for permits` : '';
    ctx.addIssue({
      code: 'custom',
      path: ['functions', 'enrichment', 'timeoutSeconds'],
      message: `must exceed ${callSeconds + waitSeconds}s: ${callRounds} round(s) of calls of up to api.timeoutMs each${wait}`,
    });
  }
  for (const issue of admissionIssues(config)) {
    ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message });
  }
  if (config.payload.mode !== 'reference') {
    const payloadMb =
      (INLINE_PAYLOAD_COPIES * config.payload.inlineLimitBytes * config.api.maxConcurrentCalls) / MIB;
    const neededMb = Math.ceil(ENRICHMENT_BASE_MEMORY_MB + payloadMb);
    if (enrichment.memoryMb < neededMb) {
      ctx.addIssue({
        code: 'custom',
        path: ['functions', 'enrichment', 'memoryMb'],
        message:
          `must be at least ${neededMb} MB: ${INLINE_PAYLOAD_COPIES} × payload.inlineLimitBytes × api.maxConcurrentCalls ` +
          `(${payloadMb.toFixed(1)} MB of payloads in flight) + ${ENRICHMENT_BASE_MEMORY_MB} MB for the runtime; ` +
          'raise it, or lower payload.inlineLimitBytes or api.maxConcurrentCalls',
      });
    }
  }
  if (
    config.bucket.source === 'existing' &&
    config.region !== undefined &&
    config.region !== config.bucket.region
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['bucket', 'region'],
      message: bucketRegionMismatch(config.bucket.name, config.bucket.region, config.region),
    });
  }
  if (enrichment.timeoutSeconds + target.timeoutSeconds > PIPE_EXECUTION_LIMIT_SECONDS) {
    ctx.addIssue({
      code: 'custom',
      path: ['functions'],
      message: `enrichment plus target timeouts must fit the pipe's ${PIPE_EXECUTION_LIMIT_SECONDS}s execution limit`,
    });
  }
});

/** A stage's configuration after defaults are applied. */
export type StageConfig = z.infer<typeof StageConfigSchema>;
/** A stage's configuration as written in `infra/config/<stage>.ts` (defaults optional). */
export type StageConfigInput = z.input<typeof StageConfigSchema>;

/**
 * Validates a stage configuration.
 * @throws ConfigError naming the first invalid field, e.g. `removalPolicy: prod must keep its data`.
 * @example export const dev = parseStageConfig({ environment: 'dev', api: { url } }, 'infra/config/dev.ts');
 */
export function parseStageConfig(input: StageConfigInput, source = 'stage config'): StageConfig {
  return parseWith(StageConfigSchema, input, source);
}

/** The part of a stage's configuration the handlers read (`B2A_CONFIG`), without infrastructure settings. */
export function pipelineConfigOf(stage: StageConfig): PipelineConfig {
  return PipelineConfigSchema.parse(stage);
}

/** Where a stage is deployed. */
export interface StageEnvironment {
  readonly account: string;
  readonly region: string;
}

/**
 * The account and region of a stage: the config's, else the CDK CLI's defaults (from the current
 * credentials), else placeholders so that `cdk synth` works offline with no credentials. A stage on an
 * existing bucket with no region of its own goes to the bucket's region, the only one where its
 * events arrive.
 */
export function resolveEnvironment(
  stage: Pick<StageConfig, 'account' | 'region'> & { readonly bucket?: StageConfig['bucket'] },
  env: Readonly<Record<string, string | undefined>>,
): StageEnvironment {
  const bucketRegion = stage.bucket?.source === 'existing' ? stage.bucket.region : undefined;
  return {
    account: stage.account ?? nonEmpty(env['CDK_DEFAULT_ACCOUNT']) ?? PLACEHOLDER_ACCOUNT,
    region: stage.region ?? bucketRegion ?? nonEmpty(env['CDK_DEFAULT_REGION']) ?? PLACEHOLDER_REGION,
  };
}

/** Why a stage in `stageRegion` would never receive the events of a bucket in `bucketRegion`. */
export function bucketRegionMismatch(bucketName: string, bucketRegion: string, stageRegion: string): string {
  return (
    `bucket ${bucketName} is in ${bucketRegion}, but the stage deploys to ${stageRegion}: S3 sends its ` +
    `EventBridge events to the default bus of the bucket's region only, so deploy the stage to ${bucketRegion}`
  );
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value !== undefined && value.length > 0 ? value : undefined;
