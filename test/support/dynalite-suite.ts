/** dynalite for a jest suite (kept apart from `dynalite.ts`, which the benchmark imports outside jest). */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll } from '@jest/globals';
import { dynaliteClient, startDynalite, type RunningDynalite } from './dynalite.js';

/**
 * dynalite for one test suite: started before its tests, stopped after them, with a client.
 * @example const db = dynaliteForSuite(); it('…', async () => { await db.client.send(...) });
 */
export function dynaliteForSuite(): { readonly client: DynamoDBClient; readonly endpoint: string } {
  let running: RunningDynalite | undefined;
  let client: DynamoDBClient | undefined;
  beforeAll(async () => {
    running = await startDynalite();
    client = dynaliteClient(running.endpoint);
  });
  afterAll(async () => {
    client?.destroy();
    await running?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('dynalite is used outside the suite that started it');
    return value;
  };
  return {
    get client() {
      return started(client);
    },
    get endpoint() {
      return started(running).endpoint;
    },
  };
}
