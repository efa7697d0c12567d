/** `b2a toggle [on|off]` and `b2a toggle history`: the admin's switch for calling the API. */
import { Argument, Command } from 'commander';
import type { AdminPorts, FlagChange } from '../../pipeline-functions/core/ports.js';
import { withAdmin, type CliDeps } from '../context.js';
import { globalOptions, parsePositiveInt } from '../options.js';
import { renderFlagHistory, renderFlagSet, renderFlagState } from '../render/flag.js';
import { outputFor } from '../terminal.js';

/** The flag as `b2a toggle` shows it. */
export interface FlagState {
  readonly environment: string;
  readonly enabled: boolean;
  /** The newest change, when the backend keeps a history. */
  readonly lastChange?: FlagChange;
}

/** What `b2a toggle on|off` did. */
export interface FlagSetResult {
  readonly environment: string;
  readonly enabled: boolean;
  readonly previous: boolean;
  /** False when the flag already had that value (nothing was written). */
  readonly changed: boolean;
}

/** Reads the flag and its last change. */
export async function readFlag(ports: AdminPorts): Promise<FlagState> {
  const [enabled, [lastChange]] = await Promise.all([ports.flag.isEnabled(), ports.flag.history(1)]);
  return { environment: ports.environment, enabled, ...(lastChange ? { lastChange } : {}) };
}

/** Sets the flag, writing only when it changes (every write adds a history entry). */
export async function setFlag(ports: AdminPorts, enabled: boolean): Promise<FlagSetResult> {
  const previous = await ports.flag.isEnabled();
  if (previous !== enabled) await ports.flag.setEnabled(enabled);
  return { environment: ports.environment, enabled, previous, changed: previous !== enabled };
}

/** Who changed the flag and when, newest first. */
export async function readFlagHistory(ports: AdminPorts, limit: number): Promise<FlagChange[]> {
  return ports.flag.history(limit);
}

const EXAMPLES = `
Examples:
  $ b2a toggle                      show whether b2a calls the API
  $ b2a toggle off --env prod       stop calling the API (new objects become SKIPPED)
  $ b2a toggle on --env prod
  $ b2a toggle history --limit 5    who changed it, and when`;

/** The `toggle` command and its `history` subcommand. */
export function toggleCommand(deps: CliDeps): Command {
  const toggle = new Command('toggle')
    .description('show the enabled flag, or turn b2a on or off')
    .addArgument(new Argument('[state]', 'on or off; omit to show the flag').choices(['on', 'off']))
    .addHelpText('after', EXAMPLES)
    .action(async (state: 'on' | 'off' | undefined, _options: unknown, command: Command) => {
      const options = globalOptions(command);
      const output = outputFor(deps.terminal, options);
      await withAdmin(deps, options, async (ports) => {
        if (state === undefined) {
          const flag = await readFlag(ports);
          if (output.json) output.jsonValue(flag);
          else output.line(renderFlagState(flag, output.color));
          return;
        }
        const result = await setFlag(ports, state === 'on');
        if (output.json) output.jsonValue(result);
        else output.line(renderFlagSet(result, output.color));
      });
    });

  toggle.addCommand(
    new Command('history')
      .description('show who changed the flag, and when (newest first)')
      .option('--limit <n>', 'how many changes', parsePositiveInt, 20)
      .action(async (local: { limit: number }, command: Command) => {
        const options = globalOptions(command);
        const output = outputFor(deps.terminal, options);
        await withAdmin(deps, options, async (ports) => {
          const changes = await readFlagHistory(ports, local.limit);
          if (output.json) output.jsonValue(changes);
          else output.line(renderFlagHistory(changes, output.columns));
        });
      }),
  );
  return toggle;
}
