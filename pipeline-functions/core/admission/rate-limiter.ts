/**
 * The fleet-wide rate limiter's policy. Time is cut into slots of a tenth of the limit's window
 * (100 ms for the per-second limit, 6 s for the per-minute one), and every enrichment counts what
 * it admits in the slot's shared item (`RateLimitStore`) with one atomic ADD per batch and slot.
 *
 * A sliding window of the limit's length, which is what an API's own limiter measures, touches
 * eleven slots when it starts inside one: so each slot gets an eleventh of the limit (any eleven
 * consecutive slots hold exactly the limit) and no window ever sees more, at the price of draining
 * a backlog at 10/11 (91 %) of the limit. A per-second permit is used in the first half of its
 * slot (a caller past the middle reserves the next slot and waits for its start; a permit it could
 * not use in time is dropped, its count kept), so timer and network jitter of up to half a slot
 * cannot push a slot's calls into a twelfth.
 */
import type { Clock, RateLimitStore } from '../ports.js';

/** A rate limit's window cut into slots. */
interface Window {
  /** The slot key's prefix. */
  readonly prefix: 's' | 'm';
  readonly slotMs: number;
}

/** Slots per window: a slot lasts a tenth of the window. */
export const SLOTS_PER_WINDOW = 10;
/** Slots a sliding window can touch, over which the limit is spread. */
export const SLOTS_PER_SHARE = SLOTS_PER_WINDOW + 1;
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
  /** Calls that may be made from `at` (0 to the number asked for). */
  readonly granted: number;
  /** When the permits may be used: now, or the start of the next slot. */
  readonly at: Date;
  /** The permits are dropped when not used by then (half a slot after `at`'s slot starts). */
  readonly usableUntil: Date;
  /** When asking again may get more: the next slot with a share. */
  readonly retryAt: Date;
}

/**
 * The share of slot number `slot` in a limit of `limit` per window: the limit spread over eleven
 * slots, so any eleven consecutive slots add up to the limit exactly (a limit under 11 leaves some
 * slots empty).
 * @example slotShare(20, 0) + slotShare(20, 1) // 1 + 2
 */
export function slotShare(limit: number, slot: number): number {
  const i = ((slot % SLOTS_PER_SHARE) + SLOTS_PER_SHARE) % SLOTS_PER_SHARE;
  return Math.floor(((i + 1) * limit) / SLOTS_PER_SHARE) - Math.floor((i * limit) / SLOTS_PER_SHARE);
}

/**
 * The documented burst: how many calls above the limit a sliding window at the API can see, at most
 * one slot's share, and only when calls take more than half a slot (50 ms) from their permit to the
 * API (a starved CPU, network jitter): their slot's calls then overlap a twelfth slot.
 */
export function burstOf(limit: number): number {
  return Math.ceil(limit / SLOTS_PER_SHARE);
}

/** The calls a backlog drains at per window under a limit: ten slots' shares of eleven. */
export function drainRate(limit: number): number {
  return (limit * SLOTS_PER_WINDOW) / SLOTS_PER_SHARE;
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
    const slot = usableSlot(now, SECOND.slotMs);
    const at = Math.max(now, slot * SECOND.slotMs);
    const usableUntil = new Date(slot * SECOND.slotMs + SECOND.slotMs / 2);
    const second = await this.take(SECOND, this.limits.perSecond, slot, wanted);
    const permits = { granted: second.granted, at: new Date(at), usableUntil, retryAt: second.retryAt };
    if (second.granted === 0 || this.limits.perMinute === undefined) return permits;
    const minuteSlot = Math.floor(at / MINUTE.slotMs);
    const minute = await this.take(MINUTE, this.limits.perMinute, minuteSlot, second.granted);
    // Permits the second's slot granted beyond the minute's are lost: the count only errs high.
    return minute.granted < second.granted ? { ...permits, ...minute } : permits;
  }

  /** Whether permits can still be used at `now` (else they are dropped: their count stays). */
  public static usable(permits: Permits, now: Date): boolean {
    return now.getTime() < permits.usableUntil.getTime();
  }

  private async take(
    window: Window,
    limit: number,
    slot: number,
    wanted: number,
  ): Promise<Pick<Permits, 'granted' | 'retryAt'>> {
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

/** The slot a caller at `now` uses: this one in its first half, else the next. */
function usableSlot(now: number, slotMs: number): number {
  const slot = Math.floor(now / slotMs);
  return now - slot * slotMs < slotMs / 2 ? slot : slot + 1;
}

function nextSlotWithShare(limit: number, slot: number): number {
  let next = slot + 1;
  while (slotShare(limit, next) === 0) next++;
  return next;
}
