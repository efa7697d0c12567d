/**
 * The circuit breaker's policy, one breaker per API shared by every enrichment through a
 * `CircuitBreakerStore`. Closed, it counts retryable failures in a row (a success resets the count);
 * at `failureThreshold` (or at once on a 401/403, which means the credential or the configuration
 * is wrong) it opens: deliveries are then deferred without spending attempts, and one probe is let
 * through every `probeSeconds` (claimed by a conditional write, so one caller per interval). The
 * probe's success closes it. Each transition is one conditional write, so exactly one caller makes
 * it and publishes its notification.
 */
import type { PipelineConfig } from '../config.js';
import { deferredResult, type DeliveryResult } from '../outcome.js';
import type { CircuitBreakerStore, CircuitState, Clock, Notifier } from '../ports.js';

/** Settings of a breaker (config `api.circuitBreaker`). */
export type BreakerSettings = NonNullable<PipelineConfig['api']['circuitBreaker']>;

/** What a batch may do under the breaker. */
export type CircuitAdmission =
  | { readonly allow: 'all' }
  /** The circuit is open and this caller won the probe: one call may go. */
  | { readonly allow: 'probe'; readonly nextProbeAt: Date; readonly reason: string }
  | { readonly allow: 'none'; readonly nextProbeAt: Date; readonly reason: string };

/** What the breaker tells the edge (for logs, the alarm's gauge and the local dashboard). */
export type CircuitEvent =
  | { readonly type: 'state'; readonly open: boolean }
  | { readonly type: 'opened'; readonly reason: string; readonly at: string }
  | { readonly type: 'closed'; readonly at: string; readonly deferred: number }
  | { readonly type: 'probe'; readonly at: string }
  | { readonly type: 'notify-failed'; readonly error: unknown }
  /** The shared state could not be updated after a call: the call's result stands, the count may lag. */
  | { readonly type: 'store-failed'; readonly error: unknown };

/** What a breaker needs. */
export interface CircuitBreakerDeps {
  readonly store: CircuitBreakerStore;
  readonly settings: BreakerSettings;
  readonly clock: Clock;
  /** Publishes the open and close notifications (attribute `event`). */
  readonly notifier: Pick<Notifier, 'notifyCircuit'>;
  readonly environment: string;
  readonly onEvent?: (event: CircuitEvent) => void;
}

/** HTTP answers that mean b2a's credential or configuration is wrong, not that the API is down. */
const REFUSALS: ReadonlySet<number> = new Set([401, 403]);

/** Whether an API answer refuses b2a itself (401/403): retrying each file would only burn attempts. */
export function isRefusal(result: DeliveryResult): boolean {
  return result.kind === 'terminal' && result.httpStatus !== undefined && REFUSALS.has(result.httpStatus);
}

/**
 * One per container. `check()` once per batch, then `observe()` each call's result in the order they
 * complete.
 * @example
 * const admission = await breaker.check();
 * if (admission.allow === 'all') result = await breaker.observe(await call(), false);
 */
export class CircuitBreaker {
  /** What this container last knew of the shared state. */
  private view: CircuitState = { state: 'closed', failures: 0, deferred: 0 };

  public constructor(private readonly deps: CircuitBreakerDeps) {}

  /** Whether the circuit is open, as this container last saw it (it may have opened it itself). */
  public get isOpen(): boolean {
    return this.view.state === 'open';
  }

  /** When the next probe may go, as last seen (now when unknown). */
  public get nextProbeAt(): Date {
    return this.view.nextProbeAt ? new Date(this.view.nextProbeAt) : this.deps.clock.now();
  }

  /** Reads the shared state; an open circuit whose probe is due lets this caller claim it. */
  public async check(): Promise<CircuitAdmission> {
    this.view = latest(this.view, await this.deps.store.read());
    this.deps.onEvent?.({ type: 'state', open: this.isOpen });
    if (!this.isOpen) return { allow: 'all' };
    const now = this.deps.clock.now();
    const reason = this.view.reason ?? 'the API keeps failing';
    if (this.nextProbeAt.getTime() <= now.getTime()) {
      const next = this.probeAfter(now);
      if (await this.deps.store.claimProbe(now, next)) {
        this.view = { ...this.view, nextProbeAt: next.toISOString() };
        this.deps.onEvent?.({ type: 'probe', at: now.toISOString() });
        return { allow: 'probe', nextProbeAt: next, reason };
      }
      // Another caller won this interval's probe: the next one is an interval away at the earliest.
      return { allow: 'none', nextProbeAt: next, reason };
    }
    return { allow: 'none', nextProbeAt: this.nextProbeAt, reason };
  }

  /**
   * Accounts for one call's result and returns the result to record: a failed probe, and a 401/403
   * (which opens the circuit), become deferrals, so that the breaker's own calls spend no attempts.
   * The call was made whatever the store says: a store failure here is reported, not thrown.
   */
  public async observe(result: DeliveryResult, probe: boolean): Promise<DeliveryResult> {
    const refused = isRefusal(result);
    try {
      await this.account(result, probe, refused);
    } catch (error) {
      this.deps.onEvent?.({ type: 'store-failed', error });
    }
    if (refused) return this.deferral(refusalReason(result));
    if (probe && result.kind === 'retryable') return this.deferral(`probe failed: ${result.reason}`);
    return result;
  }

  private async account(result: DeliveryResult, probe: boolean, refused: boolean): Promise<void> {
    if (refused) return this.open(refusalReason(result), describeResult(result));
    if (result.kind === 'retryable') {
      if (probe) return;
      const state = await this.deps.store.addFailures(1, result.reason);
      this.view = state;
      if (state.state === 'closed' && state.failures >= this.deps.settings.failureThreshold) {
        await this.open(
          `${state.failures} retryable failures in a row (last: ${result.reason})`,
          result.reason,
        );
      }
      return;
    }
    if (result.kind !== 'delivered' && result.kind !== 'terminal') return;
    if (probe) return this.close();
    if (this.view.state === 'closed' && this.view.failures > 0) {
      await this.deps.store.resetFailures();
      this.view = { ...this.view, failures: 0 };
    }
  }

  /** Counts deliveries deferred while open (shown with the state). */
  public async countDeferred(count: number): Promise<void> {
    if (count > 0) await this.deps.store.addDeferred(count);
  }

  /** A delivery deferred until the next probe, spread over one probe interval. */
  public deferral(reason: string, notBefore = this.nextProbeAt): DeliveryResult {
    return deferredResult('circuit open', reason, notBefore, this.deps.settings.probeSeconds);
  }

  private probeAfter(now: Date): Date {
    return new Date(now.getTime() + this.deps.settings.probeSeconds * 1000);
  }

  private async open(reason: string, lastError: string): Promise<void> {
    const at = this.deps.clock.now();
    const nextProbeAt = this.probeAfter(at);
    const opened = await this.deps.store.open({ at, reason, lastError, nextProbeAt });
    this.view = opened
      ? {
          ...this.view,
          state: 'open',
          openedAt: at.toISOString(),
          reason,
          lastError,
          deferred: 0,
          nextProbeAt: nextProbeAt.toISOString(),
        }
      : await this.deps.store.read();
    if (!opened) return;
    this.deps.onEvent?.({ type: 'opened', reason, at: at.toISOString() });
    await this.publish({ event: 'circuit-open', at: at.toISOString(), reason, lastError });
  }

  private async close(): Promise<void> {
    const at = this.deps.clock.now();
    const before = await this.deps.store.read();
    if (!(await this.deps.store.close(at))) return;
    this.view = { state: 'closed', failures: 0, deferred: before.deferred, closedAt: at.toISOString() };
    this.deps.onEvent?.({ type: 'closed', at: at.toISOString(), deferred: before.deferred });
    await this.publish({
      event: 'circuit-closed',
      at: at.toISOString(),
      reason: 'a probe succeeded',
      deferred: before.deferred,
      ...(before.openedAt ? { openedAt: before.openedAt } : {}),
      ...(before.lastError ? { lastError: before.lastError } : {}),
    });
  }

  /** The transition is stored: a failed notification is reported, not retried by failing the batch. */
  private async publish(
    notification: Omit<Parameters<Notifier['notifyCircuit']>[0], 'environment'>,
  ): Promise<void> {
    try {
      await this.deps.notifier.notifyCircuit({ ...notification, environment: this.deps.environment });
    } catch (error) {
      this.deps.onEvent?.({ type: 'notify-failed', error });
    }
  }
}

/**
 * The later of two views of the state: batches of one container share the view, and a read that
 * started before another batch's transition landed must not undo what that batch saw.
 */
function latest(view: CircuitState, read: CircuitState): CircuitState {
  const since = (state: CircuitState): string =>
    (state.state === 'open' ? state.openedAt : state.closedAt) ?? '';
  return since(view) > since(read) ? view : read;
}

function refusalReason(result: DeliveryResult): string {
  return `the API refused b2a's credentials or configuration (${describeResult(result)})`;
}

function describeResult(result: DeliveryResult): string {
  return 'reason' in result ? result.reason : result.kind;
}
