/**
 * The pipe's target step: takes the enrichment's results, records each, and reports the messages it
 * could not record in `batchItemFailures` (Pipes then retries those through the whole pipe).
 */
import type { EnrichedItem } from '../core/outcome.js';
import { recordBatch, type RecordDeps } from '../core/use-cases/record-outcome.js';

export interface BatchItemFailures {
  readonly batchItemFailures: { readonly itemIdentifier: string }[];
}

export type TargetHandler = (event: readonly EnrichedItem[]) => Promise<BatchItemFailures>;

export function createTargetHandler(deps: RecordDeps): TargetHandler {
  return async (event) => {
    const items = Array.isArray(event) ? event : [event as unknown as EnrichedItem];
    const { failedMessageIds } = await recordBatch(deps, items);
    return { batchItemFailures: failedMessageIds.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}
