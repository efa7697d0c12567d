/**
 * deliverObject: the enrichment step. For each queue message: decode it, skip what asks for nothing
 * or was already done, end an older version once a newer one is recorded (`versions: latest`),
 * honour the enabled flag (off: SKIPPED; hold: deferred), skip unchanged content (`dedupe: content`),
 * pass admission control (circuit breaker, then the fleet-wide rate limiter), read the object and
 * call the API. Returns exactly one result per message and never throws because one message failed
 * (Pipes cannot take a partial failure from an enrichment).
 */
import type { CircuitBreaker } from '../admission/circuit-breaker.js';
import { RateLimiter } from '../admission/rate-limiter.js';
import { mapLimit } from '../concurrency.js';
import type { PipelineConfig } from '../config.js';
import { flagHoldDetail, flagSkipReason } from '../flag.js';
import { InvalidMessageError, ObjectNotFoundError, PayloadTooLargeError } from '../errors.js';
import { decodeMessage } from '../messages.js';
import { idempotencyKeyOf, isNewerThan, jobIdOf, type Job, type ObjectRef } from '../model.js';
import {
  classifyCallError,
  classifyResponse,
  deferredResult,
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

/** Admission control: each part is optional (config `api.rateLimit`, `api.circuitBreaker`). */
export interface AdmissionControl {
  readonly limiter?: RateLimiter;
  readonly breaker?: CircuitBreaker;
  /** Waits in process for the next permit. @default a timer */
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeliverDeps {
  readonly config: Pick<PipelineConfig, 'api' | 'payload' | 'filters' | 'flag' | 'versions' | 'dedupe'>;
  /** The source bucket: a message about any other bucket is ended at once, reading nothing. */
  readonly bucket: string;
  readonly flag: EnabledFlag;
  /** `getMany` reads a batch's jobs at once; `listByKey` is asked only with `dedupe: content`. */
  readonly jobs: Pick<JobRepository, 'getMany' | 'listByKey'>;
  /** The newest version seen of each key: needed with `versions: latest`. */
  readonly versions?: LatestVersions;
  readonly objects: ObjectSource;
  readonly api: DownstreamApi;
  readonly clock: Clock;
  /** @default none: every call that passes the flag is made */
  readonly admission?: AdmissionControl;
  /**
   * Told, once per batch, that the flag holds a value b2a does not understand (the batch's objects
   * are held with that value in the reason). The edge decides how loudly to say it.
   */
  readonly onFlagNotUnderstood?: (reading: Extract<FlagReading, { state: 'not-understood' }>) => void;
}

/** What a batch may spend on admission besides its calls. */
export interface BatchOptions {
  /** When the invocation must have returned (Lambda's deadline): in-process waits stop short of it. */
  readonly deadline?: Date;
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

/** Rate-limited calls deferred together come back spread over this many seconds (at least a grain). */
export const RATE_LIMIT_SPREAD_SECONDS = 5;

/** A message that passed every check and now needs its call. */
interface PendingCall {
  readonly request: DeliveryRequest;
  readonly item: (result: DeliveryResult) => EnrichedItem;
}

type Prepared = { readonly done: EnrichedItem } | PendingCall;

/** The batch's jobs as its one read found them, or what that read failed with. */
type BatchJobs = { readonly jobs: ReadonlyMap<string, Job> } | { readonly error: unknown };

/** A decoded message about one of our objects, whose job must be read before it is decided. */
interface Candidate {
  readonly request: DeliveryRequest;
  readonly item: (result: DeliveryResult, request?: DeliveryRequest) => EnrichedItem;
}

/**
 * Delivers a batch of queue messages, at most `api.maxConcurrentCalls` at a time, each call admitted
 * by the circuit breaker and the rate limiter when they are configured.
 */
export async function deliverBatch(
  deps: DeliverDeps,
  messages: readonly QueueMessage[],
  options: BatchOptions = {},
): Promise<EnrichedItem[]> {
  // One flag read per batch; the adapter also caches it across batches (SSM allows 40 TPS).
  const flag = await deps.flag.read();
  if (flag.state === 'not-understood') deps.onFlagNotUnderstood?.(flag);
  const inspected = messages.map((m) => inspect(deps, m));
  const candidates = inspected.filter((c): c is Candidate => 'request' in c);
  // One strongly consistent read for the batch's jobs (BatchGetItem), not one GetItem per message.
  const jobs: BatchJobs =
    candidates.length === 0
      ? { jobs: new Map() }
      : await deps.jobs.getMany(candidates.map((c) => jobIdOf(c.request.object))).then(
          (read) => ({ jobs: read }),
          (error: unknown) => ({ error }),
        );
  const prepared = await mapLimit(inspected, deps.config.api.maxConcurrentCalls, async (c) =>
    'done' in c ? c : decide(deps, c, jobs, flag),
  );
  const pending = prepared.filter((p): p is PendingCall => 'request' in p);
  const results = await admitAndCall(deps, pending, options);
  return prepared.map((p) => ('done' in p ? p.done : p.item(results.get(p) ?? unprocessed())));
}

/** Decodes one message and checks what needs no read; what is left needs its job. Never throws. */
function inspect(deps: DeliverDeps, message: QueueMessage): { readonly done: EnrichedItem } | Candidate {
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
    if (error instanceof InvalidMessageError)
      return { done: item({ kind: 'invalid', reason: error.message }) };
    throw error;
  }
  if (decoded.type === 'ignored') return { done: item({ kind: 'ignored', reason: decoded.reason }) };

  const { object, run, attempt, origin } = decoded;
  const deferral = decoded.deferral ?? 0;
  const request: DeliveryRequest = {
    object,
    run,
    attempt,
    ...(deferral > 0 ? { deferral } : {}),
    origin,
    ...(decoded.requestedBy ? { requestedBy: decoded.requestedBy } : {}),
    ...(decoded.backfillId ? { backfillId: decoded.backfillId } : {}),
    idempotencyKey: idempotencyKeyOf(object, run.id),
  };
  // Another bucket's object is no object of ours (a rule or reprocess pointed at the wrong place):
  // reading it would fail as "not found" or "access denied", and look retryable.
  if (object.bucket !== deps.bucket) {
    return {
      done: item(
        { kind: 'terminal', reason: `bucket ${object.bucket} is not the configured bucket ${deps.bucket}` },
        request,
      ),
    };
  }
  const { prefix, suffix } = deps.config.filters;
  if (origin === 's3-event' && !(object.key.startsWith(prefix) && object.key.endsWith(suffix))) {
    return {
      done: item({
        kind: 'ignored',
        reason: `key is outside the filters (prefix "${prefix}", suffix "${suffix}")`,
      }),
    };
  }
  return { request, item };
}

/**
 * Decides a message from its job as the batch read it (or the error that read failed with): what
 * is left is a call to make. Never throws.
 */
async function decide(
  deps: DeliverDeps,
  { request, item }: Candidate,
  read: BatchJobs,
  flag: FlagReading,
): Promise<Prepared> {
  const { object, run, attempt } = request;
  const deferral = request.deferral ?? 0;
  if ('error' in read) return { done: item({ kind: 'unprocessed', reason: describe(read.error) }, request) };
  try {
    const job = read.jobs.get(jobIdOf(object));
    if (!isNewerThan(job, run, attempt, deferral)) {
      const reason =
        job?.status === 'SUCCEEDED' && job.runId === run.id
          ? 'already delivered'
          : `a newer attempt is recorded (${job?.status} at attempt ${job?.attempt} of run ${job?.runId})`;
      return { done: item({ kind: 'duplicate', reason }, request) };
    }
    // Before the flag: an older version stays superseded whatever the flag says later.
    if (deps.versions && deps.config.versions === 'latest') {
      const newer = await supersededBy(deps.versions, object, deps.clock.now());
      if (newer) return { done: item({ kind: 'superseded', reason: newer }, request) };
    }
  } catch (error) {
    return { done: item({ kind: 'unprocessed', reason: describe(error) }, request) };
  }
  if (flag.state === 'off') return { done: item({ kind: 'skipped', reason: flagSkipReason() }, request) };
  if (flag.state !== 'on') return { done: item(holdDeferral(deps, flag), request) };
  // A run someone asked for (a reprocess, and its retries) is sent whatever the content.
  if (deps.config.dedupe === 'content' && !request.requestedBy) {
    try {
      const same = await unchangedSince(deps.jobs, object);
      if (same) return { done: item({ kind: 'unchanged', reason: same }, request) };
    } catch (error) {
      return { done: item({ kind: 'unprocessed', reason: describe(error) }, request) };
    }
  }
  return { request, item: (result) => item(result, request) };
}

/** A delivery held by the flag: back after `flag.holdDeferSeconds`, spread over half as long again. */
function holdDeferral(deps: DeliverDeps, flag: FlagReading): DeliveryResult {
  const { holdDeferSeconds } = deps.config.flag;
  const notBefore = new Date(deps.clock.now().getTime() + holdDeferSeconds * 1000);
  return deferredResult('hold', flagHoldDetail(flag), notBefore, holdDeferSeconds / 2);
}

/**
 * Makes the batch's calls as admission allows: an open circuit defers them (but for one probe when
 * one is due), and the rate limiter grants permits a slot at a time, never more than there are
 * free call slots, so a permit is used the moment it is granted. Calls that get no permit within
 * `api.rateLimit.maxWaitSeconds` (and before the deadline) are deferred, not failed.
 */
async function admitAndCall(
  deps: DeliverDeps,
  pending: readonly PendingCall[],
  options: BatchOptions,
): Promise<Map<PendingCall, DeliveryResult>> {
  const results = new Map<PendingCall, DeliveryResult>();
  if (pending.length === 0) return results;
  const { limiter, breaker } = deps.admission ?? {};
  const sleep = deps.admission?.sleep ?? wait;
  const deferRest = (from: number, result: () => DeliveryResult): number => {
    for (const call of pending.slice(from)) if (!results.has(call)) results.set(call, result());
    return pending.length - from;
  };

  let allowed = pending.length;
  let probe = false;
  if (breaker) {
    let circuit;
    try {
      circuit = await breaker.check();
    } catch (error) {
      for (const call of pending) results.set(call, unprocessed(error));
      return results;
    }
    if (circuit.allow !== 'all') {
      const defer = (): DeliveryResult => breaker.deferral(circuit.reason, circuit.nextProbeAt);
      allowed = circuit.allow === 'probe' ? 1 : 0;
      probe = circuit.allow === 'probe';
      await breaker.countDeferred(deferRest(allowed, defer)).catch(() => undefined);
    }
  }

  const maxCalls = deps.config.api.maxConcurrentCalls;
  const waitUntil = waitDeadline(deps, options);
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let retryAt: Date | undefined;
  const launch = (call: PendingCall): void => {
    const done = callApi(deps, call.request)
      .then((result) => (breaker ? breaker.observe(result, probe) : result))
      .then(
        (result) => void results.set(call, result),
        (error: unknown) => void results.set(call, unprocessed(error)),
      )
      .finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  while (next < allowed && !(breaker?.isOpen && !probe)) {
    if (inFlight.size >= maxCalls) {
      await Promise.race(inFlight);
      continue;
    }
    const wanted = Math.min(maxCalls - inFlight.size, allowed - next);
    let granted = wanted;
    if (limiter) {
      try {
        const permits = await limiter.acquire(wanted);
        retryAt = permits.retryAt;
        granted = permits.granted;
        if (granted > 0) {
          await sleep(Math.max(0, permits.at.getTime() - deps.clock.now().getTime()));
          // Used late, the slot's calls would crowd the next slot's: dropped, asked for again.
          if (!RateLimiter.usable(permits, deps.clock.now())) {
            if (deps.clock.now().getTime() > waitUntil) break;
            continue;
          }
        }
      } catch (error) {
        deferRest(next, () => unprocessed(error));
        break;
      }
    }
    for (let i = 0; i < granted; i++) launch(pending[next++] as PendingCall);
    if (granted < wanted && retryAt) {
      if (retryAt.getTime() > waitUntil) break;
      await sleep(Math.max(0, retryAt.getTime() - deps.clock.now().getTime()));
    }
  }
  await Promise.all(inFlight);
  if (next < allowed) {
    if (breaker?.isOpen) {
      const count = deferRest(next, () => breaker.deferral('opened while this batch was being delivered'));
      await breaker.countDeferred(count).catch(() => undefined);
    } else {
      const notBefore = retryAt ?? deps.clock.now();
      deferRest(next, () => deferredResult('rate limit', undefined, notBefore, RATE_LIMIT_SPREAD_SECONDS));
    }
  }
  return results;
}

/** Until when the batch may wait in process for permits (epoch ms). */
function waitDeadline(deps: DeliverDeps, options: BatchOptions): number {
  const now = deps.clock.now().getTime();
  const maxWaitMs = (deps.config.api.rateLimit?.maxWaitSeconds ?? 0) * 1000;
  // A wait must leave the last call its whole timeout before the invocation's deadline.
  const latest = options.deadline ? options.deadline.getTime() - deps.config.api.timeoutMs : Infinity;
  return Math.min(now + maxWaitMs, latest);
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function unprocessed(error?: unknown): DeliveryResult {
  return { kind: 'unprocessed', reason: error === undefined ? 'no result' : describe(error) };
}

async function callApi(deps: DeliverDeps, request: DeliveryRequest): Promise<DeliveryResult> {
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
