import { Box, Text } from 'ink';
import type { StatusReport } from '../../pipeline-functions/core/use-cases/admin/status.js';
import { formatTime } from '../render/format.js';
import { shownCounts, statusLines, SUCCEEDED_NOT_COUNTED } from '../render/status.js';
import { STATUS_COLORS } from './status-colors.js';

/** Props of {@link StatusView}. */
export interface StatusViewProps {
  readonly report: StatusReport;
}

const LABEL_WIDTH = 14;

/** `b2a status`: identity, flag, circuit breaker, pipe, queue depths and job counts. */
export function StatusView({ report }: StatusViewProps) {
  const colorOf = (label: string): string | undefined => {
    if (label === 'flag') return report.enabled ? 'green' : report.flag === 'off' ? 'red' : 'yellow';
    if (label === 'circuit') return report.circuit?.state === 'closed' ? 'green' : 'red';
    if (label === 'pipe') return report.pipeState === 'RUNNING' ? 'green' : 'yellow';
    if (label === 'dead letters') return report.queues.deadLetter.visible > 0 ? 'yellow' : undefined;
    return undefined;
  };
  return (
    <Box flexDirection="column">
      {statusLines(report).map(([label, value]) => (
        <Box key={label}>
          <Box width={LABEL_WIDTH} flexShrink={0}>
            <Text bold>{label}</Text>
          </Box>
          <Text color={colorOf(label)}>{value}</Text>
        </Box>
      ))}
      <Box>
        <Box width={LABEL_WIDTH} flexShrink={0}>
          <Text bold>jobs</Text>
        </Box>
        {shownCounts(report).map(([status, count]) => (
          <Box key={status} marginRight={2}>
            <Text color={STATUS_COLORS[status as keyof typeof STATUS_COLORS]}>{status}</Text>
            <Text> {count}</Text>
          </Box>
        ))}
        <Text dimColor>(since {formatTime(report.since)})</Text>
      </Box>
      <Box>
        <Box width={LABEL_WIDTH} flexShrink={0}>
          <Text bold>succeeded</Text>
        </Box>
        <Text dimColor>{SUCCEEDED_NOT_COUNTED}</Text>
      </Box>
    </Box>
  );
}
