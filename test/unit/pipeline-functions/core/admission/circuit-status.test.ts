import { describe, expect, it } from '@jest/globals';
import { readCircuitStatus } from '../../../../../pipeline-functions/core/admission/circuit-status.js';
import { FakeAdmissionStore, FakeClock } from '../../../../support/fakes.js';

describe('Function: readCircuitStatus', () => {
  it('shows a closed breaker that never opened', async () => {
    expect(await readCircuitStatus(new FakeAdmissionStore(), new FakeClock())).toEqual({
      state: 'closed',
      deferred: 0,
      failures: 0,
    });
  });

  it('shows an open breaker with since when, why, what waits and the next probe; half-open once the probe is due', async () => {
    // Prepare
    const clock = new FakeClock();
    const store = new FakeAdmissionStore();
    await store.open({
      at: clock.now(),
      reason: 'HTTP 401 from the API',
      lastError: 'HTTP 401',
      nextProbeAt: new Date(clock.now().getTime() + 30_000),
    });
    await store.addDeferred(7);

    // Act
    const open = await readCircuitStatus(store, clock);
    clock.advance(30_000);
    const due = await readCircuitStatus(store, clock);

    // Assess
    expect(open).toEqual({
      state: 'open',
      since: '2026-11-21T12:00:00.000Z',
      reason: 'HTTP 401 from the API',
      lastError: 'HTTP 401',
      deferred: 7,
      failures: 0,
      nextProbeAt: '2026-11-21T12:00:30.000Z',
    });
    expect(due.state).toBe('half-open');
  });
});
