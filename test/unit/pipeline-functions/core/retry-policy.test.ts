import { describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
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

describe('Default retry settings', () => {
  it('keep a job retrying for at least a day, even when jitter always picks the shortest delay', () => {
    const { retry } = parsePipelineConfig({ api: { url: 'https://x.test' } });
    let seconds = 0;
    for (let attempt = 1; mayRetry(attempt, retry); attempt++)
      seconds += retryDelaySeconds(attempt, retry, () => 0);
    expect(seconds).toBeGreaterThanOrEqual(24 * 3600);
  });
});
