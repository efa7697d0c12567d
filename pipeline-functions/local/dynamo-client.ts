/**
 * The DynamoDB client of the local store, apart from dynalite: the CLI reaching a running runtime's
 * store needs only this, and loading dynalite (LevelDB and its native module) would cost every
 * `b2a --env local` command tens of milliseconds for nothing.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './data-dir.js';

/** A DynamoDB client for the local store: loopback endpoint, static fake credentials and region. */
export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
}
