/** `b2a reprocess` as plain text. */
import type { ObjectRef } from '../../pipeline-functions/core/model.js';
import type { ReprocessResult } from '../../pipeline-functions/core/use-cases/admin/reprocess.js';
import type { WaitState } from '../../pipeline-functions/core/use-cases/admin/wait-for-jobs.js';
import { formatVersion, lastOutcome, shellQuote } from './format.js';
import { renderTable, type Column } from './table.js';

const OBJECT_COLUMNS: readonly Column<ObjectRef>[] = [
  { header: 'KEY', value: (o) => o.key, truncate: true, minWidth: 12 },
  { header: 'VERSION', value: formatVersion, truncate: true },
];

/** What a dry run would send (or that a selection is empty). */
export function renderPlan(objects: readonly ObjectRef[], environment: string, dryRun: boolean): string {
  if (objects.length === 0) return 'No jobs match: nothing to reprocess.';
  const table = renderTable(OBJECT_COLUMNS, objects, Number.POSITIVE_INFINITY);
  return `${dryRun ? 'Dry run: would reprocess' : 'Would reprocess'} ${objects.length} object(s) in ${environment}:\n${table}`;
}

/** The jobs a reprocess started, and the objects it could not find. */
export function renderStarted(result: ReprocessResult, environment: string): string {
  const lines = result.started.map((s) => `Started job ${s.jobId} (run ${s.runId})`);
  if (result.started.length > 1) lines.push(`${result.started.length} jobs started in ${environment}.`);
  if (result.started.length === 1)
    lines.push(`Follow it with: b2a jobs show ${shellQuote(result.started[0]?.key ?? '')}`);
  for (const missing of result.missing) {
    lines.push(
      `Not sent: s3://${missing.bucket}/${missing.key} (${formatVersion(missing)}) no longer exists`,
    );
  }
  for (const notSent of [...result.denied, ...result.failed]) {
    lines.push(
      `Not sent: s3://${notSent.bucket}/${notSent.key} (${formatVersion(notSent)}): ${notSent.reason}`,
    );
  }
  return lines.join('\n');
}

const WAIT_COLUMNS: readonly Column<WaitState>[] = [
  { header: 'KEY', value: (s) => s.started.key, truncate: true, minWidth: 12 },
  {
    header: 'STATUS',
    value: (s) => (s.done ? (s.job?.status ?? '-') : `${s.job?.status ?? 'PENDING'}…`),
    width: 10,
  },
  { header: 'LAST', value: (s) => (s.job ? lastOutcome(s.job) : '-'), truncate: true, minWidth: 8 },
];

/** Where the jobs a `--wait` followed ended. */
export function renderWaitResult(states: readonly WaitState[], maxWidth: number): string {
  return renderTable(WAIT_COLUMNS, states, maxWidth);
}
