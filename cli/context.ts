/**
 * What every command needs from the outside world, injected so that tests run commands against fake
 * ports and a fake terminal, and the real program wires the real ones (`defaultDeps`).
 */
import { systemClock, type AdminPorts, type Clock } from '../pipeline-functions/core/ports.js';
import { openAdmin, type OpenAdmin } from './backends/index.js';
import { askOnTerminal, type Ask } from './confirm.js';
import type { GlobalOptions } from './global-options.js';
import { processTerminal, type Terminal } from './terminal.js';

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
