import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * The document client b2a's DynamoDB adapters write through: an optional field left undefined is
 * dropped rather than refused, so items only carry what they have.
 * @example const documents = documentClientOf(new DynamoDBClient({}));
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
