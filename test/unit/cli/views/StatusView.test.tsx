import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import type { StatusReport } from '../../../../pipeline-functions/core/use-cases/admin/status.js';
import { StatusView } from '../../../../cli/views/StatusView.js';

const report: StatusReport = {
  environment: 'prod',
  bucket: 'b2a-prod-inbox',
  identity: { arn: 'arn:aws:sts::111111111111:assumed-role/b2a-prod-admin/alice', account: '111111111111' },
  enabled: false,
  queues: {
    source: { visible: 12, inFlight: 3, delayed: 1, oldestAgeSeconds: 4000 },
    deadLetter: { visible: 2, inFlight: 0, delayed: 0 },
  },
  pipeState: 'RUNNING',
  since: '2026-11-20T12:00:00.000Z',
  counts: { SUCCEEDED: 120, RETRYING: 3, FAILED: 2, SKIPPED: 40, SUPERSEDED: 0 },
};

describe('Component: StatusView', () => {
  it('shows identity, flag, pipe, queues and counts', () => {
    // Act
    const lines = (render(<StatusView report={report} />).lastFrame() ?? '').split('\n');

    // Assess
    expect(lines).toEqual([
      'environment   prod (bucket b2a-prod-inbox)',
      'you           arn:aws:sts::111111111111:assumed-role/b2a-prod-admin/alice (account 111111111111)',
      'flag          OFF: new objects are SKIPPED',
      'pipe          RUNNING',
      'queue         12 waiting, 3 in flight, 1 delayed, oldest 1h 6m',
      'dead letters  2 waiting, 0 in flight, 0 delayed',
      'jobs          SUCCEEDED 120  RETRYING 3  FAILED 2  SKIPPED 40  (since 2026-11-20 12:00:00Z)',
    ]);
  });

  it('says the flag value is not understood, and counts as off', () => {
    // Act
    const frame =
      render(
        <StatusView
          report={{ ...report, flagProblem: 'flag value "true" not understood; treated as off' }}
        />,
      ).lastFrame() ?? '';

    // Assess
    expect(frame).toContain('OFF: flag value "true" not understood; treated as off; new objects are SKIPPED');
  });
});
