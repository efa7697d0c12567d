import { Box, Text } from 'ink';
import type { AttemptDetail } from '../../pipeline-functions/core/use-cases/admin/jobs.js';
import { attemptSections } from '../render/jobs.js';

/** Width of the label column: as in the plain text, wider for a long header name. */
const MIN_LABEL_WIDTH = 19;

/** Props of {@link AttemptView}. */
export interface AttemptViewProps {
  readonly detail: AttemptDetail;
}

/** `b2a jobs show --attempt N`: one attempt in full, what was sent and what the API answered. */
export function AttemptView({ detail }: AttemptViewProps) {
  return (
    <Box flexDirection="column">
      {attemptSections(detail).map(({ title, rows, body }, i) => (
        <Box key={title} flexDirection="column" marginTop={i === 0 ? 0 : 1}>
          <Text bold>{title}</Text>
          {rows.map(([label, value]) => (
            <Box key={label}>
              <Box width={Math.max(MIN_LABEL_WIDTH, ...rows.map(([l]) => l.length + 3))} flexShrink={0}>
                <Text dimColor>{`  ${label}`}</Text>
              </Box>
              <Text>{value}</Text>
            </Box>
          ))}
          {body !== undefined ? (
            <Box paddingLeft={4}>
              <Text>{body}</Text>
            </Box>
          ) : null}
        </Box>
      ))}
    </Box>
  );
}
