/**
 * Paces bulk sends (reprocess, backfill, reconcile --fix) with the fleet-wide rate limiter, so that
 * a bulk operation puts work on the queue no faster than the API may take it.
 *
 * It counts in its own slots (`send/s/…`, beside the enrichments' `s/…` in the same store): taking
 * the enrichments' permits would leave them short for the very messages it sent, and those would be
 * deferred through the scheduler (one schedule and one more pipe execution each). The API stays
 * within its limit through the enrichments' limiter; the pacer keeps the queue from filling with
 * work that would only be deferred, and several admins' bulk sends share one pace.
 */
import type { Clock, Pacer, RateLimitStore } from '../ports.js';
import { RateLimiter, type RateLimits } from './rate-limiter.js';

/** The slot key prefix of bulk sends. */
export const SEND_SLOT_PREFIX = 'send/';

/** Options of {@link RatePacer}. */
export interface RatePacerOptions {
  readonly clock: Clock;
  /** Waits `ms` milliseconds (a fake in tests). */
  readonly sleep: (ms: number) => Promise<void>;
}

/**
 * A {@link Pacer} backed by the rate limiter's shared slots.
 * @example
 * const pacer = new RatePacer(new DynamoDbAdmissionStore(client, { tableName }), { perSecond: 50 }, { clock, sleep });
 * await pacer.take(10); // resolves when ten more messages may go
 */
export class RatePacer implements Pacer {
  private readonly limiter: RateLimiter;

  public constructor(
    store: RateLimitStore,
    limits: RateLimits,
    private readonly options: RatePacerOptions,
  ) {
    const sends: RateLimitStore = {
      add: (slot, calls) => store.add({ ...slot, key: `${SEND_SLOT_PREFIX}${slot.key}` }, calls),
    };
    this.limiter = new RateLimiter(sends, limits, options.clock);
  }

  /** Resolves once `permits` sends have been admitted, slot by slot. */
  public async take(permits: number): Promise<void> {
    let wanted = permits;
    while (wanted > 0) {
      const got = await this.limiter.acquire(wanted);
      wanted -= got.granted;
      const until = got.granted > 0 && wanted === 0 ? got.at : got.retryAt;
      const ms = until.getTime() - this.options.clock.now().getTime();
      if (ms > 0) await this.options.sleep(ms);
    }
  }
}
