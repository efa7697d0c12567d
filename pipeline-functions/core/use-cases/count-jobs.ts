/**
 * countJobsByStatus: how many jobs are in each status that needs attention, for `b2a status` and the
 * local runtime's `jobCounts()`. One count per status, asked at once. SUCCEEDED jobs are not indexed
 * (an index entry per success would cost a write per file), so they are not counted here: list them
 * by key prefix instead (`b2a jobs --status SUCCEEDED --prefix ...`, see `selectJobs`).
 */
import { ATTENTION_STATUSES, type AttentionStatus } from '../model.js';
import type { JobRepository } from '../ports.js';

/**
 * Counts the jobs in each status that needs attention.
 * @param since only jobs updated at or after this ISO-8601 time. @default every job
 * @returns one entry per status in `ATTENTION_STATUSES`, 0 when there are none
 * @example
 * const counts = await countJobsByStatus(jobs, '2026-03-01T00:00:00.000Z');
 * console.log(counts.FAILED);
 */
export async function countJobsByStatus(
  jobs: Pick<JobRepository, 'countByStatus'>,
  since?: string,
): Promise<Record<AttentionStatus, number>> {
  const counts = await Promise.all(ATTENTION_STATUSES.map((status) => jobs.countByStatus(status, since)));
  return Object.fromEntries(ATTENTION_STATUSES.map((status, i) => [status, counts[i] ?? 0])) as Record<
    AttentionStatus,
    number
  >;
}
