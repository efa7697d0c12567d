/**
 * The enabled flag's values, and what b2a does with one it does not understand. A value someone typed
 * by hand (`true`, `ON `) must not stop the pipeline: the documented words are read loosely, and
 * anything else counts as off, loudly, so that objects are SKIPPED (reprocessable) rather than lost.
 */
import { FLAG_OFF, FLAG_ON } from './names.js';
import { TtlCache } from './cache.js';
import type { FlagReading } from './ports.js';

/**
 * Reads a stored flag value: `on` or `off`, in any case, with any surrounding white space.
 * @example readFlagValue(' ON') // { state: 'on' }
 * @example readFlagValue('true') // { state: 'not-understood', value: 'true' }
 */
export function readFlagValue(value: string | undefined): FlagReading {
  const word = value?.trim().toLowerCase();
  if (word === FLAG_ON) return { state: 'on' };
  if (word === FLAG_OFF) return { state: 'off' };
  return { state: 'not-understood', value: value ?? '' };
}

/** Why objects are skipped under a flag that is not on: the reason recorded on each SKIPPED job. */
export function flagSkipReason(reading: FlagReading): string {
  return reading.state === 'not-understood'
    ? `flag value ${JSON.stringify(reading.value)} not understood; treated as off`
    : 'the enabled flag is off';
}

/**
 * A flag reading trusted for a while: concurrent callers share one read, and a read that fails for
 * a passing reason keeps the last reading for another period (failing the batch instead would send
 * every message round again). Both flag adapters keep their reading in one.
 * @example const cache = new FlagCache(clock, 5000); await cache.read(load, isTransient);
 */
export class FlagCache extends TtlCache<FlagReading> {}
