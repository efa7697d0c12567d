/** Jobs written straight into a jobs table (BatchWriteItem), as the repository would have stored them. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { encodeHistory } from '../../pipeline-functions/adapters/aws/job-history-codec.js';
import { JOBS_TABLE, jobKeyOf } from '../../pipeline-functions/adapters/aws/jobs-table.js';
import { mapLimit } from '../../pipeline-functions/core/concurrency.js';
import { AUTO_RUN_ID, idempotencyKeyOf, type ObjectRef } from '../../pipeline-functions/core/model.js';
import { LOCAL_TABLE_NAME } from '../../pipeline-functions/local/data-dir.js';

/** BatchWriteItem takes at most 25 items. */
const BATCH_WRITE_ITEMS = 25;
const SEED_CONCURRENCY = 8;
const SECONDS_PER_DAY = 86_400;
const FAILURE = 'HTTP 422: {"error":"unknown customer"}';

/** A stored job as the repository writes it, succeeded or failed after one attempt (the `index`-th, a second apart). */
export function storedJob(
  object: ObjectRef,
  index: number,
  status: 'SUCCEEDED' | 'FAILED',
): Record<string, unknown> {
  const at = new Date(Date.UTC(2026, 10, 1) + index * 1000).toISOString();
  const failed = status === 'FAILED';
  const httpStatus = failed ? 422 : 200;
  return {
    ...jobKeyOf(object),
    ...object,
    status,
    // The sparse status index holds only the jobs that need attention.
    ...(failed ? { [JOBS_TABLE.statusIndexPartitionKey]: status } : {}),
    runId: AUTO_RUN_ID,
    runStartedAt: at,
    attempt: 1,
    attempts: 1,
    idempotencyKey: idempotencyKeyOf(object, AUTO_RUN_ID),
    lastHttpStatus: httpStatus,
    ...(failed ? { lastError: FAILURE } : {}),
    history: encodeHistory(
      [
        {
          at,
          runId: AUTO_RUN_ID,
          attempt: 1,
          origin: 's3-event',
          outcome: failed ? 'terminal' : 'delivered',
          httpStatus,
          latencyMs: 20,
          ...(failed ? { error: FAILURE } : {}),
        },
      ],
      jobKeyOf(object),
    ),
    createdAt: at,
    updatedAt: at,
    [JOBS_TABLE.ttlAttribute]: Math.floor(Date.parse(at) / 1000) + 90 * SECONDS_PER_DAY,
  };
}

/**
 * Writes `count` items (`itemOf(0..count-1)`) to the local jobs table, 25 a BatchWriteItem, sending
 * unprocessed items again; tells `progress` every 20,000.
 */
export async function seedJobs(
  client: DynamoDBClient,
  count: number,
  itemOf: (index: number) => Record<string, unknown>,
  progress: (written: number) => void,
): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client);
  const chunks = Array.from({ length: Math.ceil(count / BATCH_WRITE_ITEMS) }, (_, c) => c);
  let written = 0;
  await mapLimit(chunks, SEED_CONCURRENCY, async (c) => {
    const requests = [];
    for (let i = c * BATCH_WRITE_ITEMS; i < Math.min(count, (c + 1) * BATCH_WRITE_ITEMS); i++) {
      requests.push({ PutRequest: { Item: itemOf(i) } });
    }
    let pending: Record<string, (typeof requests)[number][]> | undefined = { [LOCAL_TABLE_NAME]: requests };
    while (pending && Object.keys(pending).length > 0) {
      const output = await documents.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = output.UnprocessedItems as typeof pending;
    }
    written += requests.length;
    if (written % 20_000 < BATCH_WRITE_ITEMS) progress(written);
  });
}
