/**
 * The fleet-wide rate limiter's policy. Time is cut into slots shorter than the limit's window
 * (100 ms for the per-second limit, 6 s for the per-minute one), each with a tenth of the limit,
 * and every enrichment counts what it admits in the slot's shared item (`RateLimitStore`) with one
 * atomic ADD per batch and slot. Any ten consecutive slots hold exactly the limit, so a sliding
 * window that an API measures sees at most the limit plus one slot's share (a window that catches
 * the end of one slot and the start of the slot ten later): that share is the documented burst.
 */
import type { Clock, RateLimitStore } from '../ports.js';

/** A rate limit's window cut into slots. */
interface Window {
  /** The slot key's prefix. */
  readonly prefix: 's' | 'm';
  readonly slotMs: number;
}

/** Slots per window: each holds a tenth of the limit. */
export const SLOTS_PER_WINDOW = 10;
const SECOND: Window = { prefix: 's', slotMs: 1000 / SLOTS_PER_WINDOW };
const MINUTE: Window = { prefix: 'm', slotMs: 60_000 / SLOTS_PER_WINDOW };
/** A slot's count is kept this long after the slot ends (then DynamoDB's TTL, or the local sweep, drops it). */
export const SLOT_KEEP_MS = 60_000;
/** Slot numbers are zero-padded so that slot keys sort in time order (the local sweep relies on it). */
const SLOT_DIGITS = 15;

/** The limits enforced (config `api.rateLimit`). */
export interface RateLimits {
  readonly perSecond: number;
  readonly perMinute?: number;
}

/** What one acquisition got. */
export interface Permits {
  /** Calls that may be made now (0 to the number asked for). */
  readonly granted: number;
  /** When asking again may get more: the next slot with a share. */
  readonly retryAt: Date;
}

/**
 * The share of slot number `slot` in a limit of `limit` per window: the limit spread over the
 * window's ten slots with the remainder going to the first ones, so any ten consecutive slots add up
 * to the limit exactly (a limit under 10 leaves some slots empty).
 * @example slotShare(25, 0) + slotShare(25, 1) // 2 + 3
 */
export function slotShare(limit: number, slot: number): number {
  const i = ((slot % SLOTS_PER_WINDOW) + SLOTS_PER_WINDOW) % SLOTS_PER_WINDOW;
  return (
    Math.floor(((i + 1) * limit) / SLOTS_PER_WINDOW) - Math.floor((i * limit) / SLOTS_PER_WINDOW)
  );
}

/** The most calls a sliding one-second window can see above `perSecond`: one slot's largest share. */
export function burstOf(perSecond: number): number {
  return Math.ceil(perSecond / SLOTS_PER_WINDOW);
}

/**
 * Grants call permits against the shared slot counts. One store write per window per acquisition;
 * a caller that got fewer permits than it asked for waits until `retryAt` (or defers) rather than
 * asking again in the same slot.
 * @example
 * const limiter = new RateLimiter(store, { perSecond: 50 }, clock);
 * const { granted, retryAt } = await limiter.acquire(10);
 */
export class RateLimiter {
  public constructor(
    private readonly store: RateLimitStore,
    private readonly limits: RateLimits,
    private readonly clock: Clock,
  ) {}

  /**
   * Asks for `wanted` permits now. Never grants more than the slot has left, however many callers
   * race: each one's share is computed from the count after its own atomic addition.
   */
  public async acquire(wanted: number): Promise<Permits> {
    const now = this.clock.now().getTime();
    const second = await this.take(SECOND, this.limits.perSecond, now, wanted);
    if (second.granted === 0 || this.limits.perMinute === undefined) return second;
    const minute = await this.take(MINUTE, this.limits.perMinute, now, second.granted);
    // Permits the second's slot granted beyond the minute's are lost: the count only errs high.
    return minute.granted < second.granted ? minute : second;
  }

  private async take(window: Window, limit: number, now: number, wanted: number): Promise<Permits> {
    const slot = Math.floor(now / window.slotMs);
    const share = slotShare(limit, slot);
    const retryAt = new Date(nextSlotWithShare(limit, slot) * window.slotMs);
    if (share === 0 || wanted <= 0) return { granted: 0, retryAt };
    const count = await this.store.add(
      {
        key: `${window.prefix}/${String(slot).padStart(SLOT_DIGITS, '0')}`,
        expiresAt: new Date((slot + 1) * window.slotMs + SLOT_KEEP_MS),
      },
      wanted,
    );
    return { granted: Math.max(0, Math.min(wanted, share - (count - wanted))), retryAt };
  }
}

function nextSlotWithShare(limit: number, slot: number): number {
  let next = slot + 1;
  while (slotShare(limit, next) === 0) next++;
  return next;
}
