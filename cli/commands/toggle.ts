/** `b2a toggle [on|off|hold]` and `b2a toggle history`: the admin's switch for calling the API. */
import { Argument, Command } from 'commander';
import { readFlag, readFlagHistory, setFlag } from '../../pipeline-functions/core/use-cases/admin/flag.js';
import type { FlagValue } from '../../pipeline-functions/core/ports.js';
import { runAdmin, type CliDeps } from '../context.js';
import { parsePositiveInt } from '../options.js';
import { present } from '../present.js';

const EXAMPLES = `
Examples:
  $ b2a toggle                      show whether b2a calls the API
  $ b2a toggle off --env prod       stop calling the API (new objects become SKIPPED)
  $ b2a toggle hold --env prod      pause: deliveries wait (the pipe stops), nothing is SKIPPED
  $ b2a toggle on --env prod        resume; held work drains at the rate limit
  $ b2a toggle history --limit 5    who changed it, and when`;

/** The `toggle` command and its `history` subcommand. */
export function toggleCommand(deps: CliDeps): Command {
  const toggle = new Command('toggle')
    .description('show the enabled flag, or turn b2a on, off, or hold it')
    .addArgument(
      new Argument('[state]', 'on, off or hold; omit to show the flag').choices(['on', 'off', 'hold']),
    )
    .addHelpText('after', EXAMPLES)
    .action((state: FlagValue | undefined, _options: unknown, command: Command) =>
      runAdmin(deps, command, async (ports, output) => {
        if (state === undefined) {
          await present(output, await readFlag(ports), {
            plain: async (f, out) => (await import('../render/flag.js')).renderFlagState(f, out.color),
          });
        } else {
          const result = await setFlag(ports, state);
          await present(output, result, {
            plain: async (r, out) => (await import('../render/flag.js')).renderFlagSet(r, out.color),
          });
        }
      }),
    );

  toggle.addCommand(
    new Command('history')
      .description('show who changed the flag, and when (newest first)')
      .option('--limit <n>', 'how many changes', parsePositiveInt, 20)
      .action((local: { limit: number }, command: Command) =>
        runAdmin(deps, command, async (ports, output) => {
          const changes = await readFlagHistory(ports, local.limit);
          await present(output, changes, {
            plain: async (c, out) => (await import('../render/flag.js')).renderFlagHistory(c, out.columns),
          });
        }),
      ),
  );
  return toggle;
}
