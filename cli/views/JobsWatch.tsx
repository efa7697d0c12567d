import { Box, Text, useApp, useInput, useStdin } from 'ink';
import Spinner from 'ink-spinner';
import { useEffect } from 'react';
import type { Job } from '../../pipeline-functions/core/model.js';
import { usePolling } from '../hooks/use-polling.js';
import { formatTime } from '../render/format.js';
import { JobsTable } from './JobsTable.js';

/** Props of {@link JobsWatch}. */
export interface JobsWatchProps {
  /** Loads the jobs to show; called every `intervalMs` (must be stable). */
  readonly load: () => Promise<Job[]>;
  readonly intervalMs: number;
  readonly title: string;
  readonly width: number;
}

/**
 * `b2a jobs --watch`: the jobs table, reloaded every few seconds until `q` or Ctrl+C. A failed load
 * ends the app with that error, so the CLI reports it like any other.
 */
export function JobsWatch({ load, intervalMs, title, width }: JobsWatchProps) {
  const { data, error, loadedAt } = usePolling(load, intervalMs);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  useInput(
    (input) => {
      if (input === 'q') exit();
    },
    { isActive: isRawModeSupported === true },
  );
  useEffect(() => {
    if (error) exit(error);
  }, [error, exit]);
  return (
    <Box flexDirection="column">
      <Box>
        <Text bold>{title}</Text>
        <Text dimColor>
          {'  '}every {Math.round(intervalMs / 1000)}s
          {loadedAt ? `, updated ${formatTime(loadedAt.toISOString())}` : ''}, q or Ctrl+C to stop
        </Text>
      </Box>
      {data ? (
        <JobsTable jobs={data} width={width} />
      ) : (
        <Text>
          <Spinner type="dots" /> loading…
        </Text>
      )}
    </Box>
  );
}
