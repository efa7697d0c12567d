/** Colours of the job statuses in the ink views. */
import type { JobStatus } from '../../pipeline-functions/core/model.js';

/** Ink colour of each status: green done, yellow in progress, red failed, grey nothing sent. */
export const STATUS_COLORS: Readonly<Record<JobStatus, string>> = {
  SUCCEEDED: 'green',
  RETRYING: 'yellow',
  FAILED: 'red',
  SKIPPED: 'gray',
  SUPERSEDED: 'gray',
};

/** The colour of a status word, if it is one. */
export function statusColor(status: string | undefined): string | undefined {
  return status && status in STATUS_COLORS ? STATUS_COLORS[status as JobStatus] : undefined;
}
