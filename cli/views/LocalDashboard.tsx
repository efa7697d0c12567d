import { Box, Text } from 'ink';
import type { CircuitStatus } from '../../pipeline-functions/core/admission/circuit-status.js';
import type { AttentionStatus } from '../../pipeline-functions/core/model.js';
import type { FlagReading } from '../../pipeline-functions/core/ports.js';
import { JOB_STATUSES } from '../../pipeline-functions/core/model.js';
import type { ActivitySnapshot, RecentJob } from '../../pipeline-functions/local/activity.js';
import type { LogEntry } from '../../pipeline-functions/local/log.js';
import type { PendingWork } from '../../pipeline-functions/local/runtime.js';
import { formatCircuit } from '../render/status.js';
import type { Column } from '../render/table.js';
import { STATUS_COLORS, statusColor } from './status-colors.js';
import { Table } from './Table.js';

/** Where the runtime is and what it calls: fixed while it runs. */
export interface LocalDashboardInfo {
  readonly dataDir: string;
  readonly inboxDir: string;
  readonly bucket: string;
  readonly apiUrl: string;
  /** The API is the built-in demo API. */
  readonly demoApi: boolean;
}

/** Props of {@link LocalDashboard}. */
export interface LocalDashboardProps {
  readonly info: LocalDashboardInfo;
  /**
   * Jobs in the store by status, for the statuses the store indexes (SUCCEEDED is not: the view
   * shows the successes recorded since start); undefined until first loaded.
   */
  readonly counts?: Readonly<Record<AttentionStatus, number>>;
  /** The enabled flag (`not-understood` holds); undefined until first read. */
  readonly flag?: FlagReading['state'];
  /** The circuit breaker, when one is configured. */
  readonly circuit?: CircuitStatus;
  readonly pending?: PendingWork;
  readonly activity: ActivitySnapshot;
  /** Notable log entries, newest first. */
  readonly events: readonly LogEntry[];
  /** Terminal width to fit. */
  readonly width: number;
  readonly stopping: boolean;
}

const FLAG_WORDS: Readonly<Record<FlagReading['state'], { text: string; color: string }>> = {
  on: { text: 'ON', color: 'green' },
  off: { text: 'OFF', color: 'red' },
  hold: { text: 'HOLD', color: 'yellow' },
  'not-understood': { text: 'HOLD (value not understood)', color: 'yellow' },
};

const RECENT_ROWS = 8;
const EVENT_ROWS = 6;

const RECENT_COLUMNS: readonly Column<RecentJob>[] = [
  { header: 'TIME', value: (j) => j.at.slice(11, 19), width: 8 },
  { header: 'STATUS', value: (j) => j.status, width: 10 },
  { header: 'KEY', value: (j) => j.key, truncate: true, minWidth: 12 },
  { header: '#', value: (j) => String(j.attempt), align: 'right' },
  { header: 'HTTP', value: (j) => (j.httpStatus !== undefined ? String(j.httpStatus) : '-'), align: 'right' },
  {
    header: 'NOTE',
    value: (j) =>
      j.status === 'RETRYING' && j.nextAttemptAt
        ? `next at ${j.nextAttemptAt.slice(11, 19)}: ${j.error ?? ''}`
        : (j.error ?? ''),
    truncate: true,
    minWidth: 8,
  },
  { header: 'RESPONSE', value: (j) => responseSummary(j.response), truncate: true, minWidth: 8 },
];

/** The API's last answer on one line: its request id, then the start of its body. */
function responseSummary(response: RecentJob['response']): string {
  if (!response) return '-';
  const body = response.body?.replace(/\s+/g, ' ').trim();
  return [response.requestId?.value, body].filter(Boolean).join(' · ') || '-';
}

const LEVEL_COLORS: Readonly<Record<LogEntry['level'], string | undefined>> = {
  debug: 'gray',
  info: undefined,
  warn: 'yellow',
  error: 'red',
};

/**
 * The live view of `b2a local up`: job counts by status, what is in flight, recent jobs and events.
 * Props only: the command feeds it snapshots.
 */
export function LocalDashboard({
  info,
  counts,
  flag,
  circuit,
  pending,
  activity,
  events,
  width,
  stopping,
}: LocalDashboardProps) {
  return (
    <Box flexDirection="column" width={width}>
      <Box>
        <Text bold>b2a local</Text>
        <Text> · bucket {info.bucket} · API </Text>
        <Text color="cyan" wrap="truncate-end">
          {info.apiUrl}
          {info.demoApi ? ' (demo API)' : ''}
        </Text>
        <Text> · flag </Text>
        {flag === undefined ? (
          <Text dimColor>…</Text>
        ) : (
          <Text color={FLAG_WORDS[flag].color}>{FLAG_WORDS[flag].text}</Text>
        )}
      </Box>
      {circuit ? (
        <Text color={circuit.state === 'closed' ? undefined : 'red'}>Circuit {formatCircuit(circuit)}</Text>
      ) : null}
      <Box>
        <Text>Jobs </Text>
        {JOB_STATUSES.map((status) => (
          <Text key={status} color={STATUS_COLORS[status]}>
            {' '}
            {status}{' '}
            {status === 'SUCCEEDED'
              ? `${activity.recordedSinceStart.SUCCEEDED} since start`
              : counts
                ? counts[status]
                : '…'}
          </Text>
        ))}
      </Box>
      <Text>
        In flight {activity.callsInFlight} call{activity.callsInFlight === 1 ? '' : 's'} · queued{' '}
        {pending?.queued ?? '…'} · retries waiting {pending?.retries ?? '…'} · inbox pending{' '}
        {pending?.inbox ?? '…'} · dead letters {activity.deadLetters} ·{' '}
        {activity.deliveredPerSecond.toFixed(1)} delivered/s
      </Text>
      <Box marginTop={1} flexDirection="column">
        <Text bold>Recent jobs</Text>
        {activity.recent.length === 0 ? (
          <Text dimColor>none yet: drop a file into {info.inboxDir}</Text>
        ) : (
          <Table
            columns={RECENT_COLUMNS}
            rows={activity.recent.slice(0, RECENT_ROWS)}
            width={width}
            cellColor={(row, column) => (column.header === 'STATUS' ? statusColor(row.status) : undefined)}
          />
        )}
      </Box>
      <Box marginTop={1} flexDirection="column">
        <Text bold>Events</Text>
        {events.slice(0, EVENT_ROWS).map((entry, i) => (
          <Text key={i} color={LEVEL_COLORS[entry.level]} wrap="truncate-end">
            {entry.at.slice(11, 19)} {entry.message}
          </Text>
        ))}
      </Box>
      <Box marginTop={1}>
        {stopping ? (
          <Text color="yellow">Stopping: finishing the batches in hand…</Text>
        ) : (
          <Text dimColor wrap="truncate-end">
            Drop files into {info.inboxDir} · b2a jobs|toggle|reprocess --data-dir {info.dataDir} · Ctrl+C
            stops
          </Text>
        )}
      </Box>
    </Box>
  );
}
