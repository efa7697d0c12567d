/**
 * How the stack turns the target's logs into job metrics. The target logs one JSON line per job it
 * records (Powertools Logger): `message` is JOB_RECORDED_LOG, `status` the job's new status and
 * `latencyMs` the API call's latency when a call was made. Metric filters count those lines, so
 * no metrics API call sits on the delivery path.
 */
import * as logs from 'aws-cdk-lib/aws-logs';
import { JOB_RECORDED_LOG } from '../../pipeline-functions/core/names.js';

/** Metric names in the stage's namespace. */
export const JOB_METRICS = {
  succeeded: 'JobsSucceeded',
  failed: 'JobsFailed',
  retrying: 'JobsRetrying',
  skipped: 'JobsSkipped',
  apiLatency: 'ApiLatency',
} as const;

/** Matches the log lines of jobs recorded with `status`. */
export function jobStatusPattern(status: string): logs.IFilterPattern {
  return logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.message', '=', JOB_RECORDED_LOG),
    logs.FilterPattern.stringValue('$.status', '=', status),
  );
}

/** Matches the log lines of recorded jobs whose attempt called the API (and so has a latency). */
export function latencyPattern(): logs.IFilterPattern {
  return logs.FilterPattern.all(
    logs.FilterPattern.stringValue('$.message', '=', JOB_RECORDED_LOG),
    logs.FilterPattern.numberValue('$.latencyMs', '>=', 0),
  );
}
