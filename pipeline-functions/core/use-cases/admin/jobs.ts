/** Jobs as admins look them up: by status, time and prefix (`b2a jobs`), or by key (`b2a jobs show`). */
import type { Job } from '../../model.js';
import type { AdminPorts } from '../../ports.js';
import { KeyHasNoJobsError } from './errors.js';
import { selectJobs, type JobFilter } from './job-selection.js';

/** The jobs matching a filter, newest first, through the status index. */
export async function listJobs(ports: AdminPorts, filter: JobFilter): Promise<Job[]> {
  return selectJobs(ports.jobs, filter);
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
