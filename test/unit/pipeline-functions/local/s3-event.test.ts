import { describe, expect, it } from '@jest/globals';
import { decodeMessage } from '../../../../pipeline-functions/core/messages.js';
import { objectCreatedEvent, sequencerOf } from '../../../../pipeline-functions/local/s3-event.js';

describe('Function: objectCreatedEvent', () => {
  const time = new Date('2026-11-21T12:00:00.250Z');

  it('builds the EventBridge S3 "Object Created" shape with the raw key', () => {
    // Act
    const event = objectCreatedEvent({
      bucket: 'local-inbox',
      key: 'a b/+%ü.csv',
      size: 3,
      etag: 'abc',
      time,
    });
    // Assess
    expect(event).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      time: '2026-11-21T12:00:00.250Z',
      resources: ['arn:aws:s3:::local-inbox'],
      detail: {
        version: '0',
        bucket: { name: 'local-inbox' },
        object: { key: 'a b/+%ü.csv', size: 3, etag: 'abc' },
        reason: 'PutObject',
      },
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.detail.object.sequencer).toMatch(/^[0-9A-F]{18}$/);
    expect(typeof event.detail['request-id']).toBe('string');
    expect(typeof event.detail.requester).toBe('string');
  });

  it('is decoded by the core exactly like an AWS event', () => {
    // Prepare
    const event = objectCreatedEvent({
      bucket: 'local-inbox',
      key: 'a b/+%ü.csv',
      size: 3,
      etag: 'abc',
      time,
    });
    // Act
    const decoded = decodeMessage(JSON.stringify(event), '2026-11-21T12:00:01.000Z');
    // Assess
    expect(decoded).toEqual({
      type: 'object',
      object: {
        bucket: 'local-inbox',
        key: 'a b/+%ü.csv',
        etag: 'abc',
        size: 3,
        sequencer: event.detail.object.sequencer,
      },
      run: { id: 'auto', startedAt: '2026-11-21T12:00:00.250Z' },
      attempt: 1,
      origin: 's3-event',
    });
  });

  it('makes sequencers that grow with time', () => {
    // Act
    const first = sequencerOf(new Date(1000));
    const later = sequencerOf(new Date(2000));
    // Assess
    expect(later > first).toBe(true);
  });
});
