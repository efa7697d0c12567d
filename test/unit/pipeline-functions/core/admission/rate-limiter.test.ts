import { describe, expect, it } from '@jest/globals';
import {
  RateLimiter,
  slotShare,
  SLOTS_PER_SHARE,
} from '../../../../../pipeline-functions/core/admission/rate-limiter.js';
import { FakeAdmissionStore, FakeClock } from '../../../../support/fakes.js';

/** A clock at a slot's start: 2026-11-21T12:00:00.000Z is a multiple of 100 ms. */
const atSlotStart = (): FakeClock => new FakeClock(new Date('2026-11-21T12:00:00.000Z'));

describe('Function: slotShare', () => {
  it.each([1, 7, 20, 50, 99, 1000])('gives any eleven consecutive slots exactly the limit (%i)', (limit) => {
    for (let start = 0; start < 30; start++) {
      const shares = Array.from({ length: SLOTS_PER_SHARE }, (_, i) => slotShare(limit, start + i));
      expect(shares.reduce((a, b) => a + b, 0)).toBe(limit);
    }
  });
});

describe('Class: RateLimiter', () => {
  it('grants a slot its share and nothing more, telling when the next slot starts', async () => {
    // Prepare: 50/s spread over eleven 100 ms slots: 4 or 5 a slot
    const clock = atSlotStart();
    const store = new FakeAdmissionStore();
    const limiter = new RateLimiter(store, { perSecond: 50 }, clock);
    const share = slotShare(50, Math.floor(clock.now().getTime() / 100));

    // Act
    const first = await limiter.acquire(3);
    const second = await limiter.acquire(10);
    const third = await limiter.acquire(1);

    // Assess
    expect([first.granted, second.granted, third.granted]).toEqual([3, share - 3, 0]);
    expect(third.retryAt.toISOString()).toBe('2026-11-21T12:00:00.100Z');
    expect(store.writes).toBe(3);
  });

  it('never grants more than the slot holds to callers racing for it', async () => {
    // Prepare
    const clock = atSlotStart();
    const store = new FakeAdmissionStore();
    const limiters = Array.from({ length: 8 }, () => new RateLimiter(store, { perSecond: 100 }, clock));

    // Act
    const grants = await Promise.all(limiters.map((limiter) => limiter.acquire(4)));

    // Assess
    const share = slotShare(100, Math.floor(clock.now().getTime() / 100));
    expect(grants.reduce((sum, g) => sum + g.granted, 0)).toBe(share);
  });

  it('keeps every sliding second within the limit when callers keep asking, draining at 10/11 of it', async () => {
    // Prepare: callers ask every 7 ms for 12 simulated seconds
    const clock = atSlotStart();
    const store = new FakeAdmissionStore();
    const limiter = new RateLimiter(store, { perSecond: 20 }, clock);
    const calls: number[] = [];

    // Act
    const end = clock.now().getTime() + 12_000;
    while (clock.now().getTime() < end) {
      const permits = await limiter.acquire(3);
      if (permits.granted > 0) {
        const wait = permits.at.getTime() - clock.now().getTime();
        if (wait > 0) clock.advance(wait);
        if (RateLimiter.usable(permits, clock.now())) {
          for (let i = 0; i < permits.granted; i++) calls.push(clock.now().getTime() + 45);
        }
      }
      clock.advance(7);
    }

    // Assess: the calls land up to 45 ms after their permit, and no window of 1 s holds more than 20
    let peak = 0;
    for (const start of calls)
      peak = Math.max(peak, calls.filter((t) => t >= start && t < start + 1000).length);
    expect(peak).toBeLessThanOrEqual(20);
    expect(calls.length).toBeGreaterThanOrEqual(Math.floor(12 * 20 * (10 / 11)) - 2);
  });

  it('reserves the next slot past the middle of this one, usable for half a slot', async () => {
    // Prepare
    const clock = atSlotStart();
    clock.advance(60);
    const limiter = new RateLimiter(new FakeAdmissionStore(), { perSecond: 50 }, clock);

    // Act
    const permits = await limiter.acquire(2);

    // Assess
    expect(permits.at.toISOString()).toBe('2026-11-21T12:00:00.100Z');
    expect(permits.usableUntil.toISOString()).toBe('2026-11-21T12:00:00.150Z');
    expect(RateLimiter.usable(permits, new Date('2026-11-21T12:00:00.149Z'))).toBe(true);
    expect(RateLimiter.usable(permits, new Date('2026-11-21T12:00:00.150Z'))).toBe(false);
  });

  it('also holds the per-minute limit, counted in 6 s slots', async () => {
    // Prepare: 100/s would allow 9 a slot, but 33 a minute allows 3 per 6 s slot
    const clock = atSlotStart();
    const store = new FakeAdmissionStore();
    const limiter = new RateLimiter(store, { perSecond: 100, perMinute: 33 }, clock);

    // Act
    const first = await limiter.acquire(9);
    clock.advance(100);
    const second = await limiter.acquire(9);

    // Assess
    expect([first.granted, second.granted]).toEqual([3, 0]);
    expect(second.retryAt.toISOString()).toBe('2026-11-21T12:00:06.000Z');
    expect([...store.slots.keys()].some((key) => key.startsWith('m/'))).toBe(true);
  });
});
