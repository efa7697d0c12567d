import { Box, Text } from 'ink';
import type { Job } from '../../pipeline-functions/core/model.js';
import { JOB_COLUMNS } from '../render/jobs.js';
import { statusColor } from './status-colors.js';
import { Table } from './Table.js';

/** Props of {@link JobsTable}. */
export interface JobsTableProps {
  readonly jobs: readonly Job[];
  readonly width: number;
  /** A line above the table, e.g. `b2a jobs in prod`. */
  readonly title?: string;
}

/** The `b2a jobs` table: key, status (coloured), attempts, last HTTP status or error, updated. */
export function JobsTable({ jobs, width, title }: JobsTableProps) {
  return (
    <Box flexDirection="column">
      {title ? <Text bold>{title}</Text> : null}
      {jobs.length === 0 ? (
        <Text dimColor>No jobs match.</Text>
      ) : (
        <Table
          columns={JOB_COLUMNS}
          rows={jobs}
          width={width}
          cellColor={(job, column) => (column.header === 'STATUS' ? statusColor(job.status) : undefined)}
        />
      )}
    </Box>
  );
}
