/**
 * readStatus: who is asking, the flag, the circuit breaker, the queues, the pipe and job counts,
 * for `b2a status`.
 */
import { readCircuitStatus, type CircuitStatus } from '../../admission/circuit-status.js';
import { flagHoldDetail } from '../../flag.js';
import type { AttentionStatus } from '../../model.js';
import {
  systemClock,
  type AdminPorts,
  type Clock,
  type FlagReading,
  type Identity,
  type QueueStats,
} from '../../ports.js';
import { countJobsByStatus } from '../count-jobs.js';

/** Everything `b2a status` shows. */
export interface StatusReport {
  readonly environment: string;
  readonly bucket: string;
  readonly identity: Identity;
  readonly enabled: boolean;
  /** What is in force: `on`, `off`, `hold`, or `not-understood` (the pipeline holds). */
  readonly flag: FlagReading['state'];
  /** Set when the flag holds a value b2a does not understand (the pipeline treats it as hold). */
  readonly flagProblem?: string;
  /** The circuit breaker, when the environment has one. */
  readonly circuit?: CircuitStatus;
  readonly queues: { readonly source: QueueStats; readonly deadLetter: QueueStats };
  readonly pipeState: string;
  /** Counts are of jobs updated since this time (ISO-8601). */
  readonly since: string;
  /** Jobs that need attention, by status. SUCCEEDED jobs are not indexed, so not counted (see `countJobsByStatus`). */
  readonly counts: Readonly<Record<AttentionStatus, number>>;
}

/**
 * Reads the status, every part at once.
 * @param since count only jobs updated at or after this ISO-8601 time
 * @param clock tells whether the breaker's probe is due
 * @example const report = await readStatus(ports, '2026-11-20T12:00:00.000Z');
 */
export async function readStatus(
  ports: AdminPorts,
  since: string,
  clock: Clock = systemClock,
): Promise<StatusReport> {
  const [identity, flag, queues, pipeState, counts, circuit] = await Promise.all([
    ports.identity.whoami(),
    ports.flag.read(),
    ports.monitor.queueStats(),
    ports.monitor.pipeState(),
    countJobsByStatus(ports.jobs, since),
    ports.circuit ? readCircuitStatus(ports.circuit, clock) : undefined,
  ]);
  const flagProblem = flagHoldDetail(flag);
  return {
    environment: ports.environment,
    bucket: ports.bucket,
    identity,
    enabled: flag.state === 'on',
    flag: flag.state,
    ...(flagProblem ? { flagProblem } : {}),
    ...(circuit ? { circuit } : {}),
    queues,
    pipeState,
    since,
    counts,
  };
}
