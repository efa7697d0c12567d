/** Jobs as admins look them up: by status, time and prefix (`b2a jobs`), or by key (`b2a jobs show`). */
import type { Attempt, Job } from '../../model.js';
import type { AdminPorts } from '../../ports.js';
import { AttemptNotKeptError, KeyHasNoJobsError } from './errors.js';
import { selectJobs, type JobFilter } from './job-selection.js';

/**
 * The jobs matching a filter, newest first: those that need attention through the status index,
 * SUCCEEDED ones through the bucket listing under the filter's prefix (see `selectJobs`).
 * @throws SucceededNeedsPrefixError when SUCCEEDED is asked for without a prefix
 */
export async function listJobs(ports: AdminPorts, filter: JobFilter): Promise<Job[]> {
  return selectJobs(ports.jobs, filter, ports.listing);
}

/**
 * Every version's job for a key, newest first, each with its attempt history.
 * @throws KeyHasNoJobsError when no job has that key
 */
export async function showJob(ports: AdminPorts, key: string): Promise<Job[]> {
  const jobs = await ports.jobs.listByKey(ports.bucket, key);
  if (jobs.length === 0) throw new KeyHasNoJobsError(key, ports.bucket, ports.environment);
  return [...jobs].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

/**
 * An attempt with its number among all the job's attempts (1 is the first ever made): the number
 * `b2a jobs show --attempt N` takes, stable as the history drops its oldest entries.
 */
export interface NumberedAttempt extends Attempt {
  readonly n: number;
}

/** A job's history, each attempt numbered among all the job's attempts. */
export function numberedHistory(job: Pick<Job, 'attempts' | 'history'>): NumberedAttempt[] {
  const first = job.attempts - job.history.length + 1;
  return job.history.map((attempt, i) => ({ n: first + i, ...attempt }));
}

/** One attempt of a job, in full: its delivery log. */
export interface AttemptDetail {
  readonly job: Job;
  readonly attempt: NumberedAttempt;
}

/**
 * Attempt `n` of the newest version's job for a key, with its request and response.
 * @throws KeyHasNoJobsError when no job has that key
 * @throws AttemptNotKeptError when the history does not hold attempt `n`
 */
export async function showAttempt(ports: AdminPorts, key: string, n: number): Promise<AttemptDetail> {
  const [job] = await showJob(ports, key);
  if (!job) throw new KeyHasNoJobsError(key, ports.bucket, ports.environment);
  const numbered = numberedHistory(job);
  const attempt = numbered.find((a) => a.n === n);
  if (!attempt) {
    throw new AttemptNotKeptError(job.jobId, n, { from: numbered[0]?.n ?? 1, to: job.attempts });
  }
  return { job, attempt };
}
