import { describe, expect, it } from '@jest/globals';
import {
  VISIBILITY_TIMEOUT_FACTOR,
  visibilityTimeoutSeconds,
} from '../../../infra/constructs/queue-defaults.js';

describe('Function: visibilityTimeoutSeconds', () => {
  it("is six times the pipe's execution time (enrichment plus target)", () => {
    // Act
    const seconds = visibilityTimeoutSeconds(120, 60);

    // Assess
    expect(VISIBILITY_TIMEOUT_FACTOR).toBeGreaterThanOrEqual(6);
    expect(seconds).toBe(1080);
  });

  it('stays within the 12 hours SQS allows', () => {
    // Act
    const seconds = visibilityTimeoutSeconds(9000, 9000);

    // Assess
    expect(seconds).toBe(43_200);
  });
});
