/**
 * The AWS backend: finds a stage's resources through its discovery parameter, read with the admin's
 * own credentials, and builds the AWS adapters on them. Each SDK client and adapter is created on
 * first use, so `b2a toggle` loads only SSM.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PipesClient } from '@aws-sdk/client-pipes';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { discoveryParameterName, type DeployedResources } from '../../pipeline-functions/core/names.js';
import type {
  AdminSession,
  BucketListing,
  DeadLetterQueue,
  FlagAdmin,
  IdentityProvider,
  JobRepository,
  ObjectSource,
  Pacer,
  PipeControl,
  PipelineMonitor,
  WorkQueue,
} from '../../pipeline-functions/core/ports.js';
import { systemClock } from '../../pipeline-functions/core/ports.js';
import { noPacing } from '../../pipeline-functions/core/use-cases/admin/send-in-batches.js';
import type { DynamoDbAdmissionStore } from '../../pipeline-functions/adapters/aws/dynamodb-admission-store.js';
import { FileCheckpointStore } from '../../pipeline-functions/adapters/local/file-checkpoint-store.js';
import { NotDeployedError } from '../errors.js';

/** Which stage to open, with which credentials. */
export interface AwsAdminOptions {
  readonly environment: string;
  /** A profile of the shared config files (SSO, keys, roles). @default AWS_PROFILE, else the default chain */
  readonly profile?: string;
  /** @default the profile's region or AWS_REGION for discovery; the stage's region after it */
  readonly region?: string;
  /** Where backfill checkpoints are kept on this machine. @default ~/.b2a/checkpoints/<environment> */
  readonly checkpointDir?: string;
}

/** Settings every SDK client gets. */
interface ClientConfig {
  readonly region?: string;
  readonly profile?: string;
}

/** Fields of the discovery parameter the CLI needs. */
const REQUIRED_FIELDS = [
  'region',
  'bucketName',
  'tableName',
  'queueUrl',
  'dlqUrl',
  'flagParameter',
  'pipeName',
] as const;

const sleepMs = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `make` once, on first call, and hands out the same promise after. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

/**
 * Reads and checks the discovery parameter of a stage.
 * @throws NotDeployedError when the parameter does not exist or is not what a stack writes
 */
export async function readDeployedResources(ssm: SSMClient, environment: string): Promise<DeployedResources> {
  const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const name = discoveryParameterName(environment);
  let value: string | undefined;
  try {
    value = (await ssm.send(new GetParameterCommand({ Name: name }))).Parameter?.Value;
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') {
      const region = await ssm.config.region().catch(() => 'the default region');
      throw new NotDeployedError(
        `b2a is not deployed in ${environment} (no SSM parameter ${name} in ${region})`,
        {
          cause: error,
        },
      );
    }
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(value ?? '');
  } catch (error) {
    throw new NotDeployedError(`the SSM parameter ${name} does not hold the JSON a b2a stack writes`, {
      cause: error,
    });
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const missing = REQUIRED_FIELDS.filter(
    (field) => typeof record[field] !== 'string' || record[field] === '',
  );
  if (missing.length > 0) {
    throw new NotDeployedError(
      `the SSM parameter ${name} lacks ${missing.join(', ')}: the stack is older than this CLI`,
    );
  }
  return record as unknown as DeployedResources;
}

/**
 * The ARN of an SQS queue from its URL (`https://sqs.<region>.amazonaws.com/<account>/<name>`), as
 * the message move task of a redrive needs ARNs and the discovery parameter holds URLs.
 */
export function queueArnOf(queueUrl: string, region: string): string {
  const [, account, name] = new URL(queueUrl).pathname.split('/');
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/**
 * Opens the admin ports of a deployed stage.
 * @throws NotDeployedError when the stage has no discovery parameter
 * @example const session = await openAwsAdmin({ environment: 'prod', profile: 'b2a-admin' });
 */
export async function openAwsAdmin(options: AwsAdminOptions): Promise<AdminSession> {
  const created: { destroy(): void }[] = [];
  const track = <C extends { destroy(): void }>(client: C): C => {
    created.push(client);
    return client;
  };
  const base: ClientConfig = {
    ...(options.region ? { region: options.region } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  };

  const ssm = track(new (await import('@aws-sdk/client-ssm')).SSMClient(base));
  let resources: DeployedResources;
  try {
    resources = await readDeployedResources(ssm, options.environment);
  } catch (error) {
    ssm.destroy();
    throw error;
  }
  const config: ClientConfig = { ...base, region: options.region ?? resources.region };

  const sqs = once(async (): Promise<SQSClient> =>
    track(new (await import('@aws-sdk/client-sqs')).SQSClient(config)),
  );
  const pipes = once(async (): Promise<PipesClient> =>
    track(new (await import('@aws-sdk/client-pipes')).PipesClient(config)),
  );
  const s3 = once(async (): Promise<S3Client> =>
    track(new (await import('@aws-sdk/client-s3')).S3Client(config)),
  );
  const sts = once(async (): Promise<STSClient> =>
    track(new (await import('@aws-sdk/client-sts')).STSClient(config)),
  );
  const dynamodb = once(async (): Promise<DynamoDBClient> =>
    track(new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient(config)),
  );

  const flagAdapter = once(async (): Promise<FlagAdmin> => {
    const { SsmEnabledFlag } = await import('../../pipeline-functions/adapters/aws/ssm-enabled-flag.js');
    // An admin wants to see the flag as it is now, not as a Lambda container would cache it.
    return new SsmEnabledFlag(ssm, { parameterName: resources.flagParameter, cacheSeconds: 0 });
  });
  const jobsAdapter = once(async (): Promise<JobRepository> => {
    const { DynamoDbJobRepository } =
      await import('../../pipeline-functions/adapters/aws/dynamodb-job-repository.js');
    return new DynamoDbJobRepository(await dynamodb(), { tableName: resources.tableName });
  });
  const objectsAdapter = once(async (): Promise<ObjectSource> => {
    const { S3ObjectSource } = await import('../../pipeline-functions/adapters/aws/s3-object-source.js');
    return new S3ObjectSource(await s3());
  });
  const listingAdapter = once(async (): Promise<BucketListing> => {
    const { S3BucketListing } = await import('../../pipeline-functions/adapters/aws/s3-bucket-listing.js');
    return new S3BucketListing(await s3(), { bucket: resources.bucketName });
  });
  const queueAdapter = once(async (): Promise<WorkQueue> => {
    const { SqsWorkQueue } = await import('../../pipeline-functions/adapters/aws/sqs-work-queue.js');
    return new SqsWorkQueue(await sqs(), { queueUrl: resources.queueUrl });
  });
  const monitorAdapter = once(async (): Promise<PipelineMonitor> => {
    const { AwsPipelineMonitor } =
      await import('../../pipeline-functions/adapters/aws/sqs-pipeline-monitor.js');
    return new AwsPipelineMonitor(await sqs(), await pipes(), {
      queueUrl: resources.queueUrl,
      dlqUrl: resources.dlqUrl,
      pipeName: resources.pipeName,
    });
  });
  const deadLettersAdapter = once(async (): Promise<DeadLetterQueue> => {
    const { SqsDeadLetterQueue } =
      await import('../../pipeline-functions/adapters/aws/sqs-dead-letter-queue.js');
    return new SqsDeadLetterQueue(await sqs(), {
      dlqUrl: resources.dlqUrl,
      dlqArn: queueArnOf(resources.dlqUrl, resources.region),
      sourceArn: queueArnOf(resources.queueUrl, resources.region),
    });
  });
  const pipeAdapter = once(async (): Promise<PipeControl> => {
    const { PipesPipeControl } = await import('../../pipeline-functions/adapters/aws/pipes-pipe-control.js');
    return new PipesPipeControl(await pipes(), { pipeName: resources.pipeName });
  });
  const admissionAdapter = once(async (): Promise<DynamoDbAdmissionStore> => {
    const { DynamoDbAdmissionStore } =
      await import('../../pipeline-functions/adapters/aws/dynamodb-admission-store.js');
    return new DynamoDbAdmissionStore(await dynamodb(), { tableName: resources.tableName });
  });
  const rateLimit = resources.admission?.rateLimit;
  const pacerAdapter = once(async (): Promise<Pacer> => {
    if (!rateLimit) return noPacing;
    const { RatePacer } = await import('../../pipeline-functions/core/admission/rate-pacer.js');
    return new RatePacer(await admissionAdapter(), rateLimit, { clock: systemClock, sleep: sleepMs });
  });
  const identityAdapter = once(async (): Promise<IdentityProvider> => {
    const { StsIdentity } = await import('../../pipeline-functions/adapters/aws/sts-identity.js');
    return new StsIdentity(await sts());
  });

  return {
    environment: options.environment,
    bucket: resources.bucketName,
    flag: {
      read: async () => (await flagAdapter()).read(),
      isEnabled: async () => (await flagAdapter()).isEnabled(),
      set: async (value) => (await flagAdapter()).set(value),
      history: async (limit) => (await flagAdapter()).history(limit),
    },
    jobs: {
      get: async (jobId) => (await jobsAdapter()).get(jobId),
      record: async (update) => (await jobsAdapter()).record(update),
      recordAll: async (updates) => (await jobsAdapter()).recordAll(updates),
      listByStatus: async (query) => (await jobsAdapter()).listByStatus(query),
      listByKey: async (bucket, key) => (await jobsAdapter()).listByKey(bucket, key),
      countByStatus: async (status, since) => (await jobsAdapter()).countByStatus(status, since),
      getMany: async (jobIds) => (await jobsAdapter()).getMany(jobIds),
    },
    objects: { head: async (ref) => (await objectsAdapter()).head(ref) },
    listing: {
      pages: async function* (query) {
        yield* (await listingAdapter()).pages(query);
      },
    },
    filters: resources.filters ?? { prefix: '', suffix: '' },
    checkpoints: new FileCheckpointStore(
      options.checkpointDir ?? join(homedir(), '.b2a', 'checkpoints', options.environment),
    ),
    queue: {
      send: async (envelope) => (await queueAdapter()).send(envelope),
      sendBatch: async (envelopes) => (await queueAdapter()).sendBatch(envelopes),
    },
    monitor: {
      queueStats: async () => (await monitorAdapter()).queueStats(),
      pipeState: async () => (await monitorAdapter()).pipeState(),
    },
    pipe: {
      stop: async () => (await pipeAdapter()).stop(),
      start: async () => (await pipeAdapter()).start(),
    },
    ...(resources.admission?.circuitBreaker
      ? { circuit: { read: async () => (await admissionAdapter()).read() } }
      : {}),
    pacer: { take: async (permits) => (await pacerAdapter()).take(permits) },
    deadLetters: {
      list: async (limit) => (await deadLettersAdapter()).list(limit),
      redrive: async () => (await deadLettersAdapter()).redrive(),
    },
    identity: { whoami: async () => (await identityAdapter()).whoami() },
    close: async () => {
      for (const client of created.splice(0)) client.destroy();
    },
  };
}
