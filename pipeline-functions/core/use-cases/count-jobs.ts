/**
 * countJobsByStatus: how many jobs are in each status, for `b2a status` and the local runtime's
 * `jobCounts()`. One count per status, asked at once.
 */
import { JOB_STATUSES, type JobStatus } from '../model.js';
import type { JobRepository } from '../ports.js';

/**
 * Counts the jobs in each status.
 * @param since only jobs updated at or after this ISO-8601 time. @default every job
 * @returns one entry per status in `JOB_STATUSES`, 0 when there are none
 * @example
 * const counts = await countJobsByStatus(jobs, '2026-03-01T00:00:00.000Z');
 * console.log(counts.FAILED);
 */
export async function countJobsByStatus(
  jobs: Pick<JobRepository, 'countByStatus'>,
  since?: string,
): Promise<Record<JobStatus, number>> {
  const counts = await Promise.all(JOB_STATUSES.map((status) => jobs.countByStatus(status, since)));
  return Object.fromEntries(JOB_STATUSES.map((status, i) => [status, counts[i] ?? 0])) as Record<
    JobStatus,
    number
  >;
}
