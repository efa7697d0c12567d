import { describe, expect, it } from '@jest/globals';
import { IdleTimeoutError } from '../../../../pipeline-functions/local/errors.js';
import { waitUntilIdle, type PendingWork } from '../../../../pipeline-functions/local/idle.js';

/** Answers the given pending counts in turn, then the last one for ever. */
const scripted = (answers: readonly PendingWork[], batches = 0) => {
  let checks = 0;
  return {
    get checks(): number {
      return checks;
    },
    pending: async (): Promise<PendingWork> => answers[Math.min(checks++, answers.length - 1)]!,
    batchesInFlight: () => batches,
  };
};

const NOTHING: PendingWork = { inbox: 0, queued: 0, retries: 0 };

describe('Function: waitUntilIdle', () => {
  it('resolves once two checks in a row find nothing pending', async () => {
    // Prepare
    const runtime = scripted([
      { inbox: 1, queued: 0, retries: 0 },
      NOTHING,
      { ...NOTHING, queued: 2 },
      NOTHING,
    ]);
    // Act
    await waitUntilIdle(runtime, 10_000);
    // Assess
    expect(runtime.checks).toBe(5);
  });

  it('says what is still pending when the time is up', async () => {
    // Prepare
    const runtime = scripted([{ inbox: 1, queued: 2, retries: 3 }]);
    // Act
    const waiting = waitUntilIdle(runtime, 0);
    // Assess
    await expect(waiting).rejects.toBeInstanceOf(IdleTimeoutError);
    await expect(waiting).rejects.toThrow(
      'still busy after 0 ms: 1 inbox file(s), 2 queued message(s), 3 scheduled retry(ies)',
    );
  });

  it('counts a batch in flight as busy', async () => {
    // Prepare
    const runtime = scripted([NOTHING], 1);
    // Act
    const waiting = waitUntilIdle(runtime, 0);
    // Assess
    await expect(waiting).rejects.toBeInstanceOf(IdleTimeoutError);
  });
});
