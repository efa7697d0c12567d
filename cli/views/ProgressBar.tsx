import { Box, Text } from 'ink';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  readonly done: number;
  readonly total: number;
  /** What is being done, e.g. `reprocessing`. */
  readonly label: string;
  /** Cells of the bar itself. @default 30 */
  readonly barWidth?: number;
}

/**
 * A progress bar for bulk work: `reprocessing [██████░░░░] 12/40`.
 *
 * @example <ProgressBar done={12} total={40} label="reprocessing" />
 */
export function ProgressBar({ done, total, label, barWidth = 30 }: ProgressBarProps) {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(ratio * barWidth);
  return (
    <Box>
      <Text>{label} </Text>
      <Text color="green">{'█'.repeat(filled)}</Text>
      <Text dimColor>{'░'.repeat(barWidth - filled)}</Text>
      <Text>
        {' '}
        {done}/{total}
      </Text>
    </Box>
  );
}
