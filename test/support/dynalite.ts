import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';

/** A running in-memory dynalite server, reachable only on loopback. */
export interface RunningDynalite {
  /** `http://127.0.0.1:<port>`: pass as the DynamoDB client's `endpoint`. */
  readonly endpoint: string;
  /** Closes the server and its in-memory store. */
  stop(): Promise<void>;
}

/**
 * Starts dynalite in memory on 127.0.0.1 and a free port, with tables becoming ACTIVE at once.
 *
 * @example
 * const db = await startDynalite();
 * const client = new DynamoDBClient({ endpoint: db.endpoint, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
 * afterAll(() => db.stop());
 */
export async function startDynalite(): Promise<RunningDynalite> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** Credentials for SDK clients pointed at loopback emulators; never valid on AWS. */
export const FAKE_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** A DynamoDB client of a loopback dynalite, with fake credentials. */
export function dynaliteClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: FAKE_CREDENTIALS });
}
