import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  CircuitBreaker,
  type CircuitEvent,
} from '../../../../../pipeline-functions/core/admission/circuit-breaker.js';
import type { DeliveryResult } from '../../../../../pipeline-functions/core/outcome.js';
import { FakeAdmissionStore, FakeClock, FakeNotifier } from '../../../../support/fakes.js';

const failure: DeliveryResult = { kind: 'retryable', reason: 'HTTP 503: down', httpStatus: 503 };
const success: DeliveryResult = { kind: 'delivered', httpStatus: 200, latencyMs: 3 };

describe('Class: CircuitBreaker', () => {
  let clock: FakeClock;
  let store: FakeAdmissionStore;
  let notifier: FakeNotifier;
  let events: CircuitEvent[];
  const breaker = (): CircuitBreaker =>
    new CircuitBreaker({
      store,
      settings: { failureThreshold: 3, probeSeconds: 30 },
      clock,
      notifier,
      environment: 'dev',
      onEvent: (event) => events.push(event),
    });

  beforeEach(() => {
    clock = new FakeClock();
    store = new FakeAdmissionStore();
    notifier = new FakeNotifier();
    events = [];
  });

  it('opens after failureThreshold retryable failures in a row, once, with one notification', async () => {
    // Prepare: two containers share the store
    const [a, b] = [breaker(), breaker()];
    await a.check();
    await b.check();

    // Act
    const results = [
      await a.observe(failure, false),
      await b.observe(failure, false),
      await a.observe(failure, false),
      await b.observe(failure, false),
    ];

    // Assess: the failures are real attempts (retryable); the breaker opened on the third
    expect(results.map((r) => r.kind)).toEqual(['retryable', 'retryable', 'retryable', 'retryable']);
    expect(store.circuit).toMatchObject({ state: 'open', nextProbeAt: '2026-11-21T12:00:30.000Z' });
    expect(notifier.circuit).toEqual([
      {
        event: 'circuit-open',
        environment: 'dev',
        at: '2026-11-21T12:00:00.000Z',
        reason: '3 retryable failures in a row (last: HTTP 503: down)',
        lastError: 'HTTP 503: down',
      },
    ]);
    expect(a.isOpen).toBe(true);
  });

  it('lets a success reset the count, so failures must come in a row', async () => {
    // Prepare
    const b = breaker();
    await b.check();

    // Act
    await b.observe(failure, false);
    await b.observe(failure, false);
    await b.observe(success, false);
    await b.observe(failure, false);
    await b.observe(failure, false);

    // Assess
    expect(store.circuit).toMatchObject({ state: 'closed', failures: 2 });
    expect(notifier.circuit).toEqual([]);
  });

  it('defers while open, lets one caller probe per interval, and closes on the probe’s success', async () => {
    // Prepare
    await store.open({
      at: clock.now(),
      reason: 'r',
      lastError: 'e',
      nextProbeAt: new Date(clock.now().getTime() + 30_000),
    });
    const [a, b] = [breaker(), breaker()];

    // Act
    const early = await a.check();
    clock.advance(30_000);
    const [first, second] = [await a.check(), await b.check()];
    const probed = await a.observe(success, true);

    // Assess
    expect(early).toMatchObject({ allow: 'none', nextProbeAt: new Date('2026-11-21T12:00:30.000Z') });
    expect([first.allow, second.allow]).toEqual(['probe', 'none']);
    expect(probed).toEqual(success);
    expect(store.circuit.state).toBe('closed');
    expect(notifier.circuit.map((n) => n.event)).toEqual(['circuit-closed']);
    expect(events.filter((e) => e.type === 'closed')).toHaveLength(1);
  });

  it('turns a failed probe into a deferral until the next probe: the breaker’s own calls spend no attempt', async () => {
    // Prepare
    await store.open({ at: clock.now(), reason: 'r', lastError: 'e', nextProbeAt: clock.now() });
    const b = breaker();
    await b.check();

    // Act
    const result = await b.observe(failure, true);

    // Assess
    expect(result).toEqual({
      kind: 'deferred',
      cause: 'circuit open',
      reason: 'deferred: circuit open (probe failed: HTTP 503: down)',
      notBefore: '2026-11-21T12:00:30.000Z',
      spreadSeconds: 30,
    });
    expect(store.circuit.state).toBe('open');
    expect(notifier.circuit).toEqual([]);
  });

  it.each([401, 403])(
    'opens at once on HTTP %i, with the reason, and defers that delivery',
    async (status) => {
      // Prepare
      const b = breaker();
      await b.check();

      // Act
      const result = await b.observe(
        { kind: 'terminal', reason: `HTTP ${status}: token revoked`, httpStatus: status },
        false,
      );

      // Assess
      expect(result).toMatchObject({ kind: 'deferred', cause: 'circuit open' });
      expect(store.circuit).toMatchObject({
        state: 'open',
        reason: `the API refused b2a's credentials or configuration (HTTP ${status}: token revoked)`,
      });
      expect(notifier.circuit.map((n) => n.event)).toEqual(['circuit-open']);
    },
  );

  it('keeps the call’s result when the shared state cannot be updated, and says so', async () => {
    // Prepare
    const b = breaker();
    await b.check();
    store.addFailures = () => Promise.reject(new Error('throttled'));

    // Act
    const result = await b.observe(failure, false);

    // Assess
    expect(result).toEqual(failure);
    expect(events.map((e) => e.type)).toEqual(['state', 'store-failed']);
  });

  it('does not let a read that started before its own opening close the circuit again for the next batch', async () => {
    // Prepare: one container, two batches; one batch's read is answered with the state before the opening
    const b = breaker();
    await b.check();
    const before = await store.read();
    await b.observe(failure, false);
    await b.observe(failure, false);
    await b.observe(failure, false);
    store.read = () => Promise.resolve(before);

    // Act
    const admission = await b.check();

    // Assess
    expect(admission.allow).toBe('none');
    expect(b.isOpen).toBe(true);
  });
});
