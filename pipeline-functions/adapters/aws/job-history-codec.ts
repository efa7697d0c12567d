/**
 * How the jobs table stores a job's attempt history: one Binary attribute holding the history's
 * JSON, deflated against a dictionary, instead of a list of maps. DynamoDB bills a write per started
 * KB of the whole item, attribute names of nested maps included
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html),
 * and the delivery log repeats the same header names, the bucket, the key and the version in every
 * attempt; AWS advises compressing large attribute values and storing them as Binary
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/bp-use-s3-too.html#bp-compress).
 * A first successful attempt then fits one write unit with the job around it. A history that would
 * not shrink (a log of bodies that do not compress) stays a list, so a stored history is never larger
 * than the list DynamoDB would hold, which is what core `deliveryLogBudgetIssues` bounds.
 *
 * The first byte names the format, so that a later dictionary can be added beside this one: items
 * already written keep decoding with the dictionary they were written with.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Attempt } from '../../core/model.js';
import { HistoryNotReadableError } from './errors.js';
import { valueBytes } from './item-size.js';
import type { JobKey } from './jobs-table.js';

/** Format 1: deflate-raw of the JSON, with {@link DICTIONARY_V1} then the job's primary key as dictionary. */
const FORMAT_V1 = 1;

/**
 * What attempts share, most frequent last (deflate finds recent dictionary bytes cheapest). Never
 * change it: stored histories decode only with the exact dictionary they were written with; add a
 * format instead.
 */
const DICTIONARY_V1 =
  '"error":"","requestedBy":"arn:aws:iam::","backfillId":"","retryAfter":"","bodyTruncated":true,' +
  '"requestId":{"header":"x-request-id","value":""},"text/plain","application/octet-stream",' +
  '"webhook-id":"msg_","webhook-timestamp":"","webhook-signature":"v1,","user-agent":"b2a",' +
  '"outcome":"retryable","outcome":"terminal","outcome":"skipped","origin":"retry","origin":"reprocess",' +
  '"origin":"backfill","runId":"auto","b2a-payload":"reference","httpStatus":503,"status":503,' +
  '[{"at":"2026-","runId":"auto","attempt":1,"origin":"s3-event","outcome":"delivered","httpStatus":200,' +
  '"latencyMs":,"request":{"method":"POST","url":"https://","headers":{"authorization":"[redacted]",' +
  '"b2a-attempt":"1","b2a-bucket":"","b2a-key":"","b2a-payload":"content","b2a-version-id":"",' +
  '"content-digest":"sha-256=:=:","content-type":"application/json","idempotency-key":""},' +
  '"bodyBytes":,"bodySha256":""},"response":{"status":200,"contentType":"application/json","body":"';

function dictionaryOf({ pk, sk }: JobKey): Buffer {
  // pk is `<bucket>/<key>` (bucket names hold no `/`): the bucket and the key, raw and URL-encoded
  // as the b2a-key header carries it, and sk the version, are in every attempt's headers.
  const key = pk.slice(pk.indexOf('/') + 1);
  return Buffer.from(`${DICTIONARY_V1}${sk}${encodeURIComponent(key)}${pk}`);
}

/**
 * The stored form of a history: compressed, or the list itself when that is no larger.
 * @param key the job's primary key: its bucket, key and version, repeated in every attempt, make the dictionary
 * @example const stored = encodeHistory(job.history, jobKeyOf(object)) // a Uint8Array for `history`
 */
export function encodeHistory(history: readonly Attempt[], key: JobKey): Uint8Array | readonly Attempt[] {
  const deflated = deflateRawSync(JSON.stringify(history), { level: 9, dictionary: dictionaryOf(key) });
  const compressed = Buffer.concat([Buffer.of(FORMAT_V1), deflated]);
  return compressed.byteLength < valueBytes(history) ? compressed : history;
}

/**
 * The history of a stored item: the Binary this module writes, or the list of maps that items
 * written before it hold.
 * @throws HistoryNotReadableError when the value is neither
 */
export function decodeHistory(stored: unknown, key: JobKey): Attempt[] {
  if (stored === undefined) return [];
  if (Array.isArray(stored)) return stored as Attempt[];
  if (!(stored instanceof Uint8Array) || stored[0] !== FORMAT_V1) {
    throw new HistoryNotReadableError(`the history of ${key.pk}#${key.sk} is in no known format`);
  }
  try {
    const json = inflateRawSync(stored.subarray(1), { dictionary: dictionaryOf(key) });
    return JSON.parse(json.toString('utf8')) as Attempt[];
  } catch (error) {
    throw new HistoryNotReadableError(`the history of ${key.pk}#${key.sk} does not decode`, {
      cause: error,
    });
  }
}
