/**
 * The circuit breaker as admins see it (`b2a status`, the local dashboard): what state it is in,
 * since when, why, and how much waits behind it. Read from the same store the enrichments share.
 */
import type { CircuitBreakerStore, Clock } from '../ports.js';

/** The breaker's state for display. */
export interface CircuitStatus {
  /** `half-open`: open, and its next probe is due (the next batch lets one delivery through). */
  readonly state: 'closed' | 'open' | 'half-open';
  /** When it entered its state (ISO), when known. */
  readonly since?: string;
  /** Why it opened (kept after it closed). */
  readonly reason?: string;
  readonly lastError?: string;
  /** Deliveries deferred since it last opened. */
  readonly deferred: number;
  /** Retryable failures in a row, while closed. */
  readonly failures: number;
  /** While open: when the next probe may go (ISO). */
  readonly nextProbeAt?: string;
}

/**
 * Reads the circuit breaker's state.
 * @example const status = await readCircuitStatus(new DynamoDbAdmissionStore(client, { tableName }), systemClock);
 */
export async function readCircuitStatus(
  store: Pick<CircuitBreakerStore, 'read'>,
  clock: Clock,
): Promise<CircuitStatus> {
  const stored = await store.read();
  const probeDue =
    stored.state === 'open' &&
    (stored.nextProbeAt === undefined || Date.parse(stored.nextProbeAt) <= clock.now().getTime());
  const since = stored.state === 'open' ? stored.openedAt : stored.closedAt;
  return {
    state: stored.state === 'closed' ? 'closed' : probeDue ? 'half-open' : 'open',
    ...(since ? { since } : {}),
    ...(stored.reason ? { reason: stored.reason } : {}),
    ...(stored.lastError ? { lastError: stored.lastError } : {}),
    deferred: stored.deferred,
    failures: stored.failures,
    ...(stored.state === 'open' && stored.nextProbeAt ? { nextProbeAt: stored.nextProbeAt } : {}),
  };
}
