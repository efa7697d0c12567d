import { describe, expect, it } from '@jest/globals';
import { DynamoDbAdmissionStore } from '../../../../../pipeline-functions/adapters/aws/dynamodb-admission-store.js';
import { DynamoDbJobRepository } from '../../../../../pipeline-functions/adapters/aws/dynamodb-job-repository.js';
import { CircuitBreaker } from '../../../../../pipeline-functions/core/admission/circuit-breaker.js';
import { RateLimiter, slotShare } from '../../../../../pipeline-functions/core/admission/rate-limiter.js';
import { ATTENTION_STATUSES } from '../../../../../pipeline-functions/core/model.js';
import { FakeClock, FakeNotifier } from '../../../../support/fakes.js';
import { dynaliteClient } from '../../../../support/dynalite.js';
import { ensureJobsTable } from '../../../../../pipeline-functions/local/dynamo-store.js';
import { dynaliteForSuite } from '../../../../support/dynalite-suite.js';

let tableCount = 0;

describe('Class: DynamoDbAdmissionStore (on dynalite)', () => {
  const db = dynaliteForSuite();

  async function freshTable(): Promise<string> {
    const tableName = `admission-${++tableCount}`;
    // Waits for ACTIVE: dynalite answers ResourceNotFound until its zero-delay timer has run.
    await ensureJobsTable(db.client, tableName);
    return tableName;
  }

  it('never over-grants a slot to many acquirers racing with their own clients', async () => {
    // Prepare: 12 enrichments, each with its own client, all in one 100 ms slot
    const tableName = await freshTable();
    const clock = new FakeClock(new Date('2026-11-21T12:00:00.000Z'));
    const clients = Array.from({ length: 12 }, () => dynaliteClient(db.endpoint));
    const limiters = clients.map(
      (c) => new RateLimiter(new DynamoDbAdmissionStore(c, { tableName }), { perSecond: 200 }, clock),
    );

    try {
      // Act: three rounds of everyone asking for 5 at once
      const granted: number[] = [];
      for (let round = 0; round < 3; round++) {
        const permits = await Promise.all(limiters.map((limiter) => limiter.acquire(5)));
        granted.push(permits.reduce((sum, p) => sum + p.granted, 0));
      }

      // Assess: the slot's share (18 of 200/s over eleven slots), and nothing once it is gone
      const share = slotShare(200, Math.floor(clock.now().getTime() / 100));
      expect(granted).toEqual([share, 0, 0]);
    } finally {
      for (const c of clients) c.destroy();
    }
  });

  it('keeps admission items out of every job listing and count', async () => {
    // Prepare
    const tableName = await freshTable();
    const store = new DynamoDbAdmissionStore(db.client, { tableName });
    const jobs = new DynamoDbJobRepository(db.client, { tableName });
    await store.add({ key: 's/000000000000001', expiresAt: new Date('2026-11-21T12:01:00Z') }, 3);
    await store.addFailures(2, 'HTTP 503');
    await store.open({
      at: new Date('2026-11-21T12:00:00Z'),
      reason: 'r',
      lastError: 'HTTP 503',
      nextProbeAt: new Date('2026-11-21T12:00:30Z'),
    });

    // Act
    const listed = await Promise.all(ATTENTION_STATUSES.map((status) => jobs.listByStatus({ status })));
    const counted = await Promise.all(ATTENTION_STATUSES.map((status) => jobs.countByStatus(status)));

    // Assess
    expect(listed.flatMap((page) => page.items)).toEqual([]);
    expect(counted).toEqual(ATTENTION_STATUSES.map(() => 0));
  });

  it('makes each transition once: one of many racing breakers opens, one wins the probe, one closes', async () => {
    // Prepare
    const tableName = await freshTable();
    const store = new DynamoDbAdmissionStore(db.client, { tableName });
    const clock = new FakeClock();
    const notifier = new FakeNotifier();
    const breakers = Array.from(
      { length: 6 },
      () =>
        new CircuitBreaker({
          store,
          settings: { failureThreshold: 3, probeSeconds: 10 },
          clock,
          notifier,
          environment: 'dev',
        }),
    );
    await Promise.all(breakers.map((b) => b.check()));

    // Act
    await Promise.all(breakers.map((b) => b.observe({ kind: 'retryable', reason: 'HTTP 503' }, false)));
    const whileOpen = await Promise.all(breakers.map((b) => b.check()));
    clock.advance(10_000);
    const atProbeTime = await Promise.all(breakers.map((b) => b.check()));
    const prober = breakers[atProbeTime.findIndex((a) => a.allow === 'probe')];
    await prober?.observe({ kind: 'delivered', httpStatus: 200, latencyMs: 1 }, true);

    // Assess
    expect(whileOpen.map((a) => a.allow)).toEqual(Array(6).fill('none'));
    expect(atProbeTime.filter((a) => a.allow === 'probe')).toHaveLength(1);
    expect(notifier.circuit.map((n) => n.event)).toEqual(['circuit-open', 'circuit-closed']);
    expect(await store.read()).toMatchObject({
      state: 'closed',
      failures: 0,
      openedAt: '2026-11-21T12:00:00.000Z',
    });
  });

  it('counts deferrals while open only, and sweeps expired slots (dynalite keeps TTL items)', async () => {
    // Prepare
    const tableName = await freshTable();
    const store = new DynamoDbAdmissionStore(db.client, { tableName });
    await store.addDeferred(4);
    await store.open({ at: new Date(), reason: 'r', lastError: 'e', nextProbeAt: new Date() });
    await store.addDeferred(4);
    await store.add({ key: 's/000000000000001', expiresAt: new Date('2026-11-21T12:00:00Z') }, 1);
    await store.add({ key: 's/000000000000002', expiresAt: new Date('2026-11-21T13:00:00Z') }, 1);

    // Act
    const swept = await store.sweepSlots(new Date('2026-11-21T12:30:00Z'));

    // Assess
    expect((await store.read()).deferred).toBe(4);
    expect(swept).toBe(1);
    expect(
      await store.add({ key: 's/000000000000002', expiresAt: new Date('2026-11-21T13:00:00Z') }, 1),
    ).toBe(2);
    expect(
      await store.add({ key: 's/000000000000001', expiresAt: new Date('2026-11-21T12:00:00Z') }, 1),
    ).toBe(1);
  });
});
