/** Exponential backoff with jitter, capped, honouring the API's Retry-After. */
import type { PipelineConfig } from './config.js';

export type RetrySettings = PipelineConfig['retry'];

/**
 * Seconds to wait before attempt `attempt + 1`: base × 2^(attempt-1), with "equal jitter" (half
 * fixed, half random) so retries of many jobs spread out, never less than Retry-After, never more
 * than `maxDelaySeconds`.
 * @example retryDelaySeconds(1, { baseDelaySeconds: 60, maxDelaySeconds: 3600, maxAttempts: 5 }, Math.random)
 */
export function retryDelaySeconds(
  attempt: number,
  settings: RetrySettings,
  random: () => number,
  retryAfterSeconds?: number,
): number {
  const exponential = settings.baseDelaySeconds * 2 ** Math.min(attempt - 1, 30);
  const capped = Math.min(settings.maxDelaySeconds, exponential);
  const jittered = Math.ceil(capped / 2 + random() * (capped / 2));
  return Math.min(settings.maxDelaySeconds, Math.max(jittered, retryAfterSeconds ?? 0));
}

/** Whether another attempt is allowed after `attempt`. */
export function mayRetry(attempt: number, settings: RetrySettings): boolean {
  return attempt < settings.maxAttempts;
}
