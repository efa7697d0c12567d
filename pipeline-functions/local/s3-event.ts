/**
 * S3 "Object Created" events as EventBridge delivers them (and as the rule puts them on the source
 * queue): the same fields, kebab-case names and raw keys, so the handlers read local events exactly
 * like AWS ones.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './data-dir.js';

/** An EventBridge S3 "Object Created" event. */
export interface S3ObjectCreatedEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Object Created';
  readonly source: 'aws.s3';
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: {
    readonly version: '0';
    readonly bucket: { readonly name: string };
    readonly object: {
      readonly key: string;
      readonly size: number;
      readonly etag: string;
      readonly sequencer: string;
    };
    readonly 'request-id': string;
    readonly requester: string;
    readonly 'source-ip-address': string;
    readonly reason: 'PutObject';
  };
}

let sequence = 0;

/**
 * A sequencer like S3's: hex, growing with time, so events of one key order by it.
 * @example sequencerOf(new Date()) // '0001934A8B2C3D4E00'
 */
export function sequencerOf(time: Date): string {
  sequence = (sequence + 1) % 256;
  return (BigInt(time.getTime()) * 256n + BigInt(sequence)).toString(16).toUpperCase().padStart(18, '0');
}

/**
 * Builds the event for an object written to the local inbox. `time` keeps milliseconds (EventBridge
 * sends whole seconds): it becomes the automatic run's start, which a reprocess made moments later
 * must be ordered after.
 */
export function objectCreatedEvent(input: {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly time: Date;
}): S3ObjectCreatedEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: LOCAL_ACCOUNT,
    time: input.time.toISOString(),
    region: LOCAL_REGION,
    resources: [`arn:aws:s3:::${input.bucket}`],
    detail: {
      version: '0',
      bucket: { name: input.bucket },
      object: { key: input.key, size: input.size, etag: input.etag, sequencer: sequencerOf(input.time) },
      'request-id': randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase(),
      requester: LOCAL_ACCOUNT,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    },
  };
}
