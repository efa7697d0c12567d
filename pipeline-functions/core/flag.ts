/**
 * The enabled flag's values, and what b2a does with one it does not understand. A value someone typed
 * by hand (`true`, `ON `) must not stop the pipeline: the documented words are read loosely, and
 * anything else counts as hold, loudly, so that deliveries wait (nothing skipped, no attempt spent)
 * until someone sets a value b2a knows.
 */
import { FLAG_HOLD, FLAG_OFF, FLAG_ON } from './names.js';
import { TtlCache } from './cache.js';
import type { FlagReading } from './ports.js';

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
export class FlagCache extends TtlCache<FlagReading> {}
