/**
 * Names shared by infra/ (which sets them) and the handlers and CLI (which read them), so the two
 * never drift.
 */

/** Environment variables of the Lambda functions. */
export const ENV = {
  /** JSON of the pipeline configuration (see config.ts). */
  CONFIG: 'B2A_CONFIG',
  TABLE_NAME: 'B2A_TABLE_NAME',
  /** The source bucket: the enrichment delivers objects of this bucket only. */
  BUCKET_NAME: 'B2A_BUCKET_NAME',
  FLAG_PARAMETER: 'B2A_FLAG_PARAMETER',
  TOPIC_ARN: 'B2A_TOPIC_ARN',
  QUEUE_ARN: 'B2A_QUEUE_ARN',
  SCHEDULE_GROUP: 'B2A_SCHEDULE_GROUP',
  SCHEDULER_ROLE_ARN: 'B2A_SCHEDULER_ROLE_ARN',
  /** Queue where Scheduler puts a retry it could not deliver to the source queue. */
  SCHEDULER_DLQ_ARN: 'B2A_SCHEDULER_DLQ_ARN',
} as const;

/** SSM parameter holding the enabled flag (`on` or `off`). */
export const flagParameterName = (environment: string): string => `/b2a/${environment}/enabled`;

/** SSM parameter the stack publishes with every resource name, read by the CLI (`--env prod`). */
export const discoveryParameterName = (environment: string): string => `/b2a/${environment}/resources`;

/**
 * The jobs table's sparse status index: partition `attention` (the status, written only while the
 * job needs attention: see core `ATTENTION_STATUSES`), sort `updatedAt`. It replaced `by-status`,
 * which held every job, successes included.
 */
export const STATUS_INDEX = 'by-attention';

/**
 * The `message` of the line the enrichment logs (once per container, repeated at most once a minute)
 * while the flag holds a value b2a does not understand. The stack's alarm counts these lines.
 */
export const FLAG_NOT_UNDERSTOOD_LOG = 'flag value not understood';

/** Enabled flag values as stored (read case-insensitively, see core `readFlagValue`). */
export const FLAG_ON = 'on';
export const FLAG_OFF = 'off';
/** Deliveries wait (deferred, no attempt spent) until the flag is on again; nothing is skipped. */
export const FLAG_HOLD = 'hold';

/** Resource names the stack publishes in the discovery parameter (and the local runtime fakes). */
export interface DeployedResources {
  readonly environment: string;
  readonly region: string;
  readonly bucketName: string;
  readonly tableName: string;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly flagParameter: string;
  readonly topicArn: string;
  readonly pipeName: string;
  readonly scheduleGroup: string;
  /**
   * The pipeline's key filters, for `b2a backfill` and `b2a reconcile` (absent from stacks older
   * than them: no filter).
   */
  readonly filters?: { readonly prefix: string; readonly suffix: string };
  /**
   * Admission control as configured, so that the CLI paces bulk sends at the API's rate limit and
   * shows the circuit breaker (absent from stacks older than it: no pacing, no breaker).
   */
  readonly admission?: {
    readonly rateLimit?: { readonly perSecond: number; readonly perMinute?: number };
    readonly circuitBreaker: boolean;
  };
}

/**
 * The `message` of the log line the target writes for each job it records, with the fields
 * `status` (the job's new status) and `latencyMs` (the API call's, when one was made). The stack's
 * metric filters count these lines (jobs by status, API latency), so the fields are a contract.
 */
export const JOB_RECORDED_LOG = 'job recorded';

/**
 * The `message` of the line the target writes for each deferral it records (admission control held
 * the call back): not JOB_RECORDED_LOG, so that deferrals are not counted as retries.
 */
export const JOB_DEFERRED_LOG = 'job deferred';

/**
 * The `message` of the line the enrichment writes each time it reads or changes the circuit
 * breaker, with the field `circuitOpen` (1 open, 0 closed): the gauge the circuit alarm watches.
 */
export const CIRCUIT_STATE_LOG = 'circuit state';
