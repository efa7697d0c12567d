/**
 * What every command needs from the outside world, injected so that tests run commands against fake
 * ports and a fake terminal, and the real program wires the real ones (`defaultDeps`).
 */
import type { Command } from 'commander';
import { systemClock, type AdminPorts, type Clock } from '../pipeline-functions/core/ports.js';
import { openAdmin, type OpenAdmin } from './backends/index.js';
import { askOnTerminal, type Ask } from './confirm.js';
import type { GlobalOptions } from './global-options.js';
import { globalOptions } from './options.js';
import { outputFor, processTerminal, type Output, type Terminal } from './terminal.js';

/** The dependencies of the commands. */
export interface CliDeps {
  readonly terminal: Terminal;
  /** Opens the admin ports of the environment the global options name. */
  readonly openAdmin: OpenAdmin;
  readonly clock: Clock;
  readonly ask: Ask;
  /** Waits between polls (`--wait`, `--watch`). */
  readonly sleep: (ms: number) => Promise<void>;
}

/** The real terminal, backends, clock and prompt. */
export function defaultDeps(): CliDeps {
  return {
    terminal: processTerminal(),
    openAdmin,
    clock: systemClock,
    ask: askOnTerminal,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
}

/** Opens the environment's admin ports, runs `use`, and closes them whatever happens. */
export async function withAdmin<T>(
  deps: CliDeps,
  options: GlobalOptions,
  use: (ports: AdminPorts) => Promise<T>,
): Promise<T> {
  const session = await deps.openAdmin(options);
  try {
    return await use(session);
  } finally {
    await session.close();
  }
}

/**
 * The body of an admin command's action: resolves the global options and the output, runs `check`
 * (option checks that need the output, before anything is opened), then `use` on the ports of the
 * environment the options name.
 * @example .action((local, command: Command) => runAdmin(deps, command, async (ports, output) => ...))
 */
export async function runAdmin(
  deps: CliDeps,
  command: Command,
  use: (ports: AdminPorts, output: Output) => Promise<void>,
  check?: (output: Output) => void,
): Promise<void> {
  const options = globalOptions(command);
  const output = outputFor(deps.terminal, options);
  check?.(output);
  await withAdmin(deps, options, (ports) => use(ports, output));
}
