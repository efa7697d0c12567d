/**
 * Messages on the source queue, and how to read them. A message body is one of:
 * - an EventBridge S3 "Object Created" event (the rule puts the whole event on the queue; keys are raw);
 * - a classic S3 event notification (keys URL-encoded, a space as `+`), for buckets wired the old way;
 * - a b2a envelope (version 1) sent by Scheduler for a retry, or by the CLI for a reprocess or a backfill.
 */
import { InvalidMessageError } from './errors.js';
import { AUTO_RUN_ID, type ObjectRef, type Origin, type Run } from './model.js';

/**
 * The b2a envelope: small, versioned JSON that names an object version and the attempt to make.
 * `deferral` envelopes bring back an attempt that admission control deferred: the same attempt
 * number (a deferral is not an attempt), the next `deferral` count, and the origin of the message
 * that was deferred.
 */
export interface B2aEnvelope {
  readonly b2a: 1;
  readonly kind: 'retry' | 'reprocess' | 'backfill' | 'deferral';
  readonly object: ObjectRef;
  readonly run: Run;
  /** The attempt this message asks for, within the run (1-based). */
  readonly attempt: number;
  /** For a deferral: how many times this attempt has been deferred (1-based). */
  readonly deferral?: number;
  /** For a deferral: where the deferred message came from. */
  readonly origin?: Origin;
  /** Who asked, for a reprocess: the caller's IAM ARN (or the local user). */
  readonly requestedBy?: string;
  /** The backfill that sent it (kept by its retries), so a job's history names the backfill. */
  readonly backfillId?: string;
  readonly sentAt: string;
}

/** The delivery of one object version that a message asks for: which run, which attempt, from where. */
export interface ObjectRequest {
  readonly object: ObjectRef;
  readonly run: Run;
  readonly attempt: number;
  /** How many times this attempt was deferred before (0 or absent: its first try). */
  readonly deferral?: number;
  readonly origin: Origin;
  readonly requestedBy?: string;
  readonly backfillId?: string;
}

/** What a queue message asks for, once decoded. */
export type DecodedMessage =
  | ({ readonly type: 'object' } & ObjectRequest)
  /** A message that is understood but asks for nothing (e.g. S3's `s3:TestEvent`). */
  | { readonly type: 'ignored'; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Decodes a queue message body.
 * @throws InvalidMessageError with a specific reason when the body is not a message b2a understands.
 * @example decodeMessage(record.body, record.attributes.SentTimestamp)
 */
export function decodeMessage(body: string, fallbackTime: string): DecodedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new InvalidMessageError(`message body is not JSON: ${JSON.stringify(body.slice(0, 80))}`);
  }
  if (!isObject(parsed)) throw new InvalidMessageError('message body is not a JSON object');
  if ('b2a' in parsed) return decodeEnvelope(parsed);
  if (parsed['source'] === 'aws.s3') return decodeEventBridge(parsed, fallbackTime);
  if (Array.isArray(parsed['Records'])) return decodeClassic(parsed['Records'], fallbackTime);
  if (parsed['Event'] === 's3:TestEvent') return { type: 'ignored', reason: 'S3 test event' };
  throw new InvalidMessageError('unknown message: neither an S3 event nor a b2a envelope');
}

function decodeEventBridge(event: Json, fallbackTime: string): DecodedMessage {
  const detailType = str(event['detail-type']);
  if (detailType !== 'Object Created') return { type: 'ignored', reason: `S3 event "${detailType}"` };
  const detail = isObject(event['detail']) ? event['detail'] : {};
  const bucket = isObject(detail['bucket']) ? str(detail['bucket']['name']) : undefined;
  const object = isObject(detail['object']) ? detail['object'] : undefined;
  const key = object ? str(object['key']) : undefined;
  if (!bucket || !object || key === undefined) {
    throw new InvalidMessageError(
      'S3 "Object Created" event without detail.bucket.name or detail.object.key',
    );
  }
  const startedAt = canonicalTime(str(event['time']) ?? fallbackTime, 'time');
  return {
    type: 'object',
    object: compact({
      bucket,
      key, // EventBridge delivers keys raw: never decode them.
      versionId: str(object['version-id']),
      etag: str(object['etag']),
      size: num(object['size']),
      sequencer: str(object['sequencer']),
    }),
    run: { id: AUTO_RUN_ID, startedAt },
    attempt: 1,
    origin: 's3-event',
  };
}

function decodeClassic(records: unknown[], fallbackTime: string): DecodedMessage {
  if (records.length !== 1) {
    throw new InvalidMessageError(`classic S3 notification with ${records.length} records (expected 1)`);
  }
  const record = records[0];
  const s3 = isObject(record) && isObject(record['s3']) ? record['s3'] : undefined;
  const eventName = isObject(record) ? str(record['eventName']) : undefined;
  if (!eventName?.startsWith('ObjectCreated:')) return { type: 'ignored', reason: `S3 event "${eventName}"` };
  const bucket = s3 && isObject(s3['bucket']) ? str(s3['bucket']['name']) : undefined;
  const object = s3 && isObject(s3['object']) ? s3['object'] : undefined;
  const rawKey = object ? str(object['key']) : undefined;
  if (!bucket || !object || rawKey === undefined) {
    throw new InvalidMessageError('classic S3 notification without s3.bucket.name or s3.object.key');
  }
  return {
    type: 'object',
    object: compact({
      bucket,
      key: decodeClassicKey(rawKey),
      versionId: str(object['versionId']),
      etag: str(object['eTag']),
      size: num(object['size']),
      sequencer: str(object['sequencer']),
    }),
    run: {
      id: AUTO_RUN_ID,
      startedAt: canonicalTime((isObject(record) && str(record['eventTime'])) || fallbackTime, 'eventTime'),
    },
    attempt: 1,
    origin: 's3-event',
  };
}

/** Classic notifications URL-encode keys with `+` for a space. Decoded exactly once, here. */
export function decodeClassicKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new InvalidMessageError(
      `classic S3 notification with a malformed URL-encoded key: ${raw.slice(0, 80)}`,
    );
  }
}

function decodeEnvelope(m: Json): DecodedMessage {
  if (m['b2a'] !== 1)
    throw new InvalidMessageError(`b2a envelope version ${String(m['b2a'])} is not supported`);
  const kind = m['kind'];
  if (kind !== 'retry' && kind !== 'reprocess' && kind !== 'backfill' && kind !== 'deferral') {
    throw new InvalidMessageError(
      `b2a envelope kind ${JSON.stringify(kind)} is not retry, reprocess, backfill or deferral`,
    );
  }
  const { origin, deferral }: { readonly origin: Origin; readonly deferral?: number } =
    kind === 'deferral' ? decodeDeferral(m) : { origin: kind };
  const o = isObject(m['object']) ? m['object'] : undefined;
  const run = isObject(m['run']) ? m['run'] : undefined;
  const bucket = o ? str(o['bucket']) : undefined;
  const key = o ? str(o['key']) : undefined;
  const runId = run ? str(run['id']) : undefined;
  const startedAt = run ? str(run['startedAt']) : undefined;
  const attempt = num(m['attempt']);
  if (!o || !bucket || key === undefined || !runId || !startedAt || !attempt || attempt < 1) {
    throw new InvalidMessageError(
      'b2a envelope needs object.bucket, object.key, run.id, run.startedAt, attempt >= 1',
    );
  }
  return {
    type: 'object',
    object: compact({
      bucket,
      key,
      versionId: str(o['versionId']),
      etag: str(o['etag']),
      size: num(o['size']),
      sequencer: str(o['sequencer']),
    }),
    run: { id: runId, startedAt: canonicalTime(startedAt, 'run.startedAt') },
    attempt,
    ...(deferral ? { deferral } : {}),
    origin,
    ...(str(m['requestedBy']) ? { requestedBy: str(m['requestedBy']) } : {}),
    ...(str(m['backfillId']) ? { backfillId: str(m['backfillId']) } : {}),
  };
}

const ORIGINS: readonly Origin[] = ['s3-event', 'retry', 'reprocess', 'backfill'];

function decodeDeferral(m: Json): { readonly origin: Origin; readonly deferral: number } {
  const count = num(m['deferral']);
  const origin = ORIGINS.find((o) => o === m['origin']);
  if (!count || count < 1 || !Number.isInteger(count) || !origin) {
    throw new InvalidMessageError(
      `a b2a deferral envelope needs deferral >= 1 and origin (one of ${ORIGINS.join(', ')})`,
    );
  }
  return { origin, deferral: count };
}

/**
 * Run start times are compared as strings (in the core and in the job store's conditional write),
 * so every one is rewritten to the one canonical form, `toISOString()`: EventBridge sends whole
 * seconds (`…:00Z`), the CLI milliseconds (`…:00.500Z`), and `.` sorts before `Z`.
 */
function canonicalTime(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new InvalidMessageError(`${field} is not a time: ${JSON.stringify(value.slice(0, 40))}`);
  return new Date(ms).toISOString();
}

/** What a retry or reprocess envelope names; `requestedBy` may be unknown (an automatic run). */
export type EnvelopeFields = Omit<B2aEnvelope, 'b2a' | 'requestedBy' | 'backfillId'> & {
  readonly requestedBy?: string | undefined;
  readonly backfillId?: string | undefined;
};

/**
 * The one builder of b2a envelopes: the target's retries and deferrals and the CLI's reprocesses all
 * make theirs here, so the two never differ in shape or field order (a retry's body is part of its schedule
 * request, which must be the same each time it is sent).
 * @example b2aEnvelope({ kind: 'reprocess', object, run, attempt: 1, requestedBy: arn, sentAt: now })
 */
export function b2aEnvelope(fields: EnvelopeFields): B2aEnvelope {
  const { kind, object, run, attempt, deferral, origin, requestedBy, backfillId, sentAt } = fields;
  return {
    b2a: 1,
    kind,
    object,
    run,
    attempt,
    ...(deferral ? { deferral } : {}),
    ...(origin ? { origin } : {}),
    ...(requestedBy ? { requestedBy } : {}),
    ...(backfillId ? { backfillId } : {}),
    sentAt,
  };
}

/** The message body of a retry or reprocess. */
export function encodeEnvelope(envelope: EnvelopeFields): string {
  return JSON.stringify(b2aEnvelope(envelope));
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
