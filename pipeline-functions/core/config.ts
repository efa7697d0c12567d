/**
 * The typed, validated configuration of the pipeline. The same schema is read by the Lambda
 * handlers (from `B2A_CONFIG`), the local runtime (from a file and flags) and the CDK stages
 * (which extend it with infrastructure settings). Invalid config fails at start with the field's name.
 */
import { z } from 'zod';
import { deliveryLogBudgetIssues, MAX_RESPONSE_BODY_BYTES } from './delivery-log.js';
import { ConfigError } from './errors.js';
import type { DeployedResources } from './names.js';

const header = z.string().regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name');

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)');

/**
 * Where one secret value is read: an environment variable or a file (the local runtime), or a
 * Secrets Manager secret (AWS), optionally one `field` of a JSON secret. Read once per container and
 * cached for `api.credentialCacheSeconds`, so a rotated secret is picked up.
 * @example {"env": "B2A_CLIENT_SECRET"} | {"file": "./certs/client.key"} | {"secretId": "b2a/prod/api", "field": "clientSecret"}
 */
export const CredentialSourceSchema = z.union(
  [
    z.strictObject({ env: envName }),
    z.strictObject({ file: z.string().min(1) }),
    z.strictObject({ secretId: z.string().min(1), field: z.string().min(1).optional() }),
  ],
  { error: 'must be a credential source: {"env": NAME}, {"file": path} or {"secretId": id, "field"?: name}' },
);

/** Where one secret value is read. */
export type CredentialSource = z.infer<typeof CredentialSourceSchema>;

/** Where a `header` auth's value goes: `<header>: <prefix><value>`. */
const headerPlacement = {
  header: header.default('Authorization'),
  prefix: z.string().default('Bearer '),
};

/**
 * The auth types of b2a 0.1, kept working: each becomes a `header` auth, `{type:'secret', secretId}`
 * reading `{"secretId": secretId}` and `{type:'env', variable}` reading `{"env": variable}`.
 */
const legacyAuth = [
  z
    .object({ type: z.literal('secret'), secretId: z.string().min(1), ...headerPlacement })
    .transform(({ secretId, ...placement }) => ({
      ...placement,
      type: 'header' as const,
      credential: { secretId },
    })),
  z
    .object({ type: z.literal('env'), variable: envName, ...headerPlacement })
    .transform(({ variable, ...placement }) => ({
      ...placement,
      type: 'header' as const,
      credential: { env: variable },
    })),
] as const;

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({
    type: z.literal('header'),
    ...headerPlacement,
    /** The value sent after `prefix`. */
    credential: CredentialSourceSchema,
  }),
  z.object({
    type: z.literal('basic'),
    username: z
      .string()
      .min(1)
      .refine((u) => !u.includes(':'), 'must not contain ":" (RFC 7617)'),
    password: CredentialSourceSchema,
  }),
  z.object({
    type: z.literal('oauth2-client-credentials'),
    /** The authorization server's token endpoint (https on AWS). */
    tokenUrl: z.url({ protocol: /^https?$/ }),
    clientId: z.string().min(1),
    clientSecret: CredentialSourceSchema,
    /** How the client authenticates at the token endpoint (RFC 6749 §2.3.1). @default basic */
    clientAuth: z.enum(['basic', 'body']).default('basic'),
    scope: z.string().min(1).optional(),
    audience: z.string().min(1).optional(),
  }),
  z.object({
    type: z.literal('mtls'),
    /** The client certificate (PEM). */
    cert: CredentialSourceSchema,
    /** The client certificate's private key (PEM). */
    key: CredentialSourceSchema,
    /** CA certificates (PEM) to trust for the API's server certificate. @default Node's CAs */
    ca: CredentialSourceSchema.optional(),
  }),
  ...legacyAuth,
]);

const signingSchema = z.object({
  scheme: z.literal('standard-webhooks'),
  /**
   * One `whsec_<base64>` secret per source; each signs, so a receiver that knows either the old or
   * the new secret verifies during a rotation.
   */
  secrets: z.array(CredentialSourceSchema).min(1).max(10),
});

export const PipelineConfigSchema = z.object({
  /** Environment name: `local`, `dev`, `demo`, `prod`. Sent as the `environment` notification attribute. */
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,19}$/)
    .default('local'),
  api: z.object({
    /** The downstream API's URL, called once per object version. */
    url: z.url({ protocol: /^https?$/ }),
    method: z.enum(['POST', 'PUT']).default('POST'),
    /** Extra headers sent with every call. */
    headers: z.record(header, z.string()).default({}),
    auth: authSchema.default({ type: 'none' }),
    /** Signatures the receiver can verify (Standard Webhooks). @default none */
    signing: signingSchema.optional(),
    /** How long a credential read from its source is trusted, so a rotated secret is picked up. @default 300 */
    credentialCacheSeconds: z.number().int().min(0).max(86_400).default(300),
    /** A call that takes longer is aborted and retried. @default 10000 */
    timeoutMs: z.number().int().min(100).max(300_000).default(10_000),
    /** Calls in flight per enrichment invocation; `rateLimit` bounds the whole fleet. @default 10 */
    maxConcurrentCalls: z.number().int().min(1).max(1000).default(10),
    /** What each attempt records in the job's history (the delivery log). */
    log: z
      .object({
        /** Bytes of the response body kept per attempt; 0 keeps none. @default 1024 */
        responseBodyBytes: z.number().int().min(0).max(MAX_RESPONSE_BODY_BYTES).default(1024),
      })
      .prefault({}),
    /**
     * Calls the API may receive, fleet-wide (every enrichment at once, counted in the jobs table).
     * Work over the limit is deferred, not failed. See docs/admission-control.md. @default no limit
     */
    rateLimit: z
      .object({
        /** Calls in any sliding one-second window (a backlog drains at 10/11 of it). */
        perSecond: z.number().int().min(1).max(100_000),
        /** Calls in any one-minute window, as well. @default no per-minute limit */
        perMinute: z.number().int().min(10).max(6_000_000).optional(),
        /**
         * How long a batch waits in process for permits before deferring the rest (through the
         * retry scheduler). @default 2
         */
        maxWaitSeconds: z.number().min(0).max(60).default(2),
      })
      .optional(),
    /**
     * Stops calling an API that keeps failing: after `failureThreshold` retryable failures in a row
     * (or one 401/403), deliveries are deferred without spending attempts, one probe is let through
     * every `probeSeconds`, and its success closes the circuit. @default no breaker
     */
    circuitBreaker: z
      .object({
        /** Retryable failures in a row that open the circuit. @default 5 */
        failureThreshold: z.number().int().min(1).max(10_000).default(5),
        /** Seconds between probes while open. @default 30 */
        probeSeconds: z.number().int().min(1).max(3600).default(30),
      })
      .optional(),
  }),
  payload: z
    .object({
      /**
       * `content`: the object's bytes with its Content-Type (too large: FAILED with a reason);
       * `reference`: always a JSON reference with a presigned GET URL;
       * `auto`: content up to `inlineLimitBytes`, a reference above it. @default auto
       */
      mode: z.enum(['content', 'reference', 'auto']).default('auto'),
      /** @default 5 MiB */
      inlineLimitBytes: z
        .number()
        .int()
        .min(0)
        .max(100 * 1024 * 1024)
        .default(5 * 1024 * 1024),
      /** Lifetime of a presigned URL. @default 3600 */
      presignExpirySeconds: z.number().int().min(60).max(604_800).default(3600),
    })
    .prefault({}),
  /** Only keys with this prefix and suffix are delivered (also applied by the EventBridge rule on AWS). */
  filters: z.object({ prefix: z.string().default(''), suffix: z.string().default('') }).prefault({}),
  retry: z
    .object({
      /**
       * Attempts per run before the job is FAILED. With the default backoff, 17 attempts keep
       * retrying for 25 to 50 hours, so a day-long API outage loses nothing. @default 17
       */
      maxAttempts: z.number().int().min(1).max(100).default(17),
      /** First backoff; doubles each attempt, with full jitter. @default 60 */
      baseDelaySeconds: z.number().int().min(1).max(86_400).default(60),
      /** Cap on one backoff (and on an honoured Retry-After). @default 21600 */
      maxDelaySeconds: z.number().int().min(1).max(604_800).default(21_600),
    })
    .prefault({}),
  /**
   * `every`: each object version is delivered once. `latest`: once a newer version of a key is
   * recorded (by S3's sequencer), older versions not yet delivered end SUPERSEDED without a call.
   * @default every
   */
  versions: z.enum(['every', 'latest']).default('every'),
  /**
   * `content`: a new version whose ETag equals the last delivered version's of the same key is
   * recorded SUCCEEDED without a call (outcome `unchanged`). `none`: every version is sent.
   * @default none
   */
  dedupe: z.enum(['none', 'content']).default('none'),
  batch: z
    .object({
      /** Messages per pipe invocation. @default 10 */
      size: z.number().int().min(1).max(10_000).default(10),
      /** Seconds the pipe waits to fill a batch. @default 5 */
      windowSeconds: z.number().int().min(0).max(300).default(5),
    })
    .prefault({}),
  notifications: z
    .object({
      /**
       * Terminal states that publish a notification. SUPERSEDED (with `versions: latest`) is not in
       * the default: it happens on every overwritten key and asks nothing of anyone.
       * @default ['SUCCEEDED', 'FAILED', 'SKIPPED']
       */
      on: z
        .array(z.enum(['SUCCEEDED', 'FAILED', 'SKIPPED', 'SUPERSEDED']))
        .default(['SUCCEEDED', 'FAILED', 'SKIPPED']),
    })
    .prefault({}),
  jobs: z
    .object({
      /**
       * Attempts kept in a job's history (the newest); the job also keeps totals of all attempts
       * and runs. Every attempt is logged in full by the target, so older ones are in its logs.
       * Bounded so that a version reprocessed many times stays far below DynamoDB's 400 KB item
       * limit. @default 20
       */
      historyLimit: z.number().int().min(1).max(100).default(20),
    })
    .prefault({}),
  flag: z
    .object({
      /** How long a container trusts the enabled flag it read. @default 5 */
      cacheSeconds: z.number().int().min(0).max(300).default(5),
      /** While the flag is `hold`, how long a delivery waits before it looks again. @default 120 */
      holdDeferSeconds: z.number().int().min(1).max(3600).default(120),
    })
    .prefault({}),
});

/** The pipeline configuration after defaults are applied. */
export type PipelineConfig = z.infer<typeof PipelineConfigSchema>;
/** The pipeline configuration as written by a person (defaults optional). */
export type PipelineConfigInput = z.input<typeof PipelineConfigSchema>;

/**
 * Validates a configuration against a schema.
 * @throws ConfigError naming the first invalid field, e.g. `api.url: Invalid URL`.
 */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, source = 'config'): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue && issue.path.length > 0 ? issue.path.join('.') : source;
  throw new ConfigError(path, `${issue?.message ?? 'invalid'} (in ${source})`);
}

/**
 * Validates the pipeline configuration, that its delivery log fits the pipe's payload and a
 * DynamoDB item (see `deliveryLogBudgetIssues`), and that its admission settings work together
 * (see `admissionIssues`).
 * @throws ConfigError
 */
export function parsePipelineConfig(input: unknown, source = 'config'): PipelineConfig {
  const config = parseWith(PipelineConfigSchema, input, source);
  const [issue] = [...deliveryLogBudgetIssues(config), ...admissionIssues(config)];
  if (issue) throw new ConfigError(issue.path.join('.'), `${issue.message} (in ${source})`);
  return config;
}

/** A rule between fields that the schema of each field cannot say. */
export interface ConfigIssue {
  readonly path: readonly string[];
  readonly message: string;
}

/**
 * Admission settings that cannot work together: a rate limit that cannot admit one batch within
 * the in-process wait would send most of every batch round the retry scheduler. Checked at local
 * start and at synth (where the stage also checks the enrichment's timeout).
 */
export function admissionIssues(config: Pick<PipelineConfig, 'api' | 'batch'>): ConfigIssue[] {
  const limit = config.api.rateLimit;
  if (!limit) return [];
  const withinWait = permitsWithinWait(limit);
  if (config.batch.size <= withinWait) return [];
  return [
    {
      path: ['api', 'rateLimit', 'perSecond'],
      message:
        `${limit.perSecond} calls/s admits ${withinWait} call(s) within api.rateLimit.maxWaitSeconds ` +
        `(${limit.maxWaitSeconds}s), fewer than one batch (batch.size ${config.batch.size}): ` +
        'raise perSecond or maxWaitSeconds, or lower batch.size',
    },
  ];
}

/**
 * Permits one caller alone gets within the in-process wait: a slot's share now, then the drain rate
 * (10/11 of the limit, see core/admission/rate-limiter.ts) over the wait.
 */
function permitsWithinWait(limit: NonNullable<PipelineConfig['api']['rateLimit']>): number {
  return Math.floor(((limit.perSecond * 10) / 11) * limit.maxWaitSeconds) + Math.floor(limit.perSecond / 11);
}

/** How the API's credential is found. */
export type ApiAuth = PipelineConfig['api']['auth'];

/**
 * Admission control as the CLI needs it (the discovery parameter's `admission`): the rate limit that
 * paces bulk sends, and whether there is a breaker to show.
 * @example admissionOf(config.api) // { rateLimit: { perSecond: 50 }, circuitBreaker: true }
 */
export function admissionOf(api: PipelineConfig['api']): NonNullable<DeployedResources['admission']> {
  const limit = api.rateLimit;
  return {
    ...(limit
      ? {
          rateLimit: {
            perSecond: limit.perSecond,
            ...(limit.perMinute !== undefined ? { perMinute: limit.perMinute } : {}),
          },
        }
      : {}),
    circuitBreaker: api.circuitBreaker !== undefined,
  };
}
