/**
 * The ink side of the commands, for a person at a terminal. Commands import this module dynamically,
 * only when output is interactive, so that scripts, `--json` and `--help` never load ink or React.
 */
import { render, renderToString } from 'ink';
import type { ReactElement } from 'react';
import type { Job } from '../pipeline-functions/core/model.js';
import type { AttemptDetail } from '../pipeline-functions/core/use-cases/admin/jobs.js';
import type { DeadLetterInfo } from '../pipeline-functions/core/use-cases/admin/dead-letters.js';
import type { StatusReport } from '../pipeline-functions/core/use-cases/admin/status.js';
import type { Output } from './terminal.js';
import { AttemptView } from './views/AttemptView.js';
import { DeadLettersTable } from './views/DeadLettersTable.js';
import { JobDetail } from './views/JobDetail.js';
import { JobsTable } from './views/JobsTable.js';
import { JobsWatch, type JobsWatchProps } from './views/JobsWatch.js';
import { ProgressBar, type ProgressBarProps } from './views/ProgressBar.js';
import { StatusView } from './views/StatusView.js';
import { WaitingJobs, type WaitingJobsProps } from './views/WaitingJobs.js';

/** A view drawn on stderr while work goes on, redrawn with new props. */
export interface LiveView<P> {
  update(props: P): void;
  /** Draws the last frame and stops. */
  stop(): Promise<void>;
}

function print(output: Output, element: ReactElement): void {
  output.terminal.stdout.write(`${renderToString(element, { columns: output.columns })}\n`);
}

function live<P extends object>(output: Output, view: (props: P) => ReactElement, initial: P): LiveView<P> {
  const { stderr, stdin } = output.terminal;
  const instance = render(view(initial), { stdout: stderr, stderr, stdin, patchConsole: false });
  return {
    update: (props) => instance.rerender(view(props)),
    stop: async () => {
      instance.unmount();
      await instance.waitUntilExit();
    },
  };
}

/** Prints the `b2a jobs` table. */
export function printJobs(output: Output, jobs: readonly Job[]): void {
  print(output, <JobsTable jobs={jobs} width={output.columns} />);
}

/** Prints `b2a jobs show`. */
export function printJobDetail(output: Output, jobs: readonly Job[]): void {
  print(output, <JobDetail jobs={jobs} width={output.columns} />);
}

/** Prints `b2a jobs show --attempt N`. */
export function printAttempt(output: Output, detail: AttemptDetail): void {
  print(output, <AttemptView detail={detail} />);
}

/** Prints `b2a status`. */
export function printStatus(output: Output, report: StatusReport): void {
  print(output, <StatusView report={report} />);
}

/** Prints `b2a dlq`. */
export function printDeadLetters(output: Output, letters: readonly DeadLetterInfo[]): void {
  print(output, <DeadLettersTable letters={letters} width={output.columns} />);
}

/** A progress bar on stderr, for bulk work. */
export function showProgress(output: Output, initial: ProgressBarProps): LiveView<ProgressBarProps> {
  return live(output, (props) => <ProgressBar {...props} />, initial);
}

/** Spinners on stderr while `reprocess --wait` polls. */
export function showWait(output: Output, initial: WaitingJobsProps): LiveView<WaitingJobsProps> {
  return live(output, (props) => <WaitingJobs {...props} />, initial);
}

/** Runs `b2a jobs --watch` until the admin quits; rejects with the error of a failed load. */
export async function watchJobs(output: Output, props: Omit<JobsWatchProps, 'width'>): Promise<void> {
  const { stdout, stderr, stdin } = output.terminal;
  const instance = render(<JobsWatch {...props} width={output.columns} />, {
    stdout,
    stderr,
    stdin,
    patchConsole: false,
  });
  await instance.waitUntilExit();
}
