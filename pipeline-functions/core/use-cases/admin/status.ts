/** readStatus: who is asking, the flag, the queues, the pipe and job counts, for `b2a status`. */
import { flagSkipReason } from '../../flag.js';
import type { JobStatus } from '../../model.js';
import type { AdminPorts, Identity, QueueStats } from '../../ports.js';
import { countJobsByStatus } from '../count-jobs.js';

/** Everything `b2a status` shows. */
export interface StatusReport {
  readonly environment: string;
  readonly bucket: string;
  readonly identity: Identity;
  readonly enabled: boolean;
  /** Set when the flag holds a value b2a does not understand (the pipeline treats it as off). */
  readonly flagProblem?: string;
  readonly queues: { readonly source: QueueStats; readonly deadLetter: QueueStats };
  readonly pipeState: string;
  /** Counts are of jobs updated since this time (ISO-8601). */
  readonly since: string;
  readonly counts: Readonly<Record<JobStatus, number>>;
}

/**
 * Reads the status, every part at once.
 * @param since count only jobs updated at or after this ISO-8601 time
 * @example const report = await readStatus(ports, '2026-11-20T12:00:00.000Z');
 */
export async function readStatus(ports: AdminPorts, since: string): Promise<StatusReport> {
  const [identity, flag, queues, pipeState, counts] = await Promise.all([
    ports.identity.whoami(),
    ports.flag.read(),
    ports.monitor.queueStats(),
    ports.monitor.pipeState(),
    countJobsByStatus(ports.jobs, since),
  ]);
  return {
    environment: ports.environment,
    bucket: ports.bucket,
    identity,
    enabled: flag.state === 'on',
    ...(flag.state === 'not-understood' ? { flagProblem: flagSkipReason(flag) } : {}),
    queues,
    pipeState,
    since,
    counts,
  };
}
