/**
 * Selecting jobs by status, time and key prefix, for `b2a jobs` and the bulk forms of `b2a reprocess`.
 * Always through the repository's status index (`listByStatus`), never a scan of the table.
 */
import { JOB_STATUSES, type Job, type JobStatus } from '../../model.js';
import type { HttpStatusRange, JobRepository } from '../../ports.js';

/** Which jobs to select. */
export interface JobFilter {
  /** @default every status */
  readonly statuses?: readonly JobStatus[];
  /** ISO-8601: only jobs updated at or after this time. */
  readonly since?: string;
  /** Only keys starting with this. */
  readonly prefix?: string;
  /** Only jobs whose latest answer had one of these HTTP statuses. */
  readonly httpStatuses?: readonly HttpStatusRange[];
  /** At most this many, newest first. @default no limit */
  readonly limit?: number;
}

/**
 * The job statuses a job whose latest answer is in `ranges` can be in: a 2xx ends the job
 * `SUCCEEDED`; any other answer leaves it `RETRYING` or `FAILED`. `SKIPPED` jobs called nothing.
 */
export function statusesAnswered(ranges: readonly HttpStatusRange[]): JobStatus[] {
  const statuses = new Set<JobStatus>();
  for (const { from, to } of ranges) {
    if (from <= 299 && to >= 200) statuses.add('SUCCEEDED');
    if (from < 200 || to > 299) {
      statuses.add('RETRYING');
      statuses.add('FAILED');
    }
  }
  return JOB_STATUSES.filter((status) => statuses.has(status));
}

/** Jobs read per `listByStatus` call. */
export const PAGE_SIZE = 100;

/**
 * The jobs matching a filter, newest first (by `updatedAt`), following every page of each status
 * until `limit` matches are found.
 *
 * @example await selectJobs(ports.jobs, { statuses: ['FAILED'], since: '2026-11-21T00:00:00Z', limit: 50 })
 */
export async function selectJobs(jobs: JobRepository, filter: JobFilter): Promise<Job[]> {
  const asked = filter.statuses && filter.statuses.length > 0 ? filter.statuses : JOB_STATUSES;
  // Only the statuses where such answers can be: each is one bounded Query of the status index.
  const statuses = filter.httpStatuses
    ? statusesAnswered(filter.httpStatuses).filter((status) => asked.includes(status))
    : asked;
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const perStatus = await Promise.all(statuses.map((status) => selectInStatus(jobs, status, filter, limit)));
  return perStatus
    .flat()
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, limit);
}

/** Each status's list is newest first, so its first `limit` matches hold every job of the overall top `limit`. */
async function selectInStatus(
  jobs: JobRepository,
  status: JobStatus,
  filter: JobFilter,
  limit: number,
): Promise<Job[]> {
  const found: Job[] = [];
  const filtered = Boolean(filter.prefix) || filter.httpStatuses !== undefined;
  const pageSize = filtered ? PAGE_SIZE : Math.min(limit, PAGE_SIZE);
  let cursor: string | undefined;
  do {
    const page = await jobs.listByStatus({
      status,
      limit: pageSize,
      ...(filter.since ? { since: filter.since } : {}),
      ...(filter.httpStatuses ? { lastHttpStatus: filter.httpStatuses } : {}),
      ...(cursor ? { cursor } : {}),
    });
    found.push(...page.items.filter((job) => !filter.prefix || job.key.startsWith(filter.prefix)));
    cursor = page.cursor;
  } while (cursor && found.length < limit);
  return found.slice(0, limit);
}
