/**
 * Ports: what the core needs from the world, named by capability. Adapters in
 * `pipeline-functions/adapters/{aws,local,http}` implement them; the core never imports an adapter.
 */
import type { CredentialSource } from './config.js';
import type { HttpExchange } from './delivery-log.js';
import type { B2aEnvelope } from './messages.js';
import type { Attempt, AttentionStatus, Job, JobStatus, ObjectRef, Run } from './model.js';

/**
 * The enabled flag as read: on, off (objects are SKIPPED), hold (deliveries wait, nothing is
 * skipped), or a value b2a does not understand (which the pipeline treats as hold, with that value
 * in the reason).
 */
export type FlagReading =
  { readonly state: 'on' | 'off' | 'hold' } | { readonly state: 'not-understood'; readonly value: string };

/** A value an admin can give the enabled flag. */
export type FlagValue = 'on' | 'off' | 'hold';

/** Whether b2a may call the API (the admin's on/off/hold switch). */
export interface EnabledFlag {
  read(): Promise<FlagReading>;
}

/** One change of the enabled flag. */
export interface FlagChange {
  readonly enabled: boolean;
  /** What it was set to (`on`, `off`, `hold`, or a value b2a does not understand), when known. */
  readonly value?: string;
  readonly at: string;
  /** IAM ARN or local user who changed it, when known. */
  readonly by?: string;
}

/** The flag as admins see it: read, set, and who changed it when. */
export interface FlagAdmin extends EnabledFlag {
  /** Whether the flag is on (a value not understood is not on). */
  isEnabled(): Promise<boolean>;
  /** Sets the flag (every write adds a history entry). */
  set(value: FlagValue): Promise<void>;
  /** Newest first. */
  history(limit: number): Promise<FlagChange[]>;
}

/** What is known about an object without reading it. */
export interface ObjectInfo {
  readonly size: number;
  readonly contentType: string;
  readonly versionId?: string;
  readonly etag?: string;
  /** The base64 SHA-256 of the whole object, when the store holds one (never a multipart composite). */
  readonly sha256?: string;
}

/** A presigned URL and when it really stops working. */
export interface PresignedUrl {
  readonly url: string;
  /** The asked lifetime, or earlier when the credentials that signed it expire first. */
  readonly expiresAt: Date;
}

/** Reads objects from the bucket. */
export interface ObjectSource {
  /** @throws ObjectNotFoundError when the object (or that version) does not exist. */
  head(ref: ObjectRef): Promise<ObjectInfo>;
  /** @throws ObjectNotFoundError */
  read(ref: ObjectRef): Promise<{ readonly body: Uint8Array; readonly info: ObjectInfo }>;
  /** A URL anyone holding it can GET the object version from, for at most `expiresInSeconds`. */
  presign(ref: ObjectRef, expiresInSeconds: number): Promise<PresignedUrl>;
}

/**
 * Reads one secret value from where the config says it is.
 * @example const secret = await credentials.read({ env: 'B2A_CLIENT_SECRET' }, 'api.auth.clientSecret');
 */
export interface CredentialStore {
  /**
   * @param field the config path that names the source, for error messages (never the value)
   * @throws ConfigError when the source cannot be read here or holds nothing usable
   */
  read(source: CredentialSource, field: string): Promise<string>;
}

/** One HTTP call to the downstream API. */
export interface ApiRequest {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array | string;
}

export interface ApiResponse {
  readonly status: number;
  /** Seconds from the Retry-After header (delta-seconds or HTTP date), when present. */
  readonly retryAfterSeconds?: number;
  readonly latencyMs: number;
  /** The first bytes of the response body, for error messages. */
  readonly bodySnippet?: string;
  /** The request as sent and this answer, as the job's delivery log records them. */
  readonly exchange?: HttpExchange;
}

/**
 * The downstream HTTP API. Method, URL, auth, signing and timeout are the adapter's configuration;
 * the request's `idempotency-key` header is also its Standard Webhooks `webhook-id`.
 */
export interface DownstreamApi {
  /** @throws DownstreamNetworkError | DownstreamTimeoutError | ApiAuthError; any HTTP status is a response. */
  call(request: ApiRequest): Promise<ApiResponse>;
}

/** What every write of a job names: the message's place in the run, and the job's new status. */
interface JobUpdateBase {
  readonly object: ObjectRef;
  readonly run: Run;
  readonly attempt: number;
  /** How many times `attempt` was deferred before this message (see `Job.deferral`). @default 0 */
  readonly deferral?: number;
  readonly status: JobStatus;
  readonly idempotencyKey: string;
  readonly nextAttemptAt?: string;
  /** How many attempts the job keeps in its history (the newest; older ones only count). */
  readonly historyLimit: number;
}

/** What an attempt changes in a job: its history gains the attempt, and it counts. */
export interface AttemptUpdate extends JobUpdateBase {
  readonly entry: Attempt;
}

/**
 * What a deferral changes in a job: its status, note and next attempt time. Nothing was called, so
 * the history, the attempt totals and the last error stay as they are.
 */
export interface DeferralUpdate extends JobUpdateBase {
  readonly deferred: { readonly at: string; readonly note: string };
}

/** What one recorded message changes in a job. */
export type JobUpdate = AttemptUpdate | DeferralUpdate;

export interface Page<T> {
  readonly items: T[];
  /** Opaque; pass back to get the next page. Absent on the last page. */
  readonly cursor?: string;
}

/** HTTP statuses from `from` to `to`, both included: `{from: 400, to: 499}` is `4xx`. */
export interface HttpStatusRange {
  readonly from: number;
  readonly to: number;
}

export interface JobQuery {
  /** Only statuses that need attention are indexed (SUCCEEDED jobs are read by id). */
  readonly status: AttentionStatus;
  /** ISO-8601: only jobs updated at or after this time. */
  readonly since?: string;
  /**
   * Only jobs whose latest answer (`lastHttpStatus`) is in one of these ranges. A filter on the
   * items read: a page may hold fewer than `limit` jobs and still have a cursor.
   */
  readonly lastHttpStatus?: readonly HttpStatusRange[];
  readonly limit?: number;
  readonly cursor?: string;
}

/** Where jobs are kept. */
export interface JobRepository {
  /** A strongly consistent read. */
  get(jobId: string): Promise<Job | undefined>;
  /**
   * Records an attempt if it is newer than what the job holds (see `isNewerThan`), as one
   * conditional write, keeping the newest `historyLimit` attempts and the totals. Returns the job as
   * now stored, or `undefined` when a newer state is already there (the update was stale and
   * changed nothing).
   */
  record(update: JobUpdate): Promise<Job | undefined>;
  /**
   * `record` for a batch: the jobs are read together, then each update is one conditional write.
   * Several updates of one job are applied in their order, each seeing the one before. Returns one
   * settled result per update, in order (a rejection is that update's failure alone).
   */
  recordAll(updates: readonly JobUpdate[]): Promise<PromiseSettledResult<Job | undefined>[]>;
  /**
   * Jobs in one status that needs attention, newest first, through the sparse status index (never a
   * scan). SUCCEEDED jobs are not indexed: read them by id (`getMany`) or by key (`listByKey`).
   */
  listByStatus(query: JobQuery): Promise<Page<Job>>;
  /** Every version's job for one key. */
  listByKey(bucket: string, key: string): Promise<Job[]>;
  /**
   * The jobs of many object versions, read in batches (never one read per id, never a scan); ids
   * with no job are absent from the map.
   */
  getMany(jobIds: readonly string[]): Promise<ReadonlyMap<string, Job>>;
  /** How many jobs are in a status that needs attention (updated since `since`). */
  countByStatus(status: AttentionStatus, since?: string): Promise<number>;
}

/** The newest version of one key that b2a has seen, by S3's sequencer (config `versions: latest`). */
export interface LatestVersion {
  readonly sequencer: string;
  /** Its version token (see core `versionToken`). */
  readonly version: string;
  /** ISO-8601: when b2a first saw it. */
  readonly seenAt: string;
}

/**
 * The newest version seen of each key: a per-key record that only moves forward, so that an older
 * version arriving late is known to be older.
 */
export interface LatestVersions {
  /**
   * Records `object` as its key's newest version unless one with a greater sequencer is recorded
   * (one conditional write), and returns the key's newest version as now recorded.
   */
  advance(object: ObjectRef & { readonly sequencer: string }, seenAt: string): Promise<LatestVersion>;
}

/** When a retry scheduler can fire: how soon at the earliest, and on which grain. */
export interface ScheduleTiming {
  /** A retry is never due sooner than this after it is scheduled. */
  readonly minimumLeadSeconds: number;
  /** Due times are whole multiples of this many seconds (epoch-aligned). */
  readonly precisionSeconds: number;
}

/** Sends a b2a envelope to the source queue at a later time. */
export interface RetryScheduler {
  /** What times this scheduler can keep; the core's retry policy computes `at` on it. */
  readonly timing: ScheduleTiming;
  /**
   * Sends `envelope` at `at`, exactly (a time on `timing`'s grain, at least its lead away).
   * Idempotent for one (job, run, attempt): scheduling the same retry twice makes one.
   */
  schedule(envelope: B2aEnvelope, at: Date): Promise<void>;
}

/** What became of one envelope of a batch: sent, or refused with the queue's reason. */
export type QueueSendResult = { readonly sent: true } | { readonly sent: false; readonly reason: string };

/** The most envelopes one `sendBatch` takes (SQS SendMessageBatch's limit). */
export const QUEUE_BATCH_LIMIT = 10;

/** Sends b2a envelopes to the source queue now (reprocess, backfill). */
export interface WorkQueue {
  send(envelope: B2aEnvelope): Promise<void>;
  /**
   * Sends up to {@link QUEUE_BATCH_LIMIT} envelopes in one call; one result per envelope, in order.
   * @throws when the call as a whole fails (network, credentials): nothing is known to be sent
   */
  sendBatch(envelopes: readonly B2aEnvelope[]): Promise<readonly QueueSendResult[]>;
}

/**
 * Paces bulk sending: `take(n)` resolves when `n` more messages may go. The fleet's API rate limit
 * plugs in here, so a backfill never queues work faster than the API is allowed to take it.
 */
export interface Pacer {
  take(permits: number): Promise<void>;
}

/** One object version as a listing of the bucket shows it (delete markers are never listed). */
export interface ListedObject extends ObjectRef {
  readonly size: number;
  /** ISO-8601. */
  readonly lastModified: string;
  /** Whether it is the key's current version (always true on an unversioned bucket). */
  readonly isLatest: boolean;
}

/** Where a listing stands: after this object version, in listing order. */
export interface ListingPosition {
  readonly key: string;
  readonly versionId?: string;
}

/** What to list. */
export interface ListingQuery {
  readonly prefix: string;
  /** Only each key's current version, or every version. */
  readonly versions: 'latest' | 'all';
  /** Resume after this object version (exclusive). */
  readonly startAfter?: ListingPosition;
}

/** Lists the source bucket, in key order (a key's versions newest first). */
export interface BucketListing {
  pages(query: ListingQuery): AsyncIterable<readonly ListedObject[]>;
}

/**
 * Small JSON documents kept between runs of a command on this machine (a backfill's checkpoint).
 * Values are validated by the reader.
 */
export interface CheckpointStore {
  read(name: string): Promise<unknown>;
  write(name: string, value: unknown): Promise<void>;
  remove(name: string): Promise<void>;
}

/** A job reached a terminal state. */
export interface JobNotification {
  readonly status: JobStatus;
  readonly environment: string;
  readonly job: Job;
}

/** The circuit breaker opened or closed. */
export interface CircuitNotification {
  /** The notification's `event` attribute. */
  readonly event: 'circuit-open' | 'circuit-closed';
  readonly environment: string;
  readonly at: string;
  /** Why it opened (e.g. `5 retryable failures in a row: HTTP 503`), or why it closed. */
  readonly reason: string;
  /** The failure that opened it, when known. */
  readonly lastError?: string;
  /** Deliveries deferred while it was open (on closing). */
  readonly deferred?: number;
  /** When it opened (on closing: how long it was open). */
  readonly openedAt?: string;
}

/** Tells subscribers about terminal states and the circuit breaker's transitions. */
export interface Notifier {
  notify(notification: JobNotification): Promise<void>;
  notifyCircuit(notification: CircuitNotification): Promise<void>;
}

/** One time slot of the rate limiter: calls admitted in it are counted together. */
export interface RateSlot {
  /** Names the slot, e.g. `s/17637264001` (100 ms slot number) or `m/293954400` (6 s slot). */
  readonly key: string;
  /** When the slot's count may be forgotten (a while after the slot ends). */
  readonly expiresAt: Date;
}

/** The rate limiter's shared counts: calls admitted per time slot, across every enrichment. */
export interface RateLimitStore {
  /**
   * Adds `calls` to the slot's count in one atomic write and returns the count after it (which
   * includes what other callers added before). The caller may add more than it is then granted:
   * the count only grows, so a slot is never over-granted.
   */
  add(slot: RateSlot, calls: number): Promise<number>;
}

/** The circuit breaker's shared state, as stored. */
export interface CircuitState {
  readonly state: 'closed' | 'open';
  /** Retryable failures in a row (reset by a success). */
  readonly failures: number;
  /** When it last opened (ISO). */
  readonly openedAt?: string;
  /** When it last closed (ISO). */
  readonly closedAt?: string;
  /** Why it opened. */
  readonly reason?: string;
  /** The last failure seen. */
  readonly lastError?: string;
  /** Deliveries deferred since it opened. */
  readonly deferred: number;
  /** While open: when the next probe may be let through (ISO). */
  readonly nextProbeAt?: string;
}

/**
 * The circuit breaker's shared state, kept so that every enrichment sees one breaker per API. Each
 * transition is one conditional write, so it happens once however many callers race for it.
 */
export interface CircuitBreakerStore {
  /** The state; `closed` with no failures when nothing was ever stored. */
  read(): Promise<CircuitState>;
  /** Adds retryable failures (in one atomic write) and returns the state after it. */
  addFailures(count: number, lastError: string): Promise<CircuitState>;
  /** Forgets the failures of a closed circuit (a success came). */
  resetFailures(): Promise<void>;
  /** Opens a closed circuit. @returns whether this call opened it (false: it was open already) */
  open(input: {
    readonly at: Date;
    readonly reason: string;
    readonly lastError: string;
    readonly nextProbeAt: Date;
  }): Promise<boolean>;
  /**
   * Claims the probe of an open circuit whose `nextProbeAt` has come, moving it to `nextProbeAt`.
   * @returns whether this call won the probe (one caller per interval does)
   */
  claimProbe(now: Date, nextProbeAt: Date): Promise<boolean>;
  /** Closes an open circuit. @returns whether this call closed it (false: it was closed already) */
  close(at: Date): Promise<boolean>;
  /** Counts deliveries deferred while open. */
  addDeferred(count: number): Promise<void>;
}

/** Time, injectable for tests. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/* ---- Admin ports: what the `b2a` CLI needs beyond the pipeline's own ports. ---- */

/** Depth of a queue. */
export interface QueueStats {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Age of the oldest message, in seconds, when known. */
  readonly oldestAgeSeconds?: number;
}

/** The pipeline's moving parts, as admins watch them. */
export interface PipelineMonitor {
  queueStats(): Promise<{ readonly source: QueueStats; readonly deadLetter: QueueStats }>;
  /** The pipe's state, e.g. `RUNNING`, `STOPPED`, `CREATE_FAILED` (locally: `RUNNING` or `NOT_RUNNING`). */
  pipeState(): Promise<string>;
}

/**
 * Stops and starts the pipe's polling of the source queue (`b2a toggle hold`): messages then wait
 * in the queue. Both calls return at once with the state the service reports (`STOPPING`,
 * `STARTING`); the pipe gets there on its own.
 */
export interface PipeControl {
  /** @returns the pipe's state after the request, e.g. `STOPPING` */
  stop(): Promise<string>;
  /** @returns the pipe's state after the request, e.g. `STARTING` */
  start(): Promise<string>;
}

/** A message that went to the dead-letter queue after maxReceiveCount receives. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
}

/** The dead-letter queue: look, and send everything back to the source queue. */
export interface DeadLetterQueue {
  /** Peeks at up to `limit` messages without removing them. */
  list(limit: number): Promise<DeadLetter[]>;
  /**
   * Moves every dead letter back to the source queue; returns how many, when known.
   * @throws RedriveInProgressError when a redrive is still running
   */
  redrive(): Promise<{ readonly moved?: number }>;
}

/** Who is calling (for `b2a status` and to record who asked for a reprocess). */
export interface Identity {
  readonly arn: string;
  readonly account?: string;
}

export interface IdentityProvider {
  whoami(): Promise<Identity>;
}

/** Everything an admin command can reach in one environment (AWS or local). */
export interface AdminPorts {
  readonly environment: string;
  /** The source bucket (locally: the inbox directory's bucket name). */
  readonly bucket: string;
  readonly flag: FlagAdmin;
  readonly jobs: JobRepository;
  readonly objects: Pick<ObjectSource, 'head'>;
  readonly listing: BucketListing;
  /** The pipeline's key filters, as deployed: a backfill sends only what the pipeline would deliver. */
  readonly filters: { readonly prefix: string; readonly suffix: string };
  /** Where a backfill keeps its checkpoint (per environment). */
  readonly checkpoints: CheckpointStore;
  readonly queue: WorkQueue;
  readonly monitor: PipelineMonitor;
  /**
   * Stops and starts the pipe, where there is one to stop (AWS). Absent locally: the local runtime
   * holds through the enrichment's deferral alone.
   */
  readonly pipe?: PipeControl;
  /** The circuit breaker's shared state, when the environment has a breaker. */
  readonly circuit?: Pick<CircuitBreakerStore, 'read'>;
  /** Admits bulk sends (reprocess, backfill, reconcile --fix): the fleet's rate limit, when configured. */
  readonly pacer: Pacer;
  readonly deadLetters: DeadLetterQueue;
  readonly identity: IdentityProvider;
}

/** The admin ports of one environment, open until `close()` (the CLI opens one per command). */
export interface AdminSession extends AdminPorts {
  /** Releases connections (SDK clients, the local store's client). */
  close(): Promise<void>;
}
