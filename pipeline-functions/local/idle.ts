/** Waiting until the local runtime has nothing left to do (tests, the demo, the benchmark). */
import { IdleTimeoutError } from './errors.js';

/** What is still going on, as `idle()` sees it. */
export interface PendingWork {
  /** Files in the inbox not yet turned into events. */
  readonly inbox: number;
  /** Messages on the source queue (visible, in flight or waiting for their visibility timeout). */
  readonly queued: number;
  /** Retries scheduled for later. */
  readonly retries: number;
}

/** How often the runtime is asked while waiting. */
const POLL_MS = 50;

/**
 * Resolves once two checks in a row, {@link POLL_MS} apart, find nothing pending and no batch in
 * flight: the counts are read one after the other, so one quiet check alone could miss work
 * passing from one part to the next.
 * @throws IdleTimeoutError after `timeoutMs`, saying what is still pending
 */
export async function waitUntilIdle(
  runtime: { pending(): Promise<PendingWork>; batchesInFlight(): number },
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quiet = 0;
  for (;;) {
    const work = await runtime.pending();
    const busy = work.inbox + work.queued + work.retries + runtime.batchesInFlight() > 0;
    quiet = busy ? 0 : quiet + 1;
    if (quiet >= 2) return;
    if (Date.now() > deadline) {
      throw new IdleTimeoutError(
        `still busy after ${timeoutMs} ms: ${work.inbox} inbox file(s), ${work.queued} queued message(s), ${work.retries} scheduled retry(ies)`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
