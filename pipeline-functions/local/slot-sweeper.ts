/**
 * Drops the rate limiter's expired slot items from the local store now and then. On AWS the jobs
 * table's TTL deletes them; dynalite ignores TTL, so without this a busy local runtime would keep
 * ten items for every second it ever rate-limited.
 */
import type { DynamoDbAdmissionStore } from '../adapters/aws/dynamodb-admission-store.js';
import { systemClock, type Clock } from '../core/ports.js';
import type { Service } from './service.js';

/** How often expired slots are dropped. @default 60 s */
export const SWEEP_INTERVAL_MS = 60_000;

/** Options of {@link SlotSweeper}. */
export interface SlotSweeperOptions {
  readonly store: Pick<DynamoDbAdmissionStore, 'sweepSlots'>;
  /** @default SWEEP_INTERVAL_MS */
  readonly intervalMs?: number;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Told when a sweep fails (the next one tries again). */
  readonly onError?: (error: unknown) => void;
}

/**
 * The sweep as a runtime service: one sweep at start (slots left by an earlier run), then one per
 * interval; `stop()` waits for a sweep in progress.
 * @example new SlotSweeper({ store: admission, onError: (e) => log(e) })
 */
export class SlotSweeper implements Service {
  public readonly name = 'admission-sweep';
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;

  public constructor(private readonly options: SlotSweeperOptions) {}

  public async start(): Promise<void> {
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), this.options.intervalMs ?? SWEEP_INTERVAL_MS);
    this.timer.unref();
  }

  public async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.sweeping;
  }

  /** Drops the slots expired by now. Never throws: a failure goes to `onError`. */
  public sweep(): Promise<void> {
    this.sweeping ??= this.options.store
      .sweepSlots((this.options.clock ?? systemClock).now())
      .then(
        () => undefined,
        (error: unknown) => this.options.onError?.(error),
      )
      .finally(() => {
        this.sweeping = undefined;
      });
    return this.sweeping;
  }
}
