/** Waiting for the runs a reprocess started (`b2a reprocess --wait`), and deciding how the wait ended. */
import { mapLimit } from '../../concurrency.js';
import { isLaterRun, runOf, TERMINAL_STATUSES, type Job } from '../../model.js';
import type { Clock, JobRepository } from '../../ports.js';
import { JobsNotSucceededError } from './errors.js';
import { REPROCESS_CONCURRENCY, type StartedJob } from './reprocess.js';

/** One job being waited for. */
export interface WaitState {
  readonly started: StartedJob;
  /** The job as last read; absent until the pipeline records the first attempt. */
  readonly job?: Job;
  /** The run reached a terminal state, or a newer run took the job over. */
  readonly done: boolean;
}

/** How a wait ended. */
export interface WaitResult {
  readonly states: WaitState[];
  readonly timedOut: boolean;
}

/** How to wait. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onUpdate?: (states: readonly WaitState[]) => void;
}

/** Polls the jobs (strongly consistent reads) until every run is done or `timeoutMs` passed. */
export async function waitForJobs(
  jobs: JobRepository,
  started: readonly StartedJob[],
  options: WaitOptions,
): Promise<WaitResult> {
  const deadline = options.clock.now().getTime() + options.timeoutMs;
  for (;;) {
    const states = await mapLimit(started, REPROCESS_CONCURRENCY, async (s) => {
      const job = await jobs.get(s.jobId);
      return { started: s, ...(job ? { job } : {}), done: isDone(job, s) };
    });
    options.onUpdate?.(states);
    if (states.every((s) => s.done)) return { states, timedOut: false };
    if (options.clock.now().getTime() >= deadline) return { states, timedOut: true };
    await options.sleep(options.intervalMs);
  }
}

function isDone(job: Job | undefined, started: StartedJob): boolean {
  if (!job) return false;
  if (job.runId === started.runId) return TERMINAL_STATUSES.includes(job.status);
  return isLaterRun(runOf(job), { id: started.runId, startedAt: started.startedAt });
}

/**
 * Decides how a wait ended.
 * @param timeout the wait's length as the admin gave it, for the message (e.g. `5m`)
 * @throws JobsNotSucceededError when a job did not succeed or the wait timed out
 */
export function assertSucceeded(states: readonly WaitState[], timedOut: boolean, timeout: string): void {
  const running = states.filter((s) => !s.done);
  if (timedOut && running.length > 0) {
    throw new JobsNotSucceededError(
      `${running.length} of ${states.length} job(s) still running after ${timeout}`,
      true,
      [],
    );
  }
  const unsuccessful = states.filter((s) => s.job?.status !== 'SUCCEEDED');
  if (unsuccessful.length > 0) {
    const statuses = [...new Set(unsuccessful.map((s) => s.job?.status ?? ('UNKNOWN' as const)))];
    throw new JobsNotSucceededError(
      `${unsuccessful.length} of ${states.length} job(s) did not succeed (${statuses.join(', ')})`,
      false,
      statuses,
    );
  }
}
