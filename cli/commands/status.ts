/** `b2a status`: who you are, the flag, the queues, the pipe and job counts, at a glance. */
import { Command } from 'commander';
import { flagSkipReason } from '../../pipeline-functions/core/flag.js';
import { JOB_STATUSES, type JobStatus } from '../../pipeline-functions/core/model.js';
import type { AdminPorts, Clock, Identity, QueueStats } from '../../pipeline-functions/core/ports.js';
import { withAdmin, type CliDeps } from '../context.js';
import { globalOptions, parseSince, sinceTime } from '../options.js';
import { renderStatus } from '../render/status.js';
import { outputFor } from '../terminal.js';

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

/** Default window of the job counts. */
export const DEFAULT_SINCE = '24h';

/** Reads the status, every part at once. */
export async function readStatus(ports: AdminPorts, since: string): Promise<StatusReport> {
  const [identity, flag, queues, pipeState, counts] = await Promise.all([
    ports.identity.whoami(),
    ports.flag.read(),
    ports.monitor.queueStats(),
    ports.monitor.pipeState(),
    Promise.all(
      JOB_STATUSES.map(async (status) => [status, await ports.jobs.countByStatus(status, since)] as const),
    ),
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
    counts: Object.fromEntries(counts) as Record<JobStatus, number>,
  };
}

/** The status for `--since` (a duration or ISO time) as of `clock`. */
export async function statusSince(ports: AdminPorts, since: string, clock: Clock): Promise<StatusReport> {
  return readStatus(ports, sinceTime(since, clock.now()));
}

const EXAMPLES = `
Examples:
  $ b2a status
  $ b2a status --env prod --since 7d
  $ b2a status --json | jq .queues.deadLetter.visible`;

/** The `status` command. */
export function statusCommand(deps: CliDeps): Command {
  return new Command('status')
    .description('show who you are, the flag, queue and DLQ depth, the pipe, and job counts')
    .option(
      '--since <duration>',
      'count jobs updated within, e.g. 30m, 2h, 7d (or an ISO time)',
      parseSince,
      DEFAULT_SINCE,
    )
    .addHelpText('after', EXAMPLES)
    .action(async (local: { since: string }, command: Command) => {
      const options = globalOptions(command);
      const output = outputFor(deps.terminal, options);
      await withAdmin(deps, options, async (ports) => {
        const report = await statusSince(ports, local.since, deps.clock);
        if (output.json) output.jsonValue(report);
        else if (output.interactive) (await import('../interactive.js')).printStatus(output, report);
        else output.line(renderStatus(report));
      });
    });
}
