/**
 * The pipe's enrichment step: takes the batch of SQS records, returns one result per record.
 * Thin: decode the envelope, call `deliverBatch`, return its results.
 */
import { ConfigError } from '../core/errors.js';
import {
  deliverBatch,
  type BatchOptions,
  type DeliverDeps,
  type QueueMessage,
} from '../core/use-cases/deliver-object.js';
import type { EnrichedItem } from '../core/outcome.js';

/** An SQS record as EventBridge Pipes hands it to an enrichment (the fields b2a reads). */
export interface PipeSqsRecord {
  readonly messageId: string;
  readonly body: string;
  readonly attributes?: { readonly SentTimestamp?: string };
}

export type EnrichmentHandler = (
  event: readonly PipeSqsRecord[],
  options?: BatchOptions,
) => Promise<EnrichedItem[]>;

/**
 * Builds the handler around its ports (the composition root of each runtime calls this once).
 * @throws ConfigError when `versions: latest` is configured without a store for the newest versions
 */
export function createEnrichmentHandler(deps: DeliverDeps): EnrichmentHandler {
  if (deps.config.versions === 'latest' && !deps.versions) {
    throw new ConfigError(
      'versions',
      '"latest" needs the newest versions store (the composition root passes it)',
    );
  }
  return async (event, options) => {
    // Pipes always sends an array, even for a batch of one.
    const records = Array.isArray(event) ? event : [event as unknown as PipeSqsRecord];
    return deliverBatch(deps, records.map(toQueueMessage), options);
  };
}

export function toQueueMessage(record: PipeSqsRecord): QueueMessage {
  const sent = Number(record.attributes?.SentTimestamp);
  return {
    messageId: record.messageId,
    body: record.body,
    sentAt: (Number.isFinite(sent) && sent > 0 ? new Date(sent) : new Date()).toISOString(),
  };
}
