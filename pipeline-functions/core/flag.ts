/**
 * The enabled flag's values, and what b2a does with one it does not understand. A value someone typed
 * by hand (`true`, `ON `) must not stop the pipeline: the documented words are read loosely, and
 * anything else counts as hold, loudly, so that deliveries wait (nothing skipped, no attempt spent)
 * until someone sets a value b2a knows.
 */
import { FLAG_HOLD, FLAG_OFF, FLAG_ON } from './names.js';
import type { Clock, FlagReading } from './ports.js';

/**
 * Reads a stored flag value: `on`, `off` or `hold`, in any case, with any surrounding white space.
 * @example readFlagValue(' ON') // { state: 'on' }
 * @example readFlagValue('true') // { state: 'not-understood', value: 'true' }
 */
export function readFlagValue(value: string | undefined): FlagReading {
  const word = value?.trim().toLowerCase();
  if (word === FLAG_ON) return { state: 'on' };
  if (word === FLAG_OFF) return { state: 'off' };
  if (word === FLAG_HOLD) return { state: 'hold' };
  return { state: 'not-understood', value: value ?? '' };
}

/**
 * What the CLI shows for a flag value that is not on or off (`b2a status`). Its wording predates
 * hold: the pipeline now holds on such a value ({@link flagHoldReason}); the CLI moves to that in
 * issue 11's part B.
 */
export function flagSkipReason(reading: FlagReading): string {
  return reading.state === 'not-understood'
    ? `flag value ${JSON.stringify(reading.value)} not understood; treated as off`
    : 'the enabled flag is off';
}

/**
 * Why deliveries are held, beyond the flag saying `hold`: a value b2a does not understand (held
 * rather than skipped, so that a typo loses nothing and spends no attempt).
 * @example flagHoldDetail({ state: 'not-understood', value: 'true' }) // 'flag value "true" not understood; treated as hold'
 */
export function flagHoldDetail(reading: FlagReading): string | undefined {
  return reading.state === 'not-understood'
    ? `flag value ${JSON.stringify(reading.value)} not understood; treated as hold`
    : undefined;
}

/**
 * A flag reading trusted for a while: concurrent callers share one read, and a read that fails for
 * a passing reason keeps the last reading for another period (failing the batch instead would send
 * every message round again). Both flag adapters keep their reading in one.
 * @example const cache = new FlagCache(clock, 5000); await cache.read(load, isTransient);
 */
export class FlagCache {
  private cached: { readonly reading: FlagReading; readonly until: number } | undefined;
  private inFlight: Promise<FlagReading> | undefined;

  public constructor(
    private readonly clock: Clock,
    private readonly cacheMs: number,
  ) {}

  /**
   * The cached reading, or `load()`'s.
   * @param keepOnFailure whether a failure of `load` may be waited out with the last reading
   * @throws what `load` threw, when there is no reading to keep or the failure is not passing
   */
  public read(
    load: () => Promise<FlagReading>,
    keepOnFailure: (error: unknown) => boolean,
  ): Promise<FlagReading> {
    if (this.cached && this.clock.now().getTime() < this.cached.until)
      return Promise.resolve(this.cached.reading);
    this.inFlight ??= load()
      .then(
        (reading) => this.remember(reading),
        (error: unknown) => {
          if (this.cached && keepOnFailure(error)) return this.remember(this.cached.reading);
          throw error;
        },
      )
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  /** Trusts `reading` (e.g. a value just written) for a period. */
  public remember(reading: FlagReading): FlagReading {
    this.cached = { reading, until: this.clock.now().getTime() + this.cacheMs };
    return reading;
  }

  /** Forgets the reading, so the next read loads. */
  public forget(): void {
    this.cached = undefined;
  }
}
