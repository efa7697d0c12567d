import { describe, expect, it } from '@jest/globals';
import { compareSequencers, sequencerOrder } from '../../../../pipeline-functions/core/versions.js';

/**
 * S3: "The sequencers can be of different lengths. So, to compare these values, first right pad the
 * shorter value with zeros, and then do a lexicographical comparison."
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html)
 */
describe('Function: compareSequencers', () => {
  it.each([
    ['the same event', '0062E99A88DC407460', '0062E99A88DC407460', 0],
    ['a later event of the same length', '0062E99A88DC407460', '0062E99A88DC407461', -1],
    ['a shorter sequencer, right-padded, that came later', '0062E99A88DC407460', '0062E99A88DC4075', -1],
    ['a shorter sequencer, right-padded, that came first', '0062E99A88DC4074', '0062E99A88DC407460', -1],
    ['hex in either case', '0062e99a88dc4074ff', '0062E99A88DC4074FE', 1],
  ])('orders %s', (_, a, b, sign) => {
    expect(Math.sign(compareSequencers(a, b))).toBe(sign);
    expect(Math.sign(compareSequencers(b, a))).toBe(-sign || 0);
  });

  it('stores sequencers so that string order is the documented order', () => {
    const stored = ['0062E99A88DC4075', '0062e99a88dc407460', '0062E99A88DC4074'].map(sequencerOrder).sort();
    expect(stored.map((s) => s.replace(/0+$/, ''))).toEqual([
      '0062E99A88DC4074',
      '0062E99A88DC40746',
      '0062E99A88DC4075',
    ]);
  });
});
