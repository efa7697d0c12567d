import { describe, expect, it } from '@jest/globals';
import { mayRetry, retryDelaySeconds } from '../../../../pipeline-functions/core/retry-policy.js';

const settings = { maxAttempts: 4, baseDelaySeconds: 60, maxDelaySeconds: 3600 };

describe('Function: retryDelaySeconds', () => {
  it('doubles per attempt, jittered between half and all of it', () => {
    expect(retryDelaySeconds(1, settings, () => 0)).toBe(30);
    expect(retryDelaySeconds(1, settings, () => 0.999999)).toBe(60);
    expect(retryDelaySeconds(3, settings, () => 0)).toBe(120);
    expect(retryDelaySeconds(3, settings, () => 0.999999)).toBe(240);
  });
  it('is capped at maxDelaySeconds', () => {
    expect(retryDelaySeconds(20, settings, () => 0.999999)).toBe(3600);
  });
  it('honours a longer Retry-After, but never past the cap', () => {
    expect(retryDelaySeconds(1, settings, () => 0, 300)).toBe(300);
    expect(retryDelaySeconds(1, settings, () => 0, 99_999)).toBe(3600);
    expect(retryDelaySeconds(1, settings, () => 0, 1)).toBe(30);
  });
});

describe('Function: mayRetry', () => {
  it('allows attempts up to maxAttempts', () => {
    expect(mayRetry(3, settings)).toBe(true);
    expect(mayRetry(4, settings)).toBe(false);
  });
});
