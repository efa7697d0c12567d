/** `b2a backfill` and `b2a reconcile` as plain text. */
import type { Job, ObjectRef } from '../../pipeline-functions/core/model.js';
import type {
  BackfillCounts,
  BackfillResult,
} from '../../pipeline-functions/core/use-cases/admin/backfill.js';
import type {
  DriftFixResult,
  ReconcileReport,
} from '../../pipeline-functions/core/use-cases/admin/reconcile.js';
import { formatTime, formatVersion } from './format.js';
import { renderTable, type Column } from './table.js';

/** Messages a second over `seconds`, or `-` before any time has passed. */
export function perSecond(count: number, seconds: number): string {
  return seconds > 0 ? `${Math.round(count / seconds)}/s` : '-';
}

/** The progress line of a backfill: `listed 1200 · already done 600 · sent 500 · skipped by filter 100 · 250/s`. */
export function backfillProgressLabel(counts: BackfillCounts, seconds: number): string {
  return [
    `listed ${counts.listed}`,
    `already done ${counts.alreadyDone}`,
    `sent ${counts.sent}`,
    `skipped by filter ${counts.skippedByFilter}`,
    ...(counts.failed > 0 ? [`failed ${counts.failed}`] : []),
    perSecond(counts.sent, seconds),
  ].join(' · ');
}

const OBJECT_COLUMNS: readonly Column<ObjectRef>[] = [
  { header: 'KEY', value: (o) => o.key, truncate: true, minWidth: 12 },
  { header: 'VERSION', value: formatVersion, truncate: true },
];

/** What a backfill did, or (a dry run) would do. */
export function renderBackfill(result: BackfillResult, seconds: number, maxWidth: number): string {
  const { counts } = result;
  const lines: string[] = [];
  if (result.dryRun && result.planned.length > 0) {
    lines.push(renderTable(OBJECT_COLUMNS, result.planned, maxWidth));
    if (result.planned.length < counts.sent) lines.push(`… and ${counts.sent - result.planned.length} more`);
  }
  const verb = result.dryRun ? 'Dry run: would send' : 'Sent';
  lines.push(
    `${verb} ${counts.sent} backfill message(s) in ${result.environment}` +
      `${result.dryRun ? '' : ` (backfill ${result.backfillId}${result.resumed ? ', resumed' : ''})`}.`,
    `Listed ${counts.listed}, already done ${counts.alreadyDone}, skipped by filter ${counts.skippedByFilter}` +
      `${counts.failed > 0 ? `, failed ${counts.failed}` : ''}; ${perSecond(counts.listed, seconds)} listed, ${perSecond(counts.sent, seconds)} sent.`,
  );
  for (const notSent of result.failed) {
    lines.push(
      `Not sent: s3://${notSent.bucket}/${notSent.key} (${formatVersion(notSent)}): ${notSent.reason}`,
    );
  }
  return lines.join('\n');
}

/** One line of drift. */
interface DriftRow {
  readonly kind: 'MISSED' | 'GONE' | 'STUCK' | 'SKIPPED';
  readonly key: string;
  readonly version: string;
  readonly detail: string;
}

const DRIFT_COLUMNS: readonly Column<DriftRow>[] = [
  { header: 'DRIFT', value: (r) => r.kind, width: 7 },
  { header: 'KEY', value: (r) => r.key, truncate: true, minWidth: 12 },
  { header: 'VERSION', value: (r) => r.version, truncate: true },
  { header: 'DETAIL', value: (r) => r.detail, truncate: true, minWidth: 8 },
];

const jobRow = (kind: DriftRow['kind'], job: Job, detail: string): DriftRow => ({
  kind,
  key: job.key,
  version: formatVersion(job),
  detail,
});

/** The drift a reconcile found, as a table and a summary line. */
export function renderReconcile(report: ReconcileReport, maxWidth: number): string {
  const rows: DriftRow[] = [
    ...report.missed.map((o): DriftRow => ({
      kind: 'MISSED',
      key: o.key,
      version: formatVersion(o),
      detail: `no job (written ${formatTime(o.lastModified)})`,
    })),
    ...report.gone.map((job) => jobRow('GONE', job, `${job.status}, object version no longer exists`)),
    ...report.stuck.map((job) => jobRow('STUCK', job, `retry was due ${formatTime(job.nextAttemptAt)}`)),
    ...report.skipped.map((job) => jobRow('SKIPPED', job, job.lastError ?? 'the flag was off')),
  ];
  const summary =
    `Listed ${report.listed} in ${report.environment}: ${report.missed.length} missed, ${report.gone.length} gone, ` +
    `${report.stuck.length} stuck, ${report.skipped.length} skipped.`;
  return rows.length > 0
    ? `${renderTable(DRIFT_COLUMNS, rows, maxWidth)}\n${summary}`
    : `No drift. ${summary}`;
}

/** What `reconcile --fix` sent. */
export function renderDriftFix(fix: DriftFixResult): string {
  const lines = [
    `Fixed: ${fix.backfilled} missed object(s) sent (backfill ${fix.backfillId}), ${fix.retried} stuck retry(ies) sent.`,
  ];
  for (const notSent of fix.failed) {
    lines.push(
      `Not sent: s3://${notSent.bucket}/${notSent.key} (${formatVersion(notSent)}): ${notSent.reason}`,
    );
  }
  return lines.join('\n');
}
