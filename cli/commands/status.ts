/** `b2a status`: who you are, the flag, the queues, the pipe and job counts, at a glance. */
import { Command } from 'commander';
import { readStatus } from '../../pipeline-functions/core/use-cases/admin/status.js';
import { runAdmin, type CliDeps } from '../context.js';
import { parseSince, sinceTime } from '../options.js';
import { present } from '../present.js';

/** Default window of the job counts. */
export const DEFAULT_SINCE = '24h';

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
    .action((local: { since: string }, command: Command) =>
      runAdmin(deps, command, async (ports, output) => {
        const report = await readStatus(ports, sinceTime(local.since, deps.clock.now()), deps.clock);
        await present(output, report, {
          ink: (views, out, r) => views.printStatus(out, r),
          plain: async (r) => (await import('../render/status.js')).renderStatus(r),
        });
      }),
    );
}
