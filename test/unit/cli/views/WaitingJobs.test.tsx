import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import type { WaitState } from '../../../../pipeline-functions/core/use-cases/admin/wait-for-jobs.js';
import { WaitingJobs } from '../../../../cli/views/WaitingJobs.js';
import { job } from '../support/fake-admin.js';

const started = (key: string) => ({
  jobId: `inbox/${key}#v1`,
  bucket: 'inbox',
  key,
  runId: 'r1',
  startedAt: '2026-11-21T12:00:00.000Z',
});

describe('Component: WaitingJobs', () => {
  it('shows a spinner for running jobs and the status of finished ones', () => {
    // Prepare
    const states: WaitState[] = [
      { started: started('a.csv'), job: job('a.csv', { status: 'SUCCEEDED', runId: 'r1' }), done: true },
      { started: started('b.csv'), done: false },
    ];

    // Act
    const { lastFrame, unmount } = render(<WaitingJobs states={states} keyWidth={10} />);
    const lines = (lastFrame() ?? '').split('\n');
    unmount();

    // Assess
    expect(lines[0]).toBe('●  a.csv       SUCCEEDED HTTP 200');
    expect(lines[1]).toMatch(/^\S\s+b\.csv\s+PENDING$/);
    expect(lines[2]).toBe('waiting for 1 of 2…');
  });
});
