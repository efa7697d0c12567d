/**
 * Section 7: planning a backfill against the local runtime. An inbox of many objects, half of which
 * already have a job, is backfilled through the local runtime's own admin ports (the inbox
 * directory's listing, the job store in dynalite through the DynamoDB adapter, the durable source
 * queue). The job repository and the queue are wrapped to count what the backfill asks of them, so
 * "each job read at most once, each missing object sent once" is counted, not assumed.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BATCH_GET_LIMIT } from '../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { etagOf } from '../../pipeline-functions/adapters/local/directory-object-source.js';
import { mapLimit } from '../../pipeline-functions/core/concurrency.js';
import type { B2aEnvelope } from '../../pipeline-functions/core/messages.js';
import { jobIdOf, type ObjectRef } from '../../pipeline-functions/core/model.js';
import {
  systemClock,
  type AdminPorts,
  type JobRepository,
  type QueueSendResult,
  type WorkQueue,
} from '../../pipeline-functions/core/ports.js';
import { backfill } from '../../pipeline-functions/core/use-cases/admin/backfill.js';
import { openLocalAdmin } from '../../pipeline-functions/local/admin.js';
import { localPaths, LOCAL_TABLE_NAME } from '../../pipeline-functions/local/data-dir.js';
import { DynamoStore } from '../../pipeline-functions/local/dynamo-store.js';
import { loadLocalConfig, resolvePipelineConfig } from '../../pipeline-functions/local/settings.js';
import { BenchError } from './errors.js';
import { round } from './measure.js';
import { figureTable, SECTIONS, type SectionResult } from './report.js';
import { seedJobs, storedJob } from './seed-jobs.js';

/** Sizes of section 7. */
export interface BackfillSizes {
  /** Objects in the inbox; every second one already has a job. */
  readonly objects: number;
  /**
   * `api.rateLimit.perSecond` written to the data directory's config (0: none), and read back as the
   * runtime reads it: the limit the send rate is printed beside.
   */
  readonly apiRateLimitPerSecond: number;
}

/** The local runtime's default bucket name. */
const BUCKET = 'local-inbox';
/** Files per inbox folder, so no directory grows huge. */
const FILES_PER_FOLDER = 1000;
const WRITE_CONCURRENCY = 32;

/** What the wrapped ports saw. */
interface Counts {
  readonly jobIdsAsked: string[];
  getManyCalls: number;
  /** BatchGetItem calls those lookups make, at the adapter's 100 keys a call. */
  batchGetItemCalls: number;
  readonly sentJobIds: string[];
  sendBatchCalls: number;
}

/** Measures section 7. */
export async function measureBackfill(
  sizes: BackfillSizes,
  progress: (line: string) => void,
): Promise<SectionResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'b2a-bench-backfill-'));
  try {
    const paths = localPaths(dataDir);
    progress(`backfill: writing ${sizes.objects} objects to the inbox`);
    const objects = await writeInbox(paths.inbox, sizes.objects);
    const withJobs = objects.filter((_, i) => i % 2 === 0);
    if (sizes.apiRateLimitPerSecond > 0) {
      const api = { rateLimit: { perSecond: sizes.apiRateLimitPerSecond } };
      await writeFile(paths.config, JSON.stringify({ api }));
    }
    const limit = await configuredRateLimit(paths.config);
    progress(`backfill: seeding ${withJobs.length} jobs`);
    await seedStore(paths.dynamodb, dataDir, withJobs);

    const admin = await openLocalAdmin(dataDir);
    const counts: Counts = {
      jobIdsAsked: [],
      getManyCalls: 0,
      batchGetItemCalls: 0,
      sentJobIds: [],
      sendBatchCalls: 0,
    };
    try {
      const ports: AdminPorts = {
        ...admin,
        jobs: countingJobs(admin.jobs, counts),
        queue: countingQueue(admin.queue, counts),
      };
      progress('backfill: planning and sending');
      const started = performance.now();
      const result = await backfill(
        ports,
        { versions: 'latest', all: false, dryRun: false },
        { clock: systemClock },
      );
      const seconds = (performance.now() - started) / 1000;
      check(result.counts, counts, objects, withJobs);
      return report(sizes.objects, limit, result.counts.listed, counts, seconds);
    } finally {
      await admin.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Writes `count` small files, `FILES_PER_FOLDER` a folder; returns them as object versions. */
async function writeInbox(inbox: string, count: number): Promise<ObjectRef[]> {
  const folders = Math.ceil(count / FILES_PER_FOLDER);
  await mapLimit(
    Array.from({ length: folders }, (_, f) => f),
    WRITE_CONCURRENCY,
    (f) => mkdir(join(inbox, 'backfill', folderOf(f)), { recursive: true }),
  );
  return mapLimit(
    Array.from({ length: count }, (_, i) => i),
    WRITE_CONCURRENCY,
    async (i): Promise<ObjectRef> => {
      const body = new TextEncoder().encode(`id,value\n${i},${i * 7}\n`);
      const key = `backfill/${folderOf(Math.floor(i / FILES_PER_FOLDER))}/object-${String(i).padStart(7, '0')}.csv`;
      await writeFile(join(inbox, ...key.split('/')), body);
      return { bucket: BUCKET, key, etag: etagOf(body), size: body.byteLength };
    },
  );
}

const folderOf = (f: number): string => `part-${String(f).padStart(4, '0')}`;

/** Writes the jobs into the data directory's own store, then closes it (the admin ports open it again). */
async function seedStore(path: string, dataDir: string, withJobs: readonly ObjectRef[]): Promise<void> {
  const store = new DynamoStore({ path, dataDir, tableName: LOCAL_TABLE_NAME });
  await store.start();
  try {
    await seedJobs(
      store.client,
      withJobs.length,
      (i) => storedJob(withJobs[i] as ObjectRef, i, 'SUCCEEDED'),
      () => undefined,
    );
  } finally {
    await store.stop();
  }
}

/** The repository, counting the job ids each batch lookup asks for. */
function countingJobs(inner: JobRepository, counts: Counts): JobRepository {
  return {
    get: (jobId) => inner.get(jobId),
    record: (update) => inner.record(update),
    recordAll: (updates) => inner.recordAll(updates),
    listByStatus: (query) => inner.listByStatus(query),
    listByKey: (bucket, key) => inner.listByKey(bucket, key),
    countByStatus: (status, since) => inner.countByStatus(status, since),
    getMany: (jobIds) => {
      counts.getManyCalls++;
      counts.batchGetItemCalls += Math.ceil(new Set(jobIds).size / BATCH_GET_LIMIT);
      counts.jobIdsAsked.push(...jobIds);
      return inner.getMany(jobIds);
    },
  };
}

/** The queue, counting the object versions each batch sends. */
function countingQueue(inner: WorkQueue, counts: Counts): WorkQueue {
  return {
    send: (envelope) => inner.send(envelope),
    sendBatch: async (envelopes: readonly B2aEnvelope[]): Promise<readonly QueueSendResult[]> => {
      counts.sendBatchCalls++;
      const results = await inner.sendBatch(envelopes);
      envelopes.forEach((envelope, i) => {
        if (results[i]?.sent) counts.sentJobIds.push(jobIdOf(envelope.object));
      });
      return results;
    },
  };
}

/**
 * The promises of the scale target, checked on the counts: every object listed, each job read at
 * most once, each object without a job sent exactly once, nothing with a job sent.
 * @throws BenchError naming the promise that does not hold
 */
function check(
  result: { readonly listed: number; readonly sent: number; readonly alreadyDone: number },
  counts: Counts,
  objects: readonly ObjectRef[],
  withJobs: readonly ObjectRef[],
): void {
  const asked = new Set(counts.jobIdsAsked);
  const sent = new Set(counts.sentJobIds);
  const seeded = new Set(withJobs.map(jobIdOf));
  const problems = [
    result.listed !== objects.length && `listed ${result.listed} of ${objects.length} objects`,
    asked.size !== counts.jobIdsAsked.length &&
      `${counts.jobIdsAsked.length - asked.size} job lookups asked for a job already asked for`,
    counts.jobIdsAsked.length > objects.length &&
      `${counts.jobIdsAsked.length} job lookups for ${objects.length} objects`,
    sent.size !== counts.sentJobIds.length && `${counts.sentJobIds.length - sent.size} objects sent twice`,
    sent.size !== objects.length - withJobs.length &&
      `sent ${sent.size}, expected ${objects.length - withJobs.length}`,
    [...sent].some((id) => seeded.has(id)) && 'an object that has a job was sent',
    result.alreadyDone !== withJobs.length && `${result.alreadyDone} found done, expected ${withJobs.length}`,
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0) throw new BenchError(`backfill: ${problems.join('; ')}`);
}

/** `api.rateLimit.perSecond` as the local runtime reads the data directory's config, if set. */
async function configuredRateLimit(file: string): Promise<number | undefined> {
  const { input } = await loadLocalConfig({ defaultFile: file });
  return resolvePipelineConfig(input, 'http://127.0.0.1/').api.rateLimit?.perSecond;
}

function report(
  objects: number,
  limit: number | undefined,
  listed: number,
  counts: Counts,
  seconds: number,
): SectionResult {
  const sent = counts.sentJobIds.length;
  const figures: Record<string, number> = {
    objects,
    objectsWithJobs: Math.ceil(objects / 2),
    listed,
    jobLookups: counts.jobIdsAsked.length,
    distinctJobLookups: new Set(counts.jobIdsAsked).size,
    getManyCalls: counts.getManyCalls,
    batchGetItemCalls: counts.batchGetItemCalls,
    sent,
    sendBatchCalls: counts.sendBatchCalls,
    seconds: round(seconds, 2),
    listedPerSecond: round(listed / seconds, 0),
    sentPerSecond: round(sent / seconds, 0),
    ...(limit !== undefined
      ? {
          apiRateLimitPerSecond: limit,
          deliverAtLimitSeconds: round(sent / limit, 0),
          sentOverLimit: round(sent / seconds / limit, 1),
        }
      : {}),
  };
  return {
    title: SECTIONS.backfill,
    figures,
    tables: [
      figureTable([
        ['objects listed', listed, `half of them (${figures['objectsWithJobs']}) already had a job`],
        [
          'job lookups',
          counts.jobIdsAsked.length,
          `job ids asked (${figures['distinctJobLookups']} distinct) in ${counts.getManyCalls} lookups, one a listed page: ${counts.batchGetItemCalls} BatchGetItem calls of up to ${BATCH_GET_LIMIT} keys`,
        ],
        [
          'messages sent',
          sent,
          `each object without a job, once, in ${counts.sendBatchCalls} batches of up to 10`,
        ],
        ['time', figures['seconds'] ?? 0, 's, listing, lookups and sends together'],
        ['listed / s', figures['listedPerSecond'] ?? 0, 'objects listed per second'],
        ['sent / s', figures['sentPerSecond'] ?? 0, 'messages queued per second'],
        ...(limit !== undefined
          ? ([
              ['API rate limit', limit, 'calls/s (api.rateLimit.perSecond): what the pipe may deliver'],
              [
                'delivered in',
                figures['deliverAtLimitSeconds'] ?? 0,
                's at that limit, the pace the backfill’s sends keep',
              ],
            ] as const)
          : []),
      ]),
    ],
    setup: {
      runtime:
        'the local runtime’s admin ports (openLocalAdmin): inbox listing, dynalite job store on disk, durable source queue',
      objects,
      apiRateLimitPerSecond: limit ?? 'none configured',
    },
    notes: [
      'Counted through wrapped ports: every job id the backfill looks up and every message the queue accepts; the run fails if a job is read twice or an object sent twice.',
      'Planning only: the runtime is not running, so nothing is delivered; the messages wait in the durable queue.',
      'The sends are paced at api.rateLimit.perSecond by the admin session’s pacer, as `b2a backfill` is: the backfill queues no faster than the pipe may deliver, so sent / s stays just under the limit.',
      'The listing hashes every file (its ETag names the version), as the local runtime does; on S3 a LIST page of 1,000 costs one request.',
    ],
  };
}
