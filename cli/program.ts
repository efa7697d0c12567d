/**
 * The `b2a` program: global options, help, and the commands, each from its own file. Nothing here
 * (or in the command files) imports ink, React or the AWS SDK statically: they load when a command
 * needs them, so `b2a --help` and `b2a toggle` start fast.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { backfillCommand } from './commands/backfill.js';
import { dlqCommand } from './commands/dlq.js';
import { jobsCommand } from './commands/jobs.js';
import { localCommand } from './commands/local.js';
import { reconcileCommand } from './commands/reconcile.js';
import { reprocessCommand } from './commands/reprocess.js';
import { statusCommand } from './commands/status.js';
import { toggleCommand } from './commands/toggle.js';
import type { CliDeps } from './context.js';
import { EXIT_CODES_HELP } from './errors.js';
import { ENVIRONMENTS } from './options.js';

const GLOBAL_HELP = `
Environments:
  local is the embedded runtime on this machine (b2a local up), reached through --data-dir.
  dev, demo and prod are deployed stacks, found through the SSM parameter /b2a/<env>/resources
  with your own AWS credentials (--profile, SSO, environment variables).

${EXIT_CODES_HELP}

Examples:
  $ b2a status --env prod --profile b2a-admin
  $ b2a jobs --failed --since 24h
  $ b2a reprocess --failed --since 2h --env prod --yes
  $ b2a toggle off --env prod

Colours are off when NO_COLOR is set or the output is not a terminal. Errors go to stderr.`;

/** The version in package.json. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    readonly version: string;
  };
  return manifest.version;
}

/**
 * Builds the `b2a` program. Parse errors throw commander's `CommanderError` (they are printed
 * first); `cli/main.ts` turns errors into exit codes.
 *
 * @example await createProgram(defaultDeps()).parseAsync(process.argv)
 */
export function createProgram(deps: CliDeps): Command {
  const program = new Command('b2a')
    .description('Admin CLI of b2a (bucket to API): the enabled flag, jobs, reprocessing, queues.')
    .version(packageVersion(), '-V, --version')
    .addOption(
      new Option('--env <name>', 'environment').choices(ENVIRONMENTS).env('B2A_ENV').default('local'),
    )
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE or the default chain)')
    .option('--region <region>', "AWS region (default: the profile's region or AWS_REGION)")
    .option('--json', 'print JSON for scripts: no colours, spinners, progress or prompts', false)
    .addOption(
      new Option('--data-dir <dir>', 'data directory of the local runtime')
        .env('B2A_DATA_DIR')
        .default('.b2a'),
    )
    .addHelpText('after', GLOBAL_HELP)
    .addCommand(statusCommand(deps))
    .addCommand(toggleCommand(deps))
    .addCommand(jobsCommand(deps))
    .addCommand(reprocessCommand(deps))
    .addCommand(backfillCommand(deps))
    .addCommand(reconcileCommand(deps))
    .addCommand(dlqCommand(deps))
    .addCommand(localCommand());
  configureTree(program, deps);
  return program;
}

/**
 * Commander applies these settings only to commands made with `.command()`, not to commands added
 * with `.addCommand()`, so each command gets them here.
 */
function configureTree(command: Command, deps: CliDeps): void {
  command
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({
      writeOut: (text) => deps.terminal.stdout.write(text),
      writeErr: (text) => deps.terminal.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, 'b2a: ')),
    });
  for (const child of command.commands) configureTree(child, deps);
}
