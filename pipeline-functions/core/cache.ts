/**
 * A value trusted for a while, shared by concurrent readers: the enabled flag, and the credentials
 * b2a reads from Secrets Manager, the environment or files.
 */
import type { Clock } from './ports.js';

/**
 * A value trusted for `cacheMs`: concurrent callers share one load, and a load that fails for a
 * passing reason keeps the last value for another period (failing instead would send every message
 * round again).
 * @example const cache = new TtlCache<string>(clock, 300_000); await cache.read(load, isTransient);
 */
export class TtlCache<T> {
  private cached: { readonly value: T; readonly until: number } | undefined;
  private inFlight: Promise<T> | undefined;

  public constructor(
    private readonly clock: Clock,
    private readonly cacheMs: number,
  ) {}

  /**
   * The cached value, or `load()`'s.
   * @param keepOnFailure whether a failure of `load` may be waited out with the last value
   * @throws what `load` threw, when there is no value to keep or the failure is not passing
   */
  public read(load: () => Promise<T>, keepOnFailure: (error: unknown) => boolean): Promise<T> {
    if (this.cached && this.clock.now().getTime() < this.cached.until)
      return Promise.resolve(this.cached.value);
    this.inFlight ??= load()
      .then(
        (value) => this.remember(value),
        (error: unknown) => {
          if (this.cached && keepOnFailure(error)) return this.remember(this.cached.value);
          throw error;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** Trusts `value` (e.g. a value just written) for a period. */
  public remember(value: T): T {
    this.cached = { value, until: this.clock.now().getTime() + this.cacheMs };
    return value;
  }

  /** Forgets the value, so the next read loads. */
  public forget(): void {
    this.cached = undefined;
  }
}
