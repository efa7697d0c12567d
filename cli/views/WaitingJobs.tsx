import { Box, Text } from 'ink';
import Spinner from 'ink-spinner';
import type { WaitState } from '../../pipeline-functions/core/use-cases/admin/wait-for-jobs.js';
import { lastOutcome } from '../render/format.js';
import { truncate } from '../render/table.js';
import { statusColor } from './status-colors.js';

/** Props of {@link WaitingJobs}. */
export interface WaitingJobsProps {
  readonly states: readonly WaitState[];
  /** Cells for the key. @default 50 */
  readonly keyWidth?: number;
}

/** `reprocess --wait`: a spinner per job still running, its status once done. */
export function WaitingJobs({ states, keyWidth = 50 }: WaitingJobsProps) {
  const running = states.filter((s) => !s.done).length;
  return (
    <Box flexDirection="column">
      {states.map((s) => (
        <Box key={s.started.jobId}>
          <Box width={3} flexShrink={0}>
            {s.done ? <Text color={statusColor(s.job?.status)}>●</Text> : <Spinner type="dots" />}
          </Box>
          <Box width={keyWidth} flexShrink={0} marginRight={2}>
            <Text wrap="truncate-end">{truncate(s.started.key, keyWidth)}</Text>
          </Box>
          <Text color={statusColor(s.job?.status)}>{s.job?.status ?? 'PENDING'}</Text>
          {s.job ? <Text dimColor> {lastOutcome(s.job)}</Text> : null}
        </Box>
      ))}
      <Text dimColor>{running > 0 ? `waiting for ${running} of ${states.length}…` : 'done'}</Text>
    </Box>
  );
}
