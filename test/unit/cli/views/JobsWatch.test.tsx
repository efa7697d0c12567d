import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { watchJobs } from '../../../../cli/interactive.js';
import { outputFor } from '../../../../cli/terminal.js';
import { JobsWatch } from '../../../../cli/views/JobsWatch.js';
import type { Job } from '../../../../pipeline-functions/core/model.js';
import { fakeTerminal, job } from '../support/fake-admin.js';

/** Resolves with the first frame for which `predicate` holds, polling the frames ink has drawn. */
async function frameMatching(
  lastFrame: () => string | undefined,
  predicate: (frame: string) => boolean,
): Promise<string> {
  for (let i = 0; i < 400; i++) {
    const frame = lastFrame() ?? '';
    if (predicate(frame)) return frame;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no frame matched; the last one was:\n${lastFrame()}`);
}

describe('Component: JobsWatch', () => {
  it('loads the jobs, then reloads them', async () => {
    // Prepare
    const pages: Job[][] = [[job('first.csv')], [job('second.csv', { status: 'FAILED' })]];
    let loads = 0;
    const load = async (): Promise<Job[]> => pages[Math.min(loads++, pages.length - 1)] ?? [];

    // Act
    const { lastFrame, unmount } = render(
      <JobsWatch load={load} intervalMs={10} title="b2a jobs in dev" width={100} />,
    );

    // Assess
    try {
      expect(await frameMatching(lastFrame, (f) => f.includes('first.csv'))).toContain('b2a jobs in dev');
      expect(await frameMatching(lastFrame, (f) => f.includes('second.csv'))).toMatch(/second\.csv\s+FAILED/);
    } finally {
      unmount();
    }
  });
});

describe('Function: watchJobs', () => {
  it('ends with the error of a failed load, for the CLI to report', async () => {
    // Prepare
    const { terminal } = fakeTerminal({ isTTY: true, columns: 80 });
    const output = outputFor(terminal, { json: false });
    const denied = Object.assign(new Error('not authorized to perform: dynamodb:Query'), {
      name: 'AccessDeniedException',
    });

    // Act
    const watching = watchJobs(output, {
      load: async () => {
        throw denied;
      },
      intervalMs: 10,
      title: 't',
    });

    // Assess
    await expect(watching).rejects.toBe(denied);
  });
});
