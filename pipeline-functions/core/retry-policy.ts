/** Exponential backoff with jitter, capped, honouring the API's Retry-After, on the scheduler's grain. */
import { createHash } from 'node:crypto';
import type { PipelineConfig } from './config.js';
import type { ScheduleTiming } from './ports.js';

export type RetrySettings = PipelineConfig['retry'];

/** What decides when the next attempt is due. */
export interface NextAttemptInput {
  readonly now: Date;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly settings: RetrySettings;
  readonly timing: ScheduleTiming;
  /** In [0, 1): where in the jitter range this retry lands (see {@link retryJitter}). */
  readonly jitter: number;
  readonly retryAfterSeconds?: number;
}

/**
 * When attempt `attempt + 1` is due: base × 2^(attempt-1), capped at `maxDelaySeconds`, with "equal
 * jitter" (half fixed, half jittered) so that retries of many jobs spread out, never sooner than
 * Retry-After, then rounded up to the scheduler's grain. The scheduler's floor is applied to the
 * fixed half, before the jitter: clamping afterwards would put every job of a batch that failed
 * together on the same time. The result is the time the retry really fires (within the grain), so
 * it is what the job records.
 *
 * Counting starts at the next grain boundary, so every `now` within one grain gives the same time:
 * scheduling one retry twice (the pipe re-running a target) asks for the same thing.
 * @example nextAttemptAt({ now, attempt: 1, settings: config.retry, timing: { minimumLeadSeconds: 60, precisionSeconds: 60 }, jitter: retryJitter(jobId, runId, 1) })
 */
export function nextAttemptAt(input: NextAttemptInput): Date {
  const { settings, timing } = input;
  const grain = timing.precisionSeconds;
  const backoff = Math.min(
    settings.maxDelaySeconds,
    settings.baseDelaySeconds * 2 ** Math.min(input.attempt - 1, 30),
  );
  const fixed = Math.ceil(Math.max(backoff / 2, timing.minimumLeadSeconds) / grain);
  // Jitter picks whole grains, at least two choices: on Scheduler's minute, a first retry's 30 s of
  // jitter would otherwise round away.
  const spread = Math.max(1, Math.round(backoff / 2 / grain));
  const jittered = fixed + Math.floor(input.jitter * (spread + 1));
  const cap = Math.ceil(Math.max(settings.maxDelaySeconds, timing.minimumLeadSeconds) / grain);
  const grains = Math.min(Math.max(jittered, Math.ceil((input.retryAfterSeconds ?? 0) / grain)), cap);
  const grainMs = grain * 1000;
  return new Date(Math.ceil(input.now.getTime() / grainMs) * grainMs + grains * grainMs);
}

/**
 * The jitter of one retry, in [0, 1): a hash of (job, run, attempt) rather than a random number, so
 * that the same retry always lands on the same time (and Scheduler's client token always names the
 * same request), while different jobs still spread out. A deferral of the attempt hashes its count too.
 */
export function retryJitter(jobId: string, runId: string, attempt: number, deferral = 0): number {
  const deferred = deferral > 0 ? `\n${deferral}` : '';
  const digest = createHash('sha256').update(`${jobId}\n${runId}\n${attempt}${deferred}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

/** Whether another attempt is allowed after `attempt`. */
export function mayRetry(attempt: number, settings: RetrySettings): boolean {
  return attempt < settings.maxAttempts;
}

/** What decides when a deferred attempt comes back. */
export interface DeferredAttemptInput {
  readonly now: Date;
  /** Admission would not let it through before this (the next probe, the next permit, the hold's end). */
  readonly notBefore: Date;
  /** Deferred calls spread over this many seconds after `notBefore` (at least one grain). */
  readonly spreadSeconds: number;
  readonly timing: ScheduleTiming;
  /** In [0, 1): see {@link retryJitter}, with the deferral's count. */
  readonly jitter: number;
}

/**
 * When a deferred attempt is due again: not before `notBefore` nor the scheduler's lead, on its
 * grain, plus whole grains of jitter over `spreadSeconds`, so that a backlog deferred together does
 * not come back in one burst (it would only be deferred again).
 * @example deferredAttemptAt({ now, notBefore: nextProbeAt, spreadSeconds: 30, timing, jitter })
 */
export function deferredAttemptAt(input: DeferredAttemptInput): Date {
  const { timing } = input;
  const grainMs = timing.precisionSeconds * 1000;
  const earliest = Math.max(
    input.notBefore.getTime(),
    input.now.getTime() + timing.minimumLeadSeconds * 1000,
  );
  const spread = Math.max(1, Math.round(input.spreadSeconds / timing.precisionSeconds));
  return new Date(
    Math.ceil(earliest / grainMs) * grainMs + Math.floor(input.jitter * (spread + 1)) * grainMs,
  );
}
