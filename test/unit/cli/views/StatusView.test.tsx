import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import type { StatusReport } from '../../../../pipeline-functions/core/use-cases/admin/status.js';
import { StatusView } from '../../../../cli/views/StatusView.js';

const report: StatusReport = {
  environment: 'prod',
  bucket: 'b2a-prod-inbox',
  identity: { arn: 'arn:aws:sts::111111111111:assumed-role/b2a-prod-admin/alice', account: '111111111111' },
  enabled: false,
  flag: 'off',
  queues: {
    source: { visible: 12, inFlight: 3, delayed: 1, oldestAgeSeconds: 4000 },
    deadLetter: { visible: 2, inFlight: 0, delayed: 0 },
  },
  pipeState: 'RUNNING',
  since: '2026-11-20T12:00:00.000Z',
  counts: { RETRYING: 3, FAILED: 2, SKIPPED: 40, SUPERSEDED: 0 },
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
      'jobs          RETRYING 3  FAILED 2  SKIPPED 40  (since 2026-11-20 12:00:00Z)',
      'succeeded     not counted (not indexed): b2a jobs --status succeeded --prefix <prefix>',
    ]);
  });

  // Changed on purpose (issue 11): a value b2a does not understand now holds, it no longer skips.
  it('says the flag value is not understood, and counts as hold', () => {
    // Act
    const frame =
      render(
        <StatusView
          report={{
            ...report,
            flag: 'not-understood',
            flagProblem: 'flag value "true" not understood; treated as hold',
          }}
        />,
      ).lastFrame() ?? '';

    // Assess
    expect(frame).toContain('HOLD: flag value "true" not understood; treated as hold; deliveries wait');
    expect(frame).not.toContain('new objects are SKIPPED');
  });

  it('shows an open circuit: since when, why, the last error, what waits, and the next probe', () => {
    // Prepare
    const open: StatusReport = {
      ...report,
      enabled: true,
      flag: 'on',
      circuit: {
        state: 'open',
        since: '2026-11-21T11:58:00.000Z',
        reason: '5 failures',
        lastError: 'HTTP 503',
        deferred: 42,
        failures: 5,
        nextProbeAt: '2026-11-21T12:00:30.000Z',
      },
    };

    // Act
    const lines = (render(<StatusView report={open} />).lastFrame() ?? '').split('\n');

    // Assess
    expect(lines.slice(2, 4)).toEqual([
      'flag          ON: calling the API',
      'circuit       OPEN since 2026-11-21 11:58:00Z: 5 failures; last error HTTP 503; 42 deferred; next',
    ]);
    expect(lines[4]).toBe('              probe 2026-11-21 12:00:30Z');
  });

  it('shows a closed circuit with its failures in a row', () => {
    const closed: StatusReport = { ...report, circuit: { state: 'closed', deferred: 0, failures: 2 } };
    const frame = render(<StatusView report={closed} />).lastFrame() ?? '';
    expect(frame).toContain('circuit       closed: calling the API, 2 failure(s) in a row');
  });
});
