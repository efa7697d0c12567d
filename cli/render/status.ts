/** `b2a status` as plain text. */
import type { CircuitStatus } from '../../pipeline-functions/core/admission/circuit-status.js';
import type { QueueStats } from '../../pipeline-functions/core/ports.js';
import type { StatusReport } from '../../pipeline-functions/core/use-cases/admin/status.js';
import { formatAge, formatTime } from './format.js';

/** A queue's depth in one line: `3 waiting, 1 in flight, 0 delayed, oldest 2m 5s`. */
export function formatQueue(stats: QueueStats): string {
  const oldest = stats.oldestAgeSeconds !== undefined ? `, oldest ${formatAge(stats.oldestAgeSeconds)}` : '';
  return `${stats.visible} waiting, ${stats.inFlight} in flight, ${stats.delayed} delayed${oldest}`;
}

/** The label/value lines of the status, shared with the ink `StatusView`. */
export function statusLines(report: StatusReport): [string, string][] {
  return [
    ['environment', `${report.environment} (bucket ${report.bucket})`],
    [
      'you',
      report.identity.account
        ? `${report.identity.arn} (account ${report.identity.account})`
        : report.identity.arn,
    ],
    ['flag', flagLine(report)],
    ...(report.circuit ? [['circuit', formatCircuit(report.circuit)] as [string, string]] : []),
    ['pipe', report.pipeState],
    ['queue', formatQueue(report.queues.source)],
    ['dead letters', formatQueue(report.queues.deadLetter)],
  ];
}

function flagLine(report: StatusReport): string {
  if (report.enabled) return 'ON: calling the API';
  if (report.flagProblem)
    return `HOLD: ${report.flagProblem}; deliveries wait, nothing is SKIPPED (b2a toggle on|off|hold sets it)`;
  if (report.flag === 'hold') return 'HOLD: deliveries wait, nothing is SKIPPED (b2a toggle on resumes)';
  return 'OFF: new objects are SKIPPED';
}

/**
 * The circuit breaker in one line (`b2a status`, the local dashboard), e.g.
 * `OPEN since 2026-11-21 11:58:00Z: 5 failures in a row; last error HTTP 503; 42 deferred; next probe 2026-11-21 12:00:30Z`.
 */
export function formatCircuit(circuit: CircuitStatus): string {
  if (circuit.state === 'closed') {
    const failures = circuit.failures > 0 ? `, ${circuit.failures} failure(s) in a row` : '';
    return `closed: calling the API${failures}`;
  }
  const parts = [
    `${circuit.state === 'open' ? 'OPEN' : 'HALF-OPEN (probe due)'}${circuit.since ? ` since ${formatTime(circuit.since)}` : ''}: ${circuit.reason ?? 'no reason recorded'}`,
    ...(circuit.lastError ? [`last error ${circuit.lastError}`] : []),
    `${circuit.deferred} deferred`,
    ...(circuit.state === 'open' && circuit.nextProbeAt
      ? [`next probe ${formatTime(circuit.nextProbeAt)}`]
      : []),
  ];
  return parts.join('; ');
}

/**
 * The counts worth a place on the jobs line: every status that needs attention, but SUPERSEDED
 * (which only `versions: latest` produces) when there is none.
 */
export function shownCounts(report: Pick<StatusReport, 'counts'>): [string, number][] {
  return Object.entries(report.counts).filter(([status, count]) => status !== 'SUPERSEDED' || count > 0);
}

/**
 * What the status says of SUCCEEDED jobs: the store does not index them (a write per file saved), so
 * they are listed by key prefix, not counted.
 */
export const SUCCEEDED_NOT_COUNTED =
  'not counted (not indexed): b2a jobs --status succeeded --prefix <prefix>';

/** The job counts line, e.g. `RETRYING 2  FAILED 1  SKIPPED 0`. */
export function formatCounts(report: StatusReport): string {
  return shownCounts(report)
    .map(([status, count]) => `${status} ${count}`)
    .join('  ');
}

/** The whole status. */
export function renderStatus(report: StatusReport): string {
  const lines = statusLines(report).map(([label, value]) => `${label.padEnd(14)}${value}`);
  lines.push(`${'jobs'.padEnd(14)}${formatCounts(report)} (since ${formatTime(report.since)})`);
  lines.push(`${'succeeded'.padEnd(14)}${SUCCEEDED_NOT_COUNTED}`);
  if (report.queues.deadLetter.visible > 0) {
    lines.push('', 'There are dead letters: see them with b2a dlq, send them back with b2a dlq redrive');
  }
  return lines.join('\n');
}
