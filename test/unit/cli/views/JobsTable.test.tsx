import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { JobsTable } from '../../../../cli/views/JobsTable.js';
import { job } from '../support/fake-admin.js';

describe('Component: JobsTable', () => {
  it('shows key, status, attempts, last outcome and time', () => {
    // Prepare
    const jobs = [
      job('in/a.csv', {
        status: 'FAILED',
        attempts: 8,
        lastHttpStatus: 400,
        lastError: 'HTTP 400: bad csv',
        updatedAt: '2026-11-21T11:30:00.000Z',
      }),
      job('in/b.csv'),
    ];

    // Act
    const { lastFrame } = render(<JobsTable jobs={jobs} width={100} title="b2a jobs in dev" />);

    // Assess
    expect((lastFrame() ?? '').split('\n')).toEqual([
      'b2a jobs in dev',
      'KEY       STATUS      ATTEMPTS  LAST               UPDATED',
      'in/a.csv  FAILED             8  HTTP 400: bad csv  2026-11-21 11:30:00Z',
      'in/b.csv  SUCCEEDED          1  HTTP 200           2026-11-21 10:00:01Z',
    ]);
  });

  it('fits a narrow terminal by truncating the key and the error', () => {
    // Prepare
    const jobs = [
      job(`deep/${'x'.repeat(80)}.csv`, {
        status: 'FAILED',
        lastError: 'network error: connect ECONNREFUSED 10.0.0.1:443',
        lastHttpStatus: undefined,
      }),
    ];

    // Act
    const frame = render(<JobsTable jobs={jobs} width={70} />).lastFrame() ?? '';

    // Assess
    const row = frame.split('\n')[1] ?? '';
    expect(row.length).toBeLessThanOrEqual(70);
    expect(row).toMatch(/^deep\/x+… +FAILED +1 +network[^…]*… +2026-11-21 10:00:01Z$/);
  });

  it('says when nothing matches', () => {
    expect(render(<JobsTable jobs={[]} width={80} />).lastFrame()).toBe('No jobs match.');
  });
});
