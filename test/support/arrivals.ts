/** Timing of the calls an API received, as a rate limiter in front of it would measure them. */

/**
 * The most arrivals that any sliding window of `windowMs` holds (what an API's own limiter counts).
 * @example peakInWindow([0, 10, 990, 1000], 1000) // 3
 */
export function peakInWindow(arrivals: readonly number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while ((sorted[last] as number) - (sorted[first] as number) >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}
