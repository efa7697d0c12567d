import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { versionToken, type ObjectRef } from '../../core/model.js';
import { systemClock, type Clock, type LatestVersion, type LatestVersions } from '../../core/ports.js';
import { sequencerOrder } from '../../core/versions.js';
import { documentClientOf } from './dynamodb-documents.js';
import { UnexpectedAwsResponseError } from './errors.js';
import { JOBS_TABLE, latestVersionKeyOf, ttlAfter } from './jobs-table.js';

/** Options of {@link DynamoDbLatestVersions}. */
export interface DynamoDbLatestVersionsOptions {
  /** The jobs table: the records live there, under `LATEST_VERSION_PREFIX`. */
  readonly tableName: string;
  /** Days a record is kept after it last moved (sets `ttl`, as jobs do). @default 90 */
  readonly retentionDays?: number;
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * The newest version seen of each key, in the jobs table (on AWS and on dynalite): one item per key
 * under a reserved partition-key prefix, moved forward by one conditional UpdateItem on the
 * sequencer, stored right-padded so that DynamoDB's string comparison is S3's documented order.
 *
 * @example
 * const versions = new DynamoDbLatestVersions(new DynamoDBClient({}), { tableName: 'b2a-prod-jobs' });
 */
export class DynamoDbLatestVersions implements LatestVersions {
  private readonly documents: DynamoDBDocumentClient;
  private readonly tableName: string;
  private readonly retentionDays: number | undefined;
  private readonly clock: Clock;

  public constructor(client: DynamoDBClient, options: DynamoDbLatestVersionsOptions) {
    this.documents = documentClientOf(client);
    this.tableName = options.tableName;
    this.retentionDays = options.retentionDays;
    this.clock = options.clock ?? systemClock;
  }

  public async advance(
    object: ObjectRef & { readonly sequencer: string },
    seenAt: string,
  ): Promise<LatestVersion> {
    const key = latestVersionKeyOf(object.bucket, object.key);
    const sequencer = sequencerOrder(object.sequencer);
    try {
      const { Attributes } = await this.documents.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression:
            'SET #sequencer = :sequencer, #version = :version, #seenAt = :seenAt, #ttl = :ttl',
          // Only forward: a version with a smaller (or the same) sequencer never replaces the record.
          ConditionExpression: 'attribute_not_exists(#pk) OR #sequencer < :sequencer',
          ExpressionAttributeNames: {
            '#pk': JOBS_TABLE.partitionKey,
            '#sequencer': 'sequencer',
            '#version': 'version',
            '#seenAt': 'seenAt',
            '#ttl': JOBS_TABLE.ttlAttribute,
          },
          ExpressionAttributeValues: {
            ':sequencer': sequencer,
            ':version': versionToken(object),
            ':seenAt': seenAt,
            ':ttl': ttlAfter(this.clock.now(), this.retentionDays),
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toLatestVersion(Attributes);
    } catch (error) {
      if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
    }
    // As new or newer is recorded: read it (a strongly consistent read sees the write that won).
    const { Item } = await this.documents.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    return toLatestVersion(Item);
  }
}

function toLatestVersion(item: Record<string, unknown> | undefined): LatestVersion {
  const { sequencer, version, seenAt } = item ?? {};
  if (typeof sequencer !== 'string' || typeof version !== 'string' || typeof seenAt !== 'string') {
    throw new UnexpectedAwsResponseError('the newest-version record is missing or incomplete');
  }
  return { sequencer, version, seenAt };
}
