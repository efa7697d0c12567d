import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../pipeline-functions/core/errors.js';
import { STAGES } from '../../../infra/config/index.js';
import {
  DEAD_LETTER_RETENTION_DAYS,
  parseStageConfig,
  pipelineConfigOf,
  PLACEHOLDER_ACCOUNT,
  PLACEHOLDER_REGION,
  resolveEnvironment,
  StageConfigSchema,
  type StageConfigInput,
} from '../../../infra/config/stage-config.js';

const minimal: StageConfigInput = { environment: 'qa', api: { url: 'https://api.example.com/in' } };

/** The error a config is rejected with, or undefined when it is accepted. */
function rejection(input: StageConfigInput): ConfigError | undefined {
  try {
    parseStageConfig(input);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
}

/** The field a config is rejected for, or undefined when it is accepted. */
const rejectedField = (input: StageConfigInput): string | undefined => rejection(input)?.field;

const existingBucket = { source: 'existing', name: 'my-bucket', region: 'eu-west-1' } as const;
const MIB = 1024 * 1024;

describe('Function: parseStageConfig', () => {
  it('applies safe defaults to a minimal config', () => {
    // Act
    const config = parseStageConfig(minimal);

    // Assess
    expect(config).toMatchObject({
      bucket: { source: 'create', versioned: true, accessLogs: true },
      queue: { retentionDays: 7, maxReceiveCount: 10 },
      functions: {
        enrichment: { memoryMb: 512, timeoutSeconds: 120 },
        target: { timeoutSeconds: 60 },
      },
      pipe: { logLevel: 'ERROR', includeExecutionData: false },
      logRetentionDays: 90,
      notificationEmails: [],
      admin: { trustedPrincipals: [], maxSessionHours: 1 },
      initialFlag: 'on',
      removalPolicy: 'retain',
    });
    expect(config.account).toBeUndefined();
    // Opt-in: an account may reserve only its concurrency limit minus 100, and new accounts have 10 or 50
    // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html).
    expect(config.functions.enrichment.reservedConcurrency).toBeUndefined();
  });

  it.each<[string, StageConfigInput, string]>([
    ['prod without retain', { ...minimal, environment: 'prod', removalPolicy: 'destroy' }, 'removalPolicy'],
    // The field changed on purpose (issue 12): a 0.1 `env` auth is now a header auth's credential source.
    [
      'an env-variable credential',
      { ...minimal, api: { url: 'https://a.example.com', auth: { type: 'env', variable: 'TOKEN' } } },
      'api.auth.credential',
    ],
    [
      'a file for the OAuth client secret',
      {
        ...minimal,
        api: {
          url: 'https://a.example.com',
          auth: {
            type: 'oauth2-client-credentials',
            tokenUrl: 'https://auth.example.com/token',
            clientId: 'b2a',
            clientSecret: { file: 'secret.txt' },
          },
        },
      },
      'api.auth.clientSecret',
    ],
    [
      'an env-variable signing secret',
      {
        ...minimal,
        api: {
          url: 'https://a.example.com',
          signing: { scheme: 'standard-webhooks', secrets: [{ secretId: 'b2a/whsec' }, { env: 'WHSEC' }] },
        },
      },
      'api.signing.secrets.1',
    ],
    [
      'an http token URL',
      {
        ...minimal,
        api: {
          url: 'https://a.example.com',
          auth: {
            type: 'oauth2-client-credentials',
            tokenUrl: 'http://auth.example.com/token',
            clientId: 'b2a',
            clientSecret: { secretId: 'b2a/oauth' },
          },
        },
      },
      'api.auth.tokenUrl',
    ],
    [
      'a batch over 10 with no window',
      { ...minimal, batch: { size: 50, windowSeconds: 0 } },
      'batch.windowSeconds',
    ],
    [
      'an enrichment timeout shorter than a batch of calls',
      {
        ...minimal,
        api: { url: 'https://a.example.com', timeoutMs: 30_000, maxConcurrentCalls: 2 },
        batch: { size: 10 },
        functions: { enrichment: { timeoutSeconds: 120 } },
      },
      'functions.enrichment.timeoutSeconds',
    ],
    [
      'an enrichment timeout that leaves no time to wait for rate limit permits',
      {
        ...minimal,
        api: {
          url: 'https://a.example.com',
          timeoutMs: 10_000,
          maxConcurrentCalls: 10,
          rateLimit: { perSecond: 50, maxWaitSeconds: 5 },
        },
        batch: { size: 10 },
        functions: { enrichment: { timeoutSeconds: 14 } },
      },
      'functions.enrichment.timeoutSeconds',
    ],
    [
      'a rate limit too low for one batch within the wait',
      { ...minimal, api: { url: 'https://a.example.com', rateLimit: { perSecond: 1 } }, batch: { size: 10 } },
      'api.rateLimit.perSecond',
    ],
    [
      'a circuit breaker threshold of 0',
      { ...minimal, api: { url: 'https://a.example.com', circuitBreaker: { failureThreshold: 0 } } },
      'api.circuitBreaker.failureThreshold',
    ],
    [
      "timeouts beyond the pipe's 5 minutes",
      { ...minimal, functions: { enrichment: { timeoutSeconds: 250 }, target: { timeoutSeconds: 60 } } },
      'functions',
    ],
    [
      'a presigned URL lifetime a Lambda role cannot honour (over 12 h)',
      { ...minimal, payload: { presignExpirySeconds: 43_201 } },
      'payload.presignExpirySeconds',
    ],
    ['the local environment', { ...minimal, environment: 'local' }, 'environment'],
    ['a retention SQS cannot keep', { ...minimal, queue: { retentionDays: 15 } }, 'queue.retentionDays'],
    ['a maxReceiveCount under 5', { ...minimal, queue: { maxReceiveCount: 3 } }, 'queue.maxReceiveCount'],
    ['a log retention CloudWatch refuses', { ...minimal, logRetentionDays: 10 as 14 }, 'logRetentionDays'],
    ['an account id that is not 12 digits', { ...minimal, account: '1234' }, 'account'],
    ['an invalid email', { ...minimal, notificationEmails: ['ops-at-example'] }, 'notificationEmails.0'],
    [
      'an invalid trusted principal',
      { ...minimal, admin: { trustedPrincipals: ['*'] } },
      'admin.trustedPrincipals.0',
    ],
    [
      'an existing bucket without a name',
      { ...minimal, bucket: { source: 'existing', region: 'eu-west-1' } as never },
      'bucket.name',
    ],
    [
      'an existing bucket without its region',
      { ...minimal, bucket: { source: 'existing', name: 'my-bucket' } as never },
      'bucket.region',
    ],
    [
      "an existing bucket in another region than the stage's",
      { ...minimal, region: 'us-east-1', bucket: existingBucket },
      'bucket.region',
    ],
    [
      'a source queue keeping messages as long as its DLQ (SQS ages dead letters from the first enqueue: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/setting-up-dead-letter-queue-retention.html)',
      { ...minimal, queue: { retentionDays: DEAD_LETTER_RETENTION_DAYS } },
      'queue.retentionDays',
    ],
    [
      'inline payloads in flight that outgrow the enrichment memory',
      {
        ...minimal,
        api: { url: 'https://a.example.com', maxConcurrentCalls: 20 },
        payload: { inlineLimitBytes: 10 * MIB },
        functions: { enrichment: { memoryMb: 512 } },
      },
      'functions.enrichment.memoryMb',
    ],
  ])('rejects %s, naming the field', (_case, input, field) => {
    // Act
    const rejected = rejectedField(input);

    // Assess
    expect(rejected).toBe(field);
  });

  it('accepts an existing bucket with its KMS key and admin principals', () => {
    // Act
    const config = parseStageConfig({
      ...minimal,
      bucket: {
        ...existingBucket,
        kmsKeyArn: 'arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      },
      admin: { trustedPrincipals: ['222222222222', 'arn:aws:iam::222222222222:role/Ops'] },
    });

    // Assess
    expect(config.bucket).toEqual(expect.objectContaining({ source: 'existing', name: 'my-bucket' }));
    expect(config.admin.trustedPrincipals).toHaveLength(2);
  });
});

describe('Rule: enrichment memory against inline payloads', () => {
  it('names the three fields and the memory needed', () => {
    // Act
    const error = rejection({
      ...minimal,
      api: { url: 'https://a.example.com', maxConcurrentCalls: 20 },
      payload: { inlineLimitBytes: 10 * MIB },
      functions: { enrichment: { memoryMb: 512 } },
    });

    // Assess
    // 2 copies × 10 MiB × 20 calls = 400 MB, plus 128 MB for the runtime.
    expect(error?.message).toContain('must be at least 528 MB');
    expect(error?.field).toBe('functions.enrichment.memoryMb');
    for (const field of [
      'functions.enrichment.memoryMb',
      'payload.inlineLimitBytes',
      'api.maxConcurrentCalls',
    ]) {
      expect(error?.message).toContain(field);
    }
  });

  it('accepts the same settings with enough memory, or when every payload is a reference', () => {
    // Prepare
    const heavy = {
      ...minimal,
      api: { url: 'https://a.example.com', maxConcurrentCalls: 20 },
      payload: { inlineLimitBytes: 10 * MIB },
    } satisfies StageConfigInput;

    // Act
    const enough = rejection({ ...heavy, functions: { enrichment: { memoryMb: 528 } } });
    const references = rejection({
      ...heavy,
      payload: { ...heavy.payload, mode: 'reference' },
      functions: { enrichment: { memoryMb: 128 } },
    });

    // Assess
    expect(enough).toBeUndefined();
    expect(references).toBeUndefined();
  });
});

describe('Function: pipelineConfigOf', () => {
  it('keeps the pipeline settings and drops the infrastructure ones', () => {
    // Prepare
    const config = parseStageConfig({ ...minimal, account: '222222222222', filters: { prefix: 'in/' } });

    // Act
    const pipeline = pipelineConfigOf(config);

    // Assess
    expect(Object.keys(pipeline).sort()).toEqual(
      [
        'api',
        'batch',
        'dedupe',
        'environment',
        'filters',
        'flag',
        'jobs',
        'notifications',
        'payload',
        'retry',
        'versions',
      ].sort(),
    );
    expect(pipeline.filters.prefix).toBe('in/');
  });
});

describe('Function: resolveEnvironment', () => {
  it('prefers the config, then the CDK defaults, then placeholders', () => {
    // Prepare
    const cdkEnv = { CDK_DEFAULT_ACCOUNT: '333333333333', CDK_DEFAULT_REGION: 'eu-central-1' };

    // Act
    const fromConfig = resolveEnvironment({ account: '222222222222', region: 'eu-west-1' }, cdkEnv);
    const fromCdk = resolveEnvironment({}, cdkEnv);
    const offline = resolveEnvironment({}, { CDK_DEFAULT_ACCOUNT: '' });

    // Assess
    expect(fromConfig).toEqual({ account: '222222222222', region: 'eu-west-1' });
    expect(fromCdk).toEqual({ account: '333333333333', region: 'eu-central-1' });
    expect(offline).toEqual({ account: PLACEHOLDER_ACCOUNT, region: PLACEHOLDER_REGION });
  });

  it("deploys a stage on an existing bucket to the bucket's region unless the config names one", () => {
    // Prepare
    const cdkEnv = { CDK_DEFAULT_ACCOUNT: '333333333333', CDK_DEFAULT_REGION: 'eu-central-1' };

    // Act
    const resolved = resolveEnvironment({ bucket: existingBucket }, cdkEnv);

    // Assess
    expect(resolved.region).toBe('eu-west-1');
  });
});

describe('Config: infra/config stages', () => {
  it('defines dev, demo and prod, each valid and named after its stage', () => {
    // Assess
    expect(Object.keys(STAGES).sort()).toEqual(['demo', 'dev', 'prod']);
    for (const [name, config] of Object.entries(STAGES)) {
      expect(config.environment).toBe(name);
      expect(StageConfigSchema.safeParse(config).success).toBe(true);
    }
  });

  it('keeps prod data on stack deletion', () => {
    // Assess
    expect(STAGES['prod']?.removalPolicy).toBe('retain');
  });

  it('reserves no concurrency in any stage, so that they deploy to a new account', () => {
    // Assess
    for (const config of Object.values(STAGES)) {
      expect(config.functions.enrichment.reservedConcurrency).toBeUndefined();
    }
  });

  it('keeps every source queue shorter than its dead-letter queues', () => {
    // Assess
    for (const config of Object.values(STAGES)) {
      expect(config.queue.retentionDays).toBeLessThan(DEAD_LETTER_RETENTION_DAYS);
    }
  });

  it('does not mail prod SKIPPED jobs, which pile up while its flag starts off', () => {
    // Prepare
    const prod = STAGES['prod'];

    // Assess
    expect(prod?.initialFlag).toBe('off');
    expect(prod?.notifications.on).toEqual(['FAILED']);
  });
});

describe('Rule: the delivery log fits the pipe and the job item', () => {
  // Pipes: https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html (6 MB);
  // DynamoDB: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html (400 KB).
  it('stops synth naming batch.size when a batch of logs outgrows the 6 MB between the steps', () => {
    // Act
    const error = rejection({
      ...minimal,
      api: { url: 'https://a.example.com', log: { responseBodyBytes: 8192 } },
      batch: { size: 1000, windowSeconds: 5 },
      functions: { enrichment: { timeoutSeconds: 200 }, target: { timeoutSeconds: 60 } },
      queue: { maxReceiveCount: 10 },
    });

    // Assess
    expect(error?.field).toBe('batch.size');
    expect(error?.message).toContain('api.log.responseBodyBytes');
  });

  it('stops synth naming jobs.historyLimit when a history outgrows a 400 KB item', () => {
    // Act
    const error = rejection({
      ...minimal,
      api: { url: 'https://a.example.com', log: { responseBodyBytes: 8192 } },
      jobs: { historyLimit: 40 },
    });

    // Assess
    expect(error?.field).toBe('jobs.historyLimit');
  });
});
