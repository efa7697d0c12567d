/**
 * The edge of the CLI: runs the program and decides what each error means, printing one line (and a
 * hint) on stderr and returning the exit code documented in `b2a --help`.
 */
import { CommanderError, type Command } from 'commander';
import { defaultDeps, type CliDeps } from './context.js';
import { EXIT_CODES, formatError, type ErrorContext, type ExitCode } from './errors.js';
import { createProgram } from './program.js';
import { colorDisabled } from './terminal.js';

/**
 * Runs `b2a` with `argv` (as in `process.argv`) and returns the exit code.
 * @example process.exitCode = await main(process.argv)
 */
export async function main(argv: readonly string[], deps: CliDeps = defaultDeps()): Promise<ExitCode> {
  // Ink colours through chalk, which reads FORCE_COLOR when first loaded; NO_COLOR should win there too.
  if (colorDisabled(deps.terminal.env)) process.env['FORCE_COLOR'] = '0';
  const program = createProgram(deps);
  let context: ErrorContext = { command: '', environment: String(deps.terminal.env['B2A_ENV'] ?? 'local') };
  program.hook('preAction', (_program, action) => {
    const options = action.optsWithGlobals<{ env: string; profile?: string }>();
    context = {
      command: commandPath(action),
      environment: options.env,
      ...(options.profile ? { profile: options.profile } : {}),
    };
  });
  try {
    await program.parseAsync([...argv]);
    return EXIT_CODES.OK;
  } catch (error) {
    // Commander has printed its own message (or the help) already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.OK : EXIT_CODES.USAGE;
    // Loaded here, not at start: classifying needs the SDK's retry module, and `b2a --help` does not.
    const { toCliError } = await import('./error-classification.js');
    const cliError = toCliError(error, context);
    deps.terminal.stderr.write(formatError(cliError));
    if (deps.terminal.env['B2A_DEBUG']) deps.terminal.stderr.write(`${debugTrace(cliError)}\n`);
    return cliError.exitCode;
  }
}

/**
 * `jobs show`, or `toggle on|off` / `toggle hold` for a toggle that sets the flag (they need other
 * permissions).
 */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  const path = names.join(' ');
  if (path !== 'toggle' || command.args.length === 0) return path;
  return command.args[0] === 'hold' ? 'toggle hold' : 'toggle on|off';
}

function debugTrace(error: Error): string {
  const traces: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) traces.push(e.stack ?? String(e));
  return traces.join('\ncaused by: ');
}
