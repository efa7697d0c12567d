/**
 * Backfill: the bucket is the source of truth. Lists the source bucket, keeps what the pipeline's
 * filters let through, looks the jobs up in batches, and sends a backfill message for each object
 * version with no job (or, with `all`, for every one, as a new run). Resumable through a checkpoint.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { b2aEnvelope, type B2aEnvelope } from '../../messages.js';
import { AUTO_RUN_ID, jobIdOf, type ObjectRef, type Run } from '../../model.js';
import type { AdminPorts, Clock, ListedObject, ListingPosition, Pacer } from '../../ports.js';
import { sendInBatches, type Unsent } from './send-in-batches.js';

/** What to backfill. */
export interface BackfillRequest {
  /** Only keys starting with this (within the pipeline's own prefix filter). */
  readonly prefix?: string;
  /** ISO-8601: only objects last modified at or after this time. */
  readonly after?: string;
  /**
   * `after` as the admin wrote it (`2h`, or an ISO time). It names the checkpoint, so running the
   * same command again resumes even though `2h` now means a later time; the first run's time is kept.
   */
  readonly afterAsWritten?: string;
  /** Each key's current version, or every version. */
  readonly versions: 'latest' | 'all';
  /** Send every object version, job or not, each as a new run. */
  readonly all: boolean;
  /** Count and list what would be sent; send nothing, write no checkpoint. */
  readonly dryRun: boolean;
}

/** How far a backfill got. */
export interface BackfillCounts {
  /** Object versions listed. */
  readonly listed: number;
  /** Outside the pipeline's prefix/suffix filters, or older than `after`: not the pipeline's. */
  readonly skippedByFilter: number;
  /** Already have a job. */
  readonly alreadyDone: number;
  /** Sent (in a dry run: would be sent). */
  readonly sent: number;
  /** Refused by the queue: sent again first when the same backfill runs again. */
  readonly failed: number;
}

/** Options of {@link backfill}. */
export interface BackfillOptions {
  readonly clock: Clock;
  /** Admits each batch of messages: the API's rate limit. @default ports.pacer */
  readonly pace?: Pacer;
  /** @default a random id */
  readonly newId?: () => string;
  /** Told after each batch and each listed page. */
  readonly onProgress?: (counts: BackfillCounts) => void;
  /** How many object versions a dry run names in `planned` (the counts cover all). @default 1000 */
  readonly planLimit?: number;
}

/** An object version that was not sent, and why. */
export interface BackfillNotSent extends ObjectRef {
  readonly reason: string;
}

/** What a backfill did. */
export interface BackfillResult {
  readonly environment: string;
  readonly backfillId: string;
  readonly dryRun: boolean;
  /** It continued an interrupted backfill with the same arguments. */
  readonly resumed: boolean;
  readonly counts: BackfillCounts;
  /** A dry run: the first `planLimit` object versions it would send. */
  readonly planned: ObjectRef[];
  /** Refused by the queue; the checkpoint keeps them for the next run. */
  readonly failed: BackfillNotSent[];
}

const ZERO: BackfillCounts = { listed: 0, skippedByFilter: 0, alreadyDone: 0, sent: 0, failed: 0 };

const ListedObjectSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  versionId: z.string().optional(),
  etag: z.string().optional(),
  size: z.number(),
  lastModified: z.string(),
  isLatest: z.boolean(),
});

/** The checkpoint a backfill writes after each batch: where the listing stands, and what to resend. */
const CheckpointSchema = z.object({
  b2a: z.literal(1),
  kind: z.literal('backfill'),
  backfillId: z.string(),
  startedAt: z.string(),
  after: z.string().optional(),
  position: z.object({ key: z.string(), versionId: z.string().optional() }).optional(),
  counts: z.object({
    listed: z.number(),
    skippedByFilter: z.number(),
    alreadyDone: z.number(),
    sent: z.number(),
    failed: z.number(),
  }),
  retry: z.array(ListedObjectSchema),
});
type Checkpoint = z.infer<typeof CheckpointSchema>;

/**
 * The checkpoint's name: one per environment, bucket and arguments, so the same command resumes
 * and any other starts afresh.
 */
export function checkpointName(
  ports: Pick<AdminPorts, 'environment' | 'bucket'>,
  request: BackfillRequest,
): string {
  const args = [
    ports.environment,
    ports.bucket,
    request.prefix ?? '',
    request.afterAsWritten ?? request.after ?? '',
    request.versions,
    request.all,
  ];
  return `backfill-${createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 32)}`;
}

/**
 * Runs (or resumes) a backfill. Pages are handled in listing order and the checkpoint is written
 * after every batch sent, so an interrupted backfill (Ctrl-C, a crash, expired credentials) run
 * again with the same arguments continues after the last batch it sent. A crash between a send and
 * its checkpoint resends at most that batch, and those messages are idempotent (see
 * {@link backfillEnvelope}). A finished backfill removes its checkpoint, unless the queue refused
 * some messages: those are sent first when it runs again.
 * @throws whatever the listing, the job lookup or a whole send call throws; the checkpoint stays
 */
export async function backfill(
  ports: AdminPorts,
  request: BackfillRequest,
  options: BackfillOptions,
): Promise<BackfillResult> {
  const name = checkpointName(ports, request);
  const saved = CheckpointSchema.safeParse(await ports.checkpoints.read(name));
  const resumed = saved.success;
  const state: Checkpoint = saved.success
    ? saved.data
    : {
        b2a: 1,
        kind: 'backfill',
        backfillId: (options.newId ?? (() => randomUUID().slice(0, 8)))(),
        startedAt: options.clock.now().toISOString(),
        ...(request.after ? { after: request.after } : {}),
        counts: ZERO,
        retry: [],
      };
  const { arn } = await ports.identity.whoami();
  let counts: BackfillCounts = { ...state.counts, failed: state.counts.failed - state.retry.length };
  const retry = state.retry;
  let position: ListingPosition | undefined = state.position;
  const planned: ObjectRef[] = [];
  const failed: BackfillNotSent[] = [];
  const planLimit = options.planLimit ?? 1000;

  const save = async (): Promise<void> => {
    if (request.dryRun) return;
    const checkpoint: Checkpoint = {
      ...state,
      counts,
      retry: failed.flatMap((notSent) => listedByJob.get(jobIdOf(notSent)) ?? []),
      ...(position ? { position } : {}),
    };
    await ports.checkpoints.write(name, checkpoint);
  };
  const listedByJob = new Map<string, ListedObject>();

  const send = async (objects: readonly ListedObject[]): Promise<void> => {
    if (request.dryRun) {
      counts = { ...counts, sent: counts.sent + objects.length };
      planned.push(...objects.slice(0, Math.max(0, planLimit - planned.length)).map(refOf));
      return;
    }
    const envelopes = objects.map((object) => {
      listedByJob.set(jobIdOf(object), object);
      return backfillEnvelope(object, {
        backfillId: state.backfillId,
        run: request.all ? { id: `backfill-${state.backfillId}`, startedAt: state.startedAt } : undefined,
        requestedBy: arn,
        sentAt: options.clock.now().toISOString(),
      });
    });
    await sendInBatches(ports.queue, envelopes, {
      pace: options.pace ?? ports.pacer,
      onCallError: 'throw',
      onBatch: async (batch) => {
        failed.push(...batch.failed.map(notSentOf));
        counts = {
          ...counts,
          sent: counts.sent + batch.sent.length,
          failed: counts.failed + batch.failed.length,
        };
        const last = [...batch.sent, ...batch.failed.map((f) => f.envelope)].at(-1);
        if (last) position = positionOf(last.object);
        await save();
        options.onProgress?.(counts);
      },
    });
  };

  const sendMissing = async (objects: readonly ListedObject[]): Promise<void> =>
    send(
      await withoutJobs(ports, objects, request.all, (n) => {
        counts = { ...counts, alreadyDone: counts.alreadyDone + n };
      }),
    );

  // What the queue refused last time goes first; each is looked up again, as it may have a job by now.
  if (retry.length > 0) await sendMissing(retry);

  const after = state.after;
  const listPrefix = narrowestPrefix(request.prefix ?? '', ports.filters.prefix);
  if (listPrefix !== undefined) {
    for await (const page of ports.listing.pages({
      prefix: listPrefix,
      versions: request.versions,
      ...(position ? { startAfter: position } : {}),
    })) {
      const eligible = page.filter(
        (o) => o.key.endsWith(ports.filters.suffix) && (after === undefined || o.lastModified >= after),
      );
      counts = {
        ...counts,
        listed: counts.listed + page.length,
        skippedByFilter: counts.skippedByFilter + page.length - eligible.length,
      };
      await sendMissing(eligible);
      const last = page.at(-1);
      if (last) position = positionOf(last);
      await save();
      options.onProgress?.(counts);
    }
  }
  if (!request.dryRun && failed.length === 0) await ports.checkpoints.remove(name);
  return {
    environment: ports.environment,
    backfillId: state.backfillId,
    dryRun: request.dryRun,
    resumed,
    counts,
    planned,
    failed,
  };
}

/** The object versions that have no job (all of them with `all`), counting the others. */
async function withoutJobs(
  ports: AdminPorts,
  objects: readonly ListedObject[],
  all: boolean,
  countDone: (n: number) => void,
): Promise<ListedObject[]> {
  if (all || objects.length === 0) return [...objects];
  const jobs = await ports.jobs.getMany(objects.map(jobIdOf));
  const missing = objects.filter((object) => !jobs.has(jobIdOf(object)));
  countDone(objects.length - missing.length);
  return missing;
}

/**
 * The message that backfills one object version. Without a run of its own, it is the automatic run
 * the missed S3 event would have started (run `auto`, started when the object was written): the
 * same Idempotency-Key, so a late S3 event and the backfill never both deliver it. With `run` (a
 * backfill `--all`), a new run shared by the whole backfill: sent twice, it is still one attempt.
 * @example backfillEnvelope(listed, { backfillId: 'a1b2c3d4', requestedBy: arn, sentAt: now })
 */
export function backfillEnvelope(
  object: ListedObject,
  fields: {
    readonly backfillId: string;
    readonly run?: Run | undefined;
    readonly requestedBy: string;
    readonly sentAt: string;
  },
): B2aEnvelope {
  return b2aEnvelope({
    kind: 'backfill',
    object: refOf(object),
    run: fields.run ?? { id: AUTO_RUN_ID, startedAt: object.lastModified },
    attempt: 1,
    requestedBy: fields.requestedBy,
    backfillId: fields.backfillId,
    sentAt: fields.sentAt,
  });
}

/**
 * The listing prefix that covers both the asked prefix and the pipeline's: the longer one when one
 * starts with the other, `undefined` when they exclude each other (nothing to list).
 */
export function narrowestPrefix(asked: string, pipeline: string): string | undefined {
  if (asked.startsWith(pipeline)) return asked;
  if (pipeline.startsWith(asked)) return pipeline;
  return undefined;
}

/** The object version a listed object names. */
export function refOf(object: ListedObject): ObjectRef {
  return {
    bucket: object.bucket,
    key: object.key,
    ...(object.versionId ? { versionId: object.versionId } : {}),
    ...(object.etag ? { etag: object.etag } : {}),
    size: object.size,
  };
}

function positionOf(object: ObjectRef): ListingPosition {
  return { key: object.key, ...(object.versionId ? { versionId: object.versionId } : {}) };
}

function notSentOf(unsent: Unsent): BackfillNotSent {
  return { ...unsent.envelope.object, reason: unsent.reason };
}
