import { describe, expect, it } from '@jest/globals';
import { RatePacer } from '../../../../../pipeline-functions/core/admission/rate-pacer.js';
import { FakeAdmissionStore, FakeClock } from '../../../../support/fakes.js';

/** A pacer on a fake clock whose sleeps move the clock, recording when each take resolved. */
function pacer(perSecond: number, perMinute?: number) {
  const clock = new FakeClock(new Date('2026-11-21T12:00:00.000Z'));
  const store = new FakeAdmissionStore();
  const sleeps: number[] = [];
  const subject = new RatePacer(store, perMinute ? { perSecond, perMinute } : { perSecond }, {
    clock,
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.advance(ms);
    },
  });
  return { clock, store, sleeps, subject };
}

describe('Class: RatePacer', () => {
  it('never lets more than the limit go in any sliding second, over 100,000 sends', async () => {
    // Prepare
    const { clock, subject } = pacer(50);
    const sentAt: number[] = [];

    // Act
    for (let sent = 0; sent < 100_000; sent += 10) {
      await subject.take(10);
      for (let i = 0; i < 10; i++) sentAt.push(clock.now().getTime());
    }

    // Assess
    let peak = 0;
    for (let start = 0, end = 0; end < sentAt.length; end++) {
      while ((sentAt[end] ?? 0) - (sentAt[start] ?? 0) >= 1000) start++;
      peak = Math.max(peak, end - start + 1);
    }
    expect(peak).toBeLessThanOrEqual(50);
    // Drains at 10/11 of the limit: 100,000 / (50 × 10/11) = 2,200 s.
    const seconds = ((sentAt.at(-1) ?? 0) - (sentAt[0] ?? 0)) / 1000;
    expect(seconds).toBeGreaterThan(2150);
    expect(seconds).toBeLessThan(2250);
  });

  it("counts in its own slots, beside the enrichments' (same store, prefix send/)", async () => {
    // Prepare
    const { store, subject } = pacer(50);

    // Act
    await subject.take(10);

    // Assess
    const keys = [...store.slots.keys()];
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((key) => key.startsWith('send/s/'))).toBe(true);
  });

  it('shares the pace with another admin sending at the same time', async () => {
    // Prepare: two pacers on one store and one clock, as two CLIs on one table.
    const { clock, store, subject } = pacer(20);
    const other = new RatePacer(store, { perSecond: 20 }, { clock, sleep: async (ms) => clock.advance(ms) });
    const sentAt: number[] = [];

    // Act
    for (let i = 0; i < 40; i++) {
      await (i % 2 === 0 ? subject : other).take(5);
      for (let j = 0; j < 5; j++) sentAt.push(clock.now().getTime());
    }

    // Assess
    for (let end = 0, start = 0; end < sentAt.length; end++) {
      while ((sentAt[end] ?? 0) - (sentAt[start] ?? 0) >= 1000) start++;
      expect(end - start + 1).toBeLessThanOrEqual(20);
    }
  });

  it('also keeps within a per-minute limit', async () => {
    // Prepare
    const { clock, subject } = pacer(100, 600);
    const start = clock.now().getTime();

    // Act: 1,200 sends at 600 a minute take about two minutes, not 13 s.
    for (let sent = 0; sent < 1200; sent += 10) await subject.take(10);

    // Assess
    expect(clock.now().getTime() - start).toBeGreaterThan(100_000);
  });
});
