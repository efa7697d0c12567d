import { Box, Text } from 'ink';
import type { Job } from '../../pipeline-functions/core/model.js';
import { numberedHistory } from '../../pipeline-functions/core/use-cases/admin/jobs.js';
import { ATTEMPT_COLUMNS, jobSummary } from '../render/jobs.js';
import { statusColor } from './status-colors.js';
import { Table } from './Table.js';

/** Props of {@link JobDetail}. */
export interface JobDetailProps {
  /** Every version's job for one key, newest first. */
  readonly jobs: readonly Job[];
  readonly width: number;
}

/** `b2a jobs show`: each version's job, its summary, and its attempt history. */
export function JobDetail({ jobs, width }: JobDetailProps) {
  return (
    <Box flexDirection="column">
      {jobs.map((job) => (
        <Box key={job.jobId} flexDirection="column" marginBottom={1}>
          <Text bold>
            s3://{job.bucket}/{job.key}
          </Text>
          {jobSummary(job).map(([label, value]) => (
            <Box key={label}>
              <Box width={15} flexShrink={0}>
                <Text dimColor>{`  ${label}`}</Text>
              </Box>
              <Text color={label === 'status' ? statusColor(job.status) : undefined} wrap="truncate-end">
                {value}
              </Text>
            </Box>
          ))}
          <Box marginTop={1}>
            {job.history.length === 0 ? (
              <Text dimColor>(no attempts)</Text>
            ) : (
              <Table columns={ATTEMPT_COLUMNS} rows={numberedHistory(job)} width={width} />
            )}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
