import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { JOBS_TABLE } from '../../pipeline-functions/adapters/aws/jobs-table.js';

/** Props of {@link JobsTable}. */
export interface JobsTableProps {
  readonly tableName: string;
  /** Any policy that keeps the table (not DESTROY) also turns on deletion protection. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The jobs table, with the layout the DynamoDB adapter reads (`JOBS_TABLE`): on demand, point-in-time
 * recovery, the status index the CLI queries, and TTL on `ttl` so old jobs expire.
 */
export class JobsTable extends Construct {
  public readonly table: dynamodb.Table;

  public constructor(scope: Construct, id: string, props: JobsTableProps) {
    super(scope, id);
    const string = dynamodb.AttributeType.STRING;
    this.table = new dynamodb.Table(this, 'Table', {
      tableName: props.tableName,
      partitionKey: { name: JOBS_TABLE.partitionKey, type: string },
      sortKey: { name: JOBS_TABLE.sortKey, type: string },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: JOBS_TABLE.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      deletionProtection: props.removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy: props.removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: JOBS_TABLE.statusIndex,
      partitionKey: { name: JOBS_TABLE.statusIndexPartitionKey, type: string },
      sortKey: { name: JOBS_TABLE.statusIndexSortKey, type: string },
      projectionType: dynamodb.ProjectionType.ALL,
    });
  }

  /** The status index's ARN, for policies that query it. */
  public get statusIndexArn(): string {
    return `${this.table.tableArn}/index/${JOBS_TABLE.statusIndex}`;
  }
}
