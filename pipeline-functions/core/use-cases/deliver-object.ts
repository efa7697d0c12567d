/**
 * deliverObject: the enrichment step. For each queue message: decode it, skip what asks for nothing
 * or was already done, end an older version once a newer one is recorded (`versions: latest`),
 * honour the enabled flag, skip unchanged content (`dedupe: content`), read the object and call the API. Returns exactly
 * one result per message and never throws because one message failed (Pipes cannot take a partial
 * failure from an enrichment).
 */
import { mapLimit } from '../concurrency.js';
import type { PipelineConfig } from '../config.js';
import { flagSkipReason } from '../flag.js';
import { InvalidMessageError, ObjectNotFoundError, PayloadTooLargeError } from '../errors.js';
import { decodeMessage } from '../messages.js';
import { idempotencyKeyOf, isNewerThan, jobIdOf, type ObjectRef } from '../model.js';
import {
  classifyCallError,
  classifyResponse,
  type DeliveryRequest,
  type DeliveryResult,
  type EnrichedItem,
} from '../outcome.js';
import type {
  Clock,
  DownstreamApi,
  EnabledFlag,
  FlagReading,
  JobRepository,
  LatestVersions,
  ObjectSource,
} from '../ports.js';
import { supersededBy, unchangedSince } from './version-checks.js';

export interface DeliverDeps {
  readonly config: Pick<PipelineConfig, 'api' | 'payload' | 'filters' | 'versions' | 'dedupe'>;
  /** The source bucket: a message about any other bucket is ended at once, reading nothing. */
  readonly bucket: string;
  readonly flag: EnabledFlag;
  /** `listByKey` is asked only with `dedupe: content`. */
  readonly jobs: Pick<JobRepository, 'get' | 'listByKey'>;
  /** The newest version seen of each key: needed with `versions: latest`. */
  readonly versions?: LatestVersions;
  readonly objects: ObjectSource;
  readonly api: DownstreamApi;
  readonly clock: Clock;
  /**
   * Told, once per batch, that the flag holds a value b2a does not understand (the batch's objects
   * are SKIPPED with that value as the reason). The edge decides how loudly to say it.
   */
  readonly onFlagNotUnderstood?: (reading: Extract<FlagReading, { state: 'not-understood' }>) => void;
}

/** A queue message as the pipe hands it over. */
export interface QueueMessage {
  readonly messageId: string;
  readonly body: string;
  /** ISO time the queue received it; used when an event carries no time of its own. */
  readonly sentAt: string;
}

/** The JSON body sent instead of the content when the object is over the inline limit. */
export interface ObjectReferencePayload {
  readonly b2a: 1;
  readonly type: 'reference';
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly size: number;
  readonly contentType: string;
  /** What lets the receiver check the bytes it fetches: the object's SHA-256, else its ETag. */
  readonly checksum?: ObjectChecksum;
  readonly url: string;
  readonly expiresAt: string;
}

/**
 * The object's full SHA-256 (base64) when the store holds one, else its ETag (an MD5 only for a
 * single-part upload without SSE-KMS).
 */
export type ObjectChecksum =
  | { readonly algorithm: 'sha-256'; readonly value: string }
  | { readonly algorithm: 'etag'; readonly value: string };

/** Delivers a batch of queue messages, at most `api.maxConcurrentCalls` at a time. */
export async function deliverBatch(
  deps: DeliverDeps,
  messages: readonly QueueMessage[],
): Promise<EnrichedItem[]> {
  // One flag read per batch; the adapter also caches it across batches (SSM allows 40 TPS).
  const flag = await deps.flag.read();
  if (flag.state === 'not-understood') deps.onFlagNotUnderstood?.(flag);
  return mapLimit(messages, deps.config.api.maxConcurrentCalls, (m) => deliverObject(deps, m, flag));
}

/** Delivers one queue message. Never throws: every failure becomes a result. */
export async function deliverObject(
  deps: DeliverDeps,
  message: QueueMessage,
  flag: FlagReading,
): Promise<EnrichedItem> {
  const item = (result: DeliveryResult, request?: DeliveryRequest): EnrichedItem => ({
    messageId: message.messageId,
    ...(request ? { request } : {}),
    result,
    at: deps.clock.now().toISOString(),
  });

  let decoded;
  try {
    decoded = decodeMessage(message.body, message.sentAt);
  } catch (error) {
    if (error instanceof InvalidMessageError) return item({ kind: 'invalid', reason: error.message });
    throw error;
  }
  if (decoded.type === 'ignored') return item({ kind: 'ignored', reason: decoded.reason });

  const { object, run, attempt, origin } = decoded;
  const request: DeliveryRequest = {
    object,
    run,
    attempt,
    origin,
    ...(decoded.requestedBy ? { requestedBy: decoded.requestedBy } : {}),
    ...(decoded.backfillId ? { backfillId: decoded.backfillId } : {}),
    idempotencyKey: idempotencyKeyOf(object, run.id),
  };
  // Another bucket's object is no object of ours (a rule or reprocess pointed at the wrong place):
  // reading it would fail as "not found" or "access denied", and look retryable.
  if (object.bucket !== deps.bucket) {
    return item(
      { kind: 'terminal', reason: `bucket ${object.bucket} is not the configured bucket ${deps.bucket}` },
      request,
    );
  }
  const { prefix, suffix } = deps.config.filters;
  if (origin === 's3-event' && !(object.key.startsWith(prefix) && object.key.endsWith(suffix))) {
    return item({
      kind: 'ignored',
      reason: `key is outside the filters (prefix "${prefix}", suffix "${suffix}")`,
    });
  }

  try {
    const job = await deps.jobs.get(jobIdOf(object));
    if (!isNewerThan(job, run, attempt)) {
      const reason =
        job?.status === 'SUCCEEDED' && job.runId === run.id
          ? 'already delivered'
          : `a newer attempt is recorded (${job?.status} at attempt ${job?.attempt} of run ${job?.runId})`;
      return item({ kind: 'duplicate', reason }, request);
    }
    // Before the flag: an older version stays superseded whatever the flag says later.
    if (deps.versions && deps.config.versions === 'latest') {
      const newer = await supersededBy(deps.versions, object, deps.clock.now());
      if (newer) return item({ kind: 'superseded', reason: newer }, request);
    }
    if (flag.state !== 'on') return item({ kind: 'skipped', reason: flagSkipReason(flag) }, request);
    // A run someone asked for (a reprocess, and its retries) is sent whatever the content.
    if (deps.config.dedupe === 'content' && !request.requestedBy) {
      const same = await unchangedSince(deps.jobs, object);
      if (same) return item({ kind: 'unchanged', reason: same }, request);
    }
    return item(await call(deps, request), request);
  } catch (error) {
    return item({ kind: 'unprocessed', reason: describe(error) }, request);
  }
}

async function call(deps: DeliverDeps, request: DeliveryRequest): Promise<DeliveryResult> {
  const { object } = request;
  let payload: Payload;
  try {
    payload = await buildPayload(deps, object);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) {
      return { kind: 'terminal', reason: `object not found (deleted before processing?): ${error.message}` };
    }
    if (error instanceof PayloadTooLargeError) return { kind: 'terminal', reason: error.message };
    return { kind: 'retryable', reason: `could not read the object: ${describe(error)}` };
  }
  const headers: Record<string, string> = {
    'content-type': payload.contentType,
    'idempotency-key': request.idempotencyKey,
    'b2a-bucket': object.bucket,
    // Header values must be ASCII: the key is percent-encoded once (decode it with decodeURIComponent).
    'b2a-key': encodeURIComponent(object.key),
    'b2a-attempt': String(request.attempt),
    'b2a-payload': payload.mode,
    ...(object.versionId ? { 'b2a-version-id': object.versionId } : {}),
    ...(payload.checksum ? { 'b2a-object-checksum': checksumHeader(payload.checksum) } : {}),
  };
  try {
    return classifyResponse(await deps.api.call({ headers, body: payload.body }));
  } catch (error) {
    return classifyCallError(error);
  }
}

interface Payload {
  readonly body: Uint8Array | string;
  readonly contentType: string;
  readonly mode: 'content' | 'reference';
  /** The referenced object's checksum (reference mode). */
  readonly checksum?: ObjectChecksum;
}

async function buildPayload(deps: DeliverDeps, object: ObjectRef): Promise<Payload> {
  const { mode, inlineLimitBytes, presignExpirySeconds } = deps.config.payload;
  const info =
    mode === 'reference' || object.size === undefined ? await deps.objects.head(object) : undefined;
  const size = info?.size ?? object.size ?? 0;
  if (mode === 'content' || (mode === 'auto' && size <= inlineLimitBytes)) {
    if (size > inlineLimitBytes) {
      throw new PayloadTooLargeError(
        `object is ${size} bytes, over payload.inlineLimitBytes (${inlineLimitBytes}); set payload.mode to auto or reference`,
      );
    }
    const read = await deps.objects.read(object);
    return { body: read.body, contentType: read.info.contentType, mode: 'content' };
  }
  const headInfo = info ?? (await deps.objects.head(object));
  // Signed per attempt: a retry hours later never resends a URL that has died since.
  const presigned = await deps.objects.presign(object, presignExpirySeconds);
  const etag = headInfo.etag ?? object.etag;
  const checksum: ObjectChecksum | undefined = headInfo.sha256
    ? { algorithm: 'sha-256', value: headInfo.sha256 }
    : etag
      ? { algorithm: 'etag', value: etag.replace(/"/g, '') }
      : undefined;
  const reference: ObjectReferencePayload = {
    b2a: 1,
    type: 'reference',
    bucket: object.bucket,
    key: object.key,
    ...(object.versionId ? { versionId: object.versionId } : {}),
    ...(object.etag ? { etag: object.etag } : {}),
    size: headInfo.size,
    contentType: headInfo.contentType,
    ...(checksum ? { checksum } : {}),
    url: presigned.url,
    expiresAt: presigned.expiresAt.toISOString(),
  };
  return {
    body: JSON.stringify(reference),
    contentType: 'application/json',
    mode: 'reference',
    ...(checksum ? { checksum } : {}),
  };
}

/**
 * The `B2A-Object-Checksum` header: RFC 8941 dictionary members, a byte sequence for a SHA-256 (the
 * syntax of RFC 9530's digests) and a string for an ETag.
 */
function checksumHeader(checksum: ObjectChecksum): string {
  return checksum.algorithm === 'sha-256' ? `sha-256=:${checksum.value}:` : `etag="${checksum.value}"`;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
