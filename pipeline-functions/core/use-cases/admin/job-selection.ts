/**
 * Selecting jobs by status, time and key prefix, for `b2a jobs` and the bulk forms of `b2a reprocess`.
 * Never a scan of the table: the statuses that need attention through the repository's sparse status
 * index (`listByStatus`); SUCCEEDED jobs, which the index leaves out, through the bucket listing under
 * the prefix and a batched read of those object versions' jobs (`getMany`), as backfill does.
 */
import {
  isAttentionStatus,
  jobIdOf,
  JOB_STATUSES,
  type AttentionStatus,
  type Job,
  type JobStatus,
} from '../../model.js';
import type { BucketListing, HttpStatusRange, JobRepository } from '../../ports.js';
import { SucceededNeedsPrefixError } from './errors.js';

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
 * until `limit` matches are found. SUCCEEDED jobs are selected only under a prefix and with a
 * `listing`: without them, asking for every status selects the statuses that need attention, and
 * asking for SUCCEEDED (by status, or by 2xx answers only) fails.
 *
 * @throws SucceededNeedsPrefixError when SUCCEEDED is asked for without a prefix (or a listing)
 * @example await selectJobs(ports.jobs, { statuses: ['FAILED'], since: '2026-11-21T00:00:00Z', limit: 50 })
 */
export async function selectJobs(
  jobs: JobRepository,
  filter: JobFilter,
  listing?: BucketListing,
): Promise<Job[]> {
  const asked = filter.statuses && filter.statuses.length > 0 ? filter.statuses : JOB_STATUSES;
  // Only the statuses where such answers can be: each is one bounded Query of the status index.
  const statuses = filter.httpStatuses
    ? statusesAnswered(filter.httpStatuses).filter((status) => asked.includes(status))
    : asked;
  const indexed = statuses.filter(isAttentionStatus);
  const listable = Boolean(filter.prefix) && listing !== undefined;
  const succeeded = statuses.includes('SUCCEEDED');
  if (succeeded && !listable && (asked !== JOB_STATUSES || indexed.length === 0)) {
    throw new SucceededNeedsPrefixError();
  }
  const limit = filter.limit ?? Number.POSITIVE_INFINITY;
  const perStatus = await Promise.all([
    ...indexed.map((status) => selectInStatus(jobs, status, filter, limit)),
    ...(succeeded && listing && filter.prefix
      ? [selectSucceeded(jobs, listing, { ...filter, prefix: filter.prefix }, limit)]
      : []),
  ]);
  return perStatus
    .flat()
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, limit);
}

/** Each status's list is newest first, so its first `limit` matches hold every job of the overall top `limit`. */
async function selectInStatus(
  jobs: JobRepository,
  status: AttentionStatus,
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

/**
 * The SUCCEEDED jobs of every object version listed under the prefix (older versions included: a
 * success may be of a version since overwritten), read 1,000 versions a page with one batched read
 * per page. Jobs of deleted objects are not listed: their keys are gone from the bucket.
 */
async function selectSucceeded(
  jobs: JobRepository,
  listing: BucketListing,
  filter: JobFilter & { readonly prefix: string },
  limit: number,
): Promise<Job[]> {
  const newestFirst = (a: Job, b: Job): number => b.updatedAt.localeCompare(a.updatedAt);
  let found: Job[] = [];
  for await (const page of listing.pages({ prefix: filter.prefix, versions: 'all' })) {
    const read = await jobs.getMany(page.map(jobIdOf));
    found.push(...[...read.values()].filter((job) => job.status === 'SUCCEEDED' && matches(job, filter)));
    // Only the newest `limit` can be in the answer: keep the memory bounded by it, not by the prefix.
    if (found.length > 2 * limit) found = found.sort(newestFirst).slice(0, limit);
  }
  return found.sort(newestFirst).slice(0, limit);
}

/** The filter's conditions that the status index applies itself (time, last answer), for a job read by id. */
function matches(job: Job, filter: JobFilter): boolean {
  const status = job.lastHttpStatus;
  return (
    (filter.since === undefined || job.updatedAt >= filter.since) &&
    (filter.httpStatuses === undefined ||
      (status !== undefined && filter.httpStatuses.some(({ from, to }) => status >= from && status <= to)))
  );
}
