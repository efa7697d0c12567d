/** What the local runtime tells its subscribers (tests, the dashboard, the benchmark) as it happens. */
import type { CircuitNotificationLine, NotificationLine } from '../adapters/local/file-notifier.js';
import type { Job } from '../core/model.js';
import { describeError, type RuntimeLog } from './log.js';
import type { BatchSummary } from './pipe.js';

/** Something the runtime did. */
export type RuntimeEvent =
  | { readonly type: 'object-created'; readonly key: string; readonly etag: string; readonly size: number }
  | { readonly type: 'job'; readonly job: Job }
  | { readonly type: 'notification'; readonly notification: NotificationLine }
  /** The circuit breaker opened or closed. */
  | { readonly type: 'circuit'; readonly notification: CircuitNotificationLine }
  | { readonly type: 'batch'; readonly summary: BatchSummary }
  | { readonly type: 'dead-letter'; readonly messageId: string; readonly reason: string }
  | { readonly type: 'retry-sent'; readonly jobId: string; readonly attempt: number };

export type RuntimeEventListener = (event: RuntimeEvent) => void;

/**
 * The runtime's event bus: every listener hears every event, in the order they subscribed.
 * @example
 * const unsubscribe = events.on((event) => console.log(event.type));
 */
export class RuntimeEvents {
  private readonly listeners = new Set<RuntimeEventListener>();

  /** @param log where a failing listener is reported */
  public constructor(private readonly log: RuntimeLog) {}

  /** Subscribes. @returns unsubscribe */
  public on(listener: RuntimeEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  public emit(event: RuntimeEvent): void {
    for (const listener of this.listeners) {
      // A subscriber's bug must not turn into a delivery failure: it is logged, the pipeline goes on.
      try {
        listener(event);
      } catch (error) {
        this.log.error(
          'listener',
          `a runtime event listener failed on ${event.type}: ${describeError(error)}`,
        );
      }
    }
  }
}
