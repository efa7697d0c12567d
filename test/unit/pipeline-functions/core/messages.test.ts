import { describe, expect, it } from '@jest/globals';
import { InvalidMessageError } from '../../../../pipeline-functions/core/errors.js';
import { b2aEnvelope, decodeMessage, encodeEnvelope } from '../../../../pipeline-functions/core/messages.js';

const eventBridge = (key: string) =>
  JSON.stringify({
    version: '0',
    id: 'e1',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    time: '2026-11-21T10:00:00Z',
    detail: {
      version: '0',
      bucket: { name: 'inbox' },
      object: { key, size: 12, etag: 'abc', 'version-id': 'v1', sequencer: '00' },
      reason: 'PutObject',
    },
  });

const classic = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-11-21T10:00:00Z',
        s3: { bucket: { name: 'inbox' }, object: { key, size: 3, eTag: 'e' } },
      },
    ],
  });

describe('Function: decodeMessage', () => {
  it.each(['a b+c%20d.txt', 'dir/ünïcödé/文件.csv', `deep/${'k'.repeat(1000)}`])(
    'keeps EventBridge keys raw (case %#)',
    (key) => {
      const decoded = decodeMessage(eventBridge(key), '2026-01-01T00:00:00Z');
      expect(decoded).toMatchObject({ type: 'object', object: { bucket: 'inbox', key, versionId: 'v1' } });
    },
  );

  it('keeps the sequencer of an EventBridge event, a classic notification and an envelope', () => {
    // Prepare
    const classicWithSequencer = JSON.stringify({
      Records: [
        {
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-11-21T10:00:00Z',
          s3: { bucket: { name: 'inbox' }, object: { key: 'k', eTag: 'e', sequencer: '0055AED6DCD90281E5' } },
        },
      ],
    });
    const run = { id: 'auto', startedAt: '2026-11-21T10:00:00.000Z' };
    const object = { bucket: 'inbox', key: 'k', versionId: 'v1', sequencer: '0055AED6DCD90281E6' };
    const retry = encodeEnvelope({ kind: 'retry', object, run, attempt: 2, sentAt: run.startedAt });
    // Act
    const decoded = [eventBridge('k'), classicWithSequencer, retry].map((body) => decodeMessage(body, 'x'));
    // Assess
    expect(decoded.map((d) => (d.type === 'object' ? d.object.sequencer : undefined))).toEqual([
      '00',
      '0055AED6DCD90281E5',
      '0055AED6DCD90281E6',
    ]);
  });

  it('decodes classic notification keys exactly once', () => {
    const decoded = decodeMessage(classic('a+b%2Bc%2520d%C3%BC'), 'x');
    expect(decoded).toMatchObject({ object: { key: 'a b+c%20dü' }, run: { id: 'auto' } });
  });

  it('round-trips a reprocess envelope', () => {
    const body = encodeEnvelope({
      kind: 'reprocess',
      object: { bucket: 'inbox', key: 'a b' },
      run: { id: 'r1', startedAt: '2026-11-21T11:00:00Z' },
      attempt: 1,
      requestedBy: 'arn:aws:iam::1:user/admin',
      sentAt: '2026-11-21T11:00:00Z',
    });
    expect(decodeMessage(body, 'x')).toEqual({
      type: 'object',
      object: { bucket: 'inbox', key: 'a b' },
      run: { id: 'r1', startedAt: '2026-11-21T11:00:00.000Z' },
      attempt: 1,
      origin: 'reprocess',
      requestedBy: 'arn:aws:iam::1:user/admin',
    });
  });

  it('decodes a deferral envelope as the same attempt, with its count and the deferred message’s origin', () => {
    const body = encodeEnvelope({
      kind: 'deferral',
      origin: 's3-event',
      object: { bucket: 'inbox', key: 'a b' },
      run: { id: 'auto', startedAt: '2026-11-21T11:00:00Z' },
      attempt: 1,
      deferral: 2,
      sentAt: '2026-11-21T11:00:00Z',
    });
    expect(decodeMessage(body, 'x')).toEqual({
      type: 'object',
      object: { bucket: 'inbox', key: 'a b' },
      run: { id: 'auto', startedAt: '2026-11-21T11:00:00.000Z' },
      attempt: 1,
      deferral: 2,
      origin: 's3-event',
    });
  });

  it.each([
    ['not json', /not JSON/],
    [
      '{"b2a":1,"kind":"deferral","object":{"bucket":"b","key":"k"},"run":{"id":"auto","startedAt":"2026-11-21T11:00:00Z"},"attempt":1,"deferral":1}',
      /needs deferral >= 1 and origin/,
    ],
    ['[]', /not a JSON object/],
    ['{"hello":1}', /unknown message/],
    ['{"b2a":2}', /version 2/],
    ['{"b2a":1,"kind":"retry","object":{"bucket":"b"}}', /needs object.bucket/],
    ['{"source":"aws.s3","detail-type":"Object Created","detail":{}}', /without detail.bucket.name/],
  ])('rejects %s with a specific reason', (body, reason) => {
    expect(() => decodeMessage(body, 'x')).toThrow(InvalidMessageError);
    expect(() => decodeMessage(body, 'x')).toThrow(reason);
  });

  it('writes run times in one canonical form, so a reprocess in the same second as the event is newer', () => {
    const event = decodeMessage(eventBridge('a'), 'x');
    const reprocess = decodeMessage(
      encodeEnvelope({
        kind: 'reprocess',
        object: { bucket: 'inbox', key: 'a' },
        run: { id: 'r1', startedAt: '2026-11-21T10:00:00.500Z' },
        attempt: 1,
        sentAt: '2026-11-21T10:00:00.500Z',
      }),
      'x',
    );
    expect(event.type === 'object' && event.run.startedAt).toBe('2026-11-21T10:00:00.000Z');
    expect(
      reprocess.type === 'object' && event.type === 'object' && reprocess.run.startedAt > event.run.startedAt,
    ).toBe(true);
  });

  it('rejects an event whose time is not a time', () => {
    const body = JSON.parse(eventBridge('a')) as Record<string, unknown>;
    expect(() => decodeMessage(JSON.stringify({ ...body, time: 'yesterday' }), 'x')).toThrow(
      'time is not a time',
    );
  });

  it('ignores S3 test events and other detail types', () => {
    expect(decodeMessage('{"Event":"s3:TestEvent"}', 'x')).toEqual({
      type: 'ignored',
      reason: 'S3 test event',
    });
    expect(decodeMessage('{"source":"aws.s3","detail-type":"Object Deleted"}', 'x').type).toBe('ignored');
  });
});

describe('Function: b2aEnvelope', () => {
  it('builds retries and reprocesses alike, leaving out an unknown requester', () => {
    const fields = {
      object: { bucket: 'inbox', key: 'a' },
      run: { id: 'auto', startedAt: '2026-11-21T11:00:00.000Z' },
      attempt: 2,
      sentAt: '2026-11-21T11:01:00.000Z',
    };
    expect(b2aEnvelope({ kind: 'retry', ...fields, requestedBy: undefined })).toEqual({
      b2a: 1,
      kind: 'retry',
      ...fields,
    });
    expect(Object.keys(b2aEnvelope({ kind: 'reprocess', ...fields, requestedBy: 'arn:x' }))).toEqual([
      'b2a',
      'kind',
      'object',
      'run',
      'attempt',
      'requestedBy',
      'sentAt',
    ]);
  });
});
