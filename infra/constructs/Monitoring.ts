import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config/stage-config.js';
import { CIRCUIT_STATE_LOG, FLAG_NOT_UNDERSTOOD_LOG } from '../../pipeline-functions/core/names.js';
import { JOB_METRICS, jobStatusPattern, latencyPattern } from './job-metrics.js';

/** Metric of the enrichment's FLAG_NOT_UNDERSTOOD_LOG lines, in the stage's namespace. */
export const FLAG_NOT_UNDERSTOOD_METRIC = 'FlagNotUnderstood';
/** Gauge of the circuit breaker (1 open, 0 closed) from the enrichment's CIRCUIT_STATE_LOG lines. */
export const CIRCUIT_OPEN_METRIC = 'CircuitOpen';

/** Props of {@link Monitoring}. */
export interface MonitoringProps {
  readonly environment: string;
  readonly dashboardName: string;
  /** Namespace of the metrics taken from the target's logs. */
  readonly namespace: string;
  readonly thresholds: StageConfig['alarms'];
  /** Where every alarm (and its recovery) is sent. */
  readonly topic: sns.ITopic;
  readonly enrichment: lambda.IFunction;
  readonly target: lambda.IFunction;
  /** The target's log group, where each recorded job is logged. */
  readonly targetLogGroup: logs.ILogGroup;
  /** The enrichment's log group, where a flag value b2a does not understand is logged. */
  readonly enrichmentLogGroup: logs.ILogGroup;
  readonly pipeName: string;
  readonly ruleName: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
  /** Where Scheduler puts retries it could not deliver to the source queue. */
  readonly retryDeadLetterQueue: sqs.IQueue;
  /** Whether the stage has a circuit breaker (config `api.circuitBreaker`): then it gets its alarm. @default false */
  readonly circuitBreaker?: boolean;
}

/**
 * The alarms an admin is paged for, all sent to the notification topic, and a dashboard of the flow:
 * objects in, delivered, failed, API latency, queue age. Job counts and API latency are metric
 * filters on the target's job log lines (see `job-metrics.ts`).
 */
export class Monitoring extends Construct {
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  public constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const period = Duration.minutes(props.thresholds.periodMinutes);
    const prefix = `b2a-${props.environment}`;

    const jobMetric = (metricName: string, status: string): cloudwatch.Metric => {
      new logs.MetricFilter(this, `${metricName}Filter`, {
        logGroup: props.targetLogGroup,
        filterPattern: jobStatusPattern(status),
        metricNamespace: props.namespace,
        metricName,
        metricValue: '1',
        unit: cloudwatch.Unit.COUNT,
      });
      return new cloudwatch.Metric({ namespace: props.namespace, metricName, statistic: 'Sum', period });
    };
    const succeeded = jobMetric(JOB_METRICS.succeeded, 'SUCCEEDED');
    const failed = jobMetric(JOB_METRICS.failed, 'FAILED');
    const retrying = jobMetric(JOB_METRICS.retrying, 'RETRYING');
    const skipped = jobMetric(JOB_METRICS.skipped, 'SKIPPED');
    new logs.MetricFilter(this, 'ApiLatencyFilter', {
      logGroup: props.targetLogGroup,
      filterPattern: latencyPattern(),
      metricNamespace: props.namespace,
      metricName: JOB_METRICS.apiLatency,
      metricValue: '$.latencyMs',
      unit: cloudwatch.Unit.MILLISECONDS,
    });
    new logs.MetricFilter(this, 'FlagNotUnderstoodFilter', {
      logGroup: props.enrichmentLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', FLAG_NOT_UNDERSTOOD_LOG),
      metricNamespace: props.namespace,
      metricName: FLAG_NOT_UNDERSTOOD_METRIC,
      metricValue: '1',
      unit: cloudwatch.Unit.COUNT,
    });
    const flagNotUnderstood = new cloudwatch.Metric({
      namespace: props.namespace,
      metricName: FLAG_NOT_UNDERSTOOD_METRIC,
      statistic: 'Sum',
      period,
    });
    const latency = (statistic: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: props.namespace,
        metricName: JOB_METRICS.apiLatency,
        statistic,
        period,
      });

    const pipeMetric = (metricName: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/EventBridge/Pipes',
        metricName,
        dimensionsMap: { PipeName: props.pipeName },
        statistic: 'Sum',
        period,
      });
    const ruleMetric = (metricName: string): cloudwatch.Metric =>
      new cloudwatch.Metric({
        namespace: 'AWS/Events',
        metricName,
        dimensionsMap: { RuleName: props.ruleName },
        statistic: 'Sum',
        period,
      });
    const pipeFailures = new cloudwatch.MathExpression({
      expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(partial, 0)',
      usingMetrics: {
        failed: pipeMetric('ExecutionFailed'),
        timedOut: pipeMetric('ExecutionTimeout'),
        partial: pipeMetric('ExecutionPartiallyFailed'),
      },
      label: 'Failed pipe executions',
      period,
    });
    const queueAge = props.queue.metricApproximateAgeOfOldestMessage({ statistic: 'Maximum', period });
    const deadLetters = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period,
    });
    const undeliveredRetries = props.retryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
      statistic: 'Maximum',
      period,
    });

    const alarm = (id: string, name: string, description: string, options: AlarmOptions): void => {
      const created = new cloudwatch.Alarm(this, id, {
        alarmName: `${prefix}-${name}`,
        alarmDescription: description,
        metric: options.metric,
        threshold: options.threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: options.treatMissingData ?? cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(props.topic));
      created.addOkAction(new actions.SnsAction(props.topic));
      this.alarms.push(created);
    };
    const t = props.thresholds;
    alarm(
      'DeadLettersAlarm',
      'dlq-not-empty',
      'Messages reached the DLQ: run `b2a dlq` to look, `b2a dlq redrive` to retry.',
      {
        metric: deadLetters,
        threshold: 1,
      },
    );
    alarm(
      'UndeliveredRetriesAlarm',
      'retries-undelivered',
      'Scheduler could not deliver retries: those jobs stay RETRYING. Run `b2a jobs --status RETRYING`, `b2a reprocess <key>` for those whose nextAttemptAt is past, then purge the retry DLQ.',
      {
        metric: undeliveredRetries,
        threshold: 1,
      },
    );
    alarm(
      'FailedJobsAlarm',
      'jobs-failed',
      'Jobs ended FAILED: run `b2a jobs --status FAILED` for the reasons.',
      {
        metric: failed,
        threshold: t.failedJobs,
      },
    );
    alarm(
      'FlagNotUnderstoodAlarm',
      'flag-not-understood',
      'The enabled flag holds a value b2a does not understand, so deliveries are held (deferred, none skipped, no attempt spent): `b2a status` shows it. Set it with `b2a toggle on` (or `off`); held deliveries resume by themselves.',
      {
        metric: flagNotUnderstood,
        threshold: 1,
      },
    );
    if (props.circuitBreaker) {
      new logs.MetricFilter(this, 'CircuitOpenFilter', {
        logGroup: props.enrichmentLogGroup,
        filterPattern: logs.FilterPattern.stringValue('$.message', '=', CIRCUIT_STATE_LOG),
        metricNamespace: props.namespace,
        metricName: CIRCUIT_OPEN_METRIC,
        metricValue: '$.circuitOpen',
        unit: cloudwatch.Unit.NONE,
      });
      alarm(
        'CircuitOpenAlarm',
        'circuit-open',
        'The circuit breaker is open: the API kept failing (or refused b2a with 401/403), so deliveries wait without spending attempts and one probe goes per api.circuitBreaker.probeSeconds. Read the reason in the circuit-open notification (or the enrichment log, "circuit opened"), fix the API or the credential; the first successful probe closes the circuit and the backlog drains.',
        {
          metric: new cloudwatch.Metric({
            namespace: props.namespace,
            metricName: CIRCUIT_OPEN_METRIC,
            statistic: 'Maximum',
            period,
          }),
          threshold: 1,
          // A gauge, logged on every batch and transition: no batch means no news, so the alarm keeps
          // its state (IGNORE: https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudwatch.TreatMissingData.html).
          treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        },
      );
    }
    alarm('EnrichmentErrorsAlarm', 'enrichment-errors', 'The enrichment function threw: see its log group.', {
      metric: props.enrichment.metricErrors({ statistic: 'Sum', period }),
      threshold: t.functionErrors,
    });
    alarm('TargetErrorsAlarm', 'target-errors', 'The target function threw: see its log group.', {
      metric: props.target.metricErrors({ statistic: 'Sum', period }),
      threshold: t.functionErrors,
    });
    alarm(
      'PipeFailuresAlarm',
      'pipe-failures',
      'Pipe executions failed or timed out: see the pipe log group.',
      {
        metric: pipeFailures,
        threshold: t.pipeFailures,
      },
    );
    alarm(
      'QueueAgeAlarm',
      'queue-age',
      'Messages wait in the source queue: is the pipe stopped or throttled?',
      {
        metric: queueAge,
        threshold: t.queueAgeSeconds,
      },
    );
    alarm('RuleFailuresAlarm', 'rule-failures', 'EventBridge could not put S3 events on the source queue.', {
      metric: ruleMetric('FailedInvocations'),
      threshold: 1,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(24),
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Objects in',
        left: [
          ruleMetric('MatchedEvents').with({ label: 'Objects created (rule matches)' }),
          props.queue.metricNumberOfMessagesSent({ period, label: 'Messages sent to the queue' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Jobs',
        left: [
          succeeded.with({ label: 'Delivered (SUCCEEDED)' }),
          failed.with({ label: 'FAILED' }),
          retrying.with({ label: 'RETRYING' }),
          skipped.with({ label: 'SKIPPED (flag off)' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency (ms)',
        left: [latency('p50'), latency('p90'), latency('p99')],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queue age (s)',
        left: [queueAge.with({ label: 'Oldest message in the source queue' })],
        right: [
          deadLetters.with({ label: 'Messages in the DLQ' }),
          undeliveredRetries.with({ label: 'Undelivered retries (retry DLQ)' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Pipe',
        left: [
          pipeMetric('EventCount').with({ label: 'Events' }),
          pipeFailures,
          pipeMetric('ExecutionThrottled').with({ label: 'Throttled' }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Functions',
        left: [
          props.enrichment.metricErrors({ period, label: 'Enrichment errors' }),
          props.target.metricErrors({ period, label: 'Target errors' }),
          props.enrichment.metricThrottles({ period, label: 'Enrichment throttles' }),
        ],
        right: [props.enrichment.metricDuration({ period, statistic: 'p90', label: 'Enrichment p90 (ms)' })],
        width: 8,
      }),
    );
  }
}

interface AlarmOptions {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  /** @default NOT_BREACHING */
  readonly treatMissingData?: cloudwatch.TreatMissingData;
}
