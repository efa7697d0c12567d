import { describe, expect, it } from '@jest/globals';
import { describeDeadLetter } from '../../../../../../pipeline-functions/core/use-cases/admin/dead-letters.js';
import { DEAD_LETTER_BODIES } from '../../../../../support/fake-admin.js';

const { s3Event, retry } = DEAD_LETTER_BODIES;

describe('Function: describeDeadLetter', () => {
  it('says which object an S3 event was about', () => {
    expect(
      describeDeadLetter({
        messageId: 'm1',
        body: s3Event,
        receiveCount: 5,
        sentAt: '2026-11-21T10:00:01.000Z',
      }),
    ).toEqual({
      messageId: 'm1',
      sentAt: '2026-11-21T10:00:01.000Z',
      receiveCount: 5,
      kind: 's3-event',
      bucket: 'inbox',
      key: 'a b.csv',
      versionId: 'v1',
      body: s3Event,
    });
  });

  it('reads b2a envelopes', () => {
    expect(describeDeadLetter({ messageId: 'm2', body: retry })).toMatchObject({
      kind: 'retry',
      key: 'r.csv',
    });
  });

  it('says why a message cannot be read', () => {
    expect(describeDeadLetter({ messageId: 'm3', body: 'not json' })).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('not JSON'),
    });
    expect(describeDeadLetter({ messageId: 'm4', body: '{"Event":"s3:TestEvent"}' })).toMatchObject({
      kind: 'ignored',
      reason: 'S3 test event',
    });
  });
});
