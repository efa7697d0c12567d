/** Admission control as configured: what each composition root hands the enrichment. */
import type { PipelineConfig } from '../config.js';
import type { CircuitBreakerStore, Clock, Notifier, RateLimitStore } from '../ports.js';
import type { AdmissionControl } from '../use-cases/deliver-object.js';
import { CircuitBreaker, type CircuitEvent } from './circuit-breaker.js';
import { RateLimiter } from './rate-limiter.js';

/** What admission control is built from. */
export interface AdmissionControlDeps {
  readonly config: Pick<PipelineConfig, 'api' | 'environment'>;
  /** The shared state (the jobs table's admission partition, on AWS and on dynalite). */
  readonly store: RateLimitStore & CircuitBreakerStore;
  readonly notifier: Pick<Notifier, 'notifyCircuit'>;
  readonly clock: Clock;
  readonly onCircuit?: (event: CircuitEvent) => void;
}

/**
 * The rate limiter and the circuit breaker that `api.rateLimit` and `api.circuitBreaker` ask for
 * (neither: none, and the enrichment calls as it did before admission control existed).
 * @example createEnrichmentHandler({ ...deps, admission: admissionControl({ config, store, notifier, clock }) })
 */
export function admissionControl(deps: AdmissionControlDeps): AdmissionControl | undefined {
  const { rateLimit, circuitBreaker } = deps.config.api;
  if (!rateLimit && !circuitBreaker) return undefined;
  return {
    ...(rateLimit ? { limiter: new RateLimiter(deps.store, rateLimit, deps.clock) } : {}),
    ...(circuitBreaker
      ? {
          breaker: new CircuitBreaker({
            store: deps.store,
            settings: circuitBreaker,
            clock: deps.clock,
            notifier: deps.notifier,
            environment: deps.config.environment,
            ...(deps.onCircuit ? { onEvent: deps.onCircuit } : {}),
          }),
        }
      : {}),
  };
}
