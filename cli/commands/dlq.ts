/** `b2a dlq` (what is in the dead-letter queue) and `b2a dlq redrive` (send it all back). */
import { Command } from 'commander';
import {
  listDeadLetters,
  redriveDeadLetters,
} from '../../pipeline-functions/core/use-cases/admin/dead-letters.js';
import { confirmAction } from '../confirm.js';
import { runAdmin, type CliDeps } from '../context.js';
import { parsePositiveInt } from '../options.js';
import { present } from '../present.js';

/** Rows shown when `--limit` is not given. SQS receives at most 10 per call; the adapter pages. */
export const DEFAULT_LIMIT = 10;

const EXAMPLES = `
Examples:
  $ b2a dlq                        the first 10 dead letters, decoded
  $ b2a dlq --limit 50 --json
  $ b2a dlq redrive --env prod     send them all back to the source queue (asks first)`;

/** The `dlq` command and its `redrive` subcommand. */
export function dlqCommand(deps: CliDeps): Command {
  const dlq = new Command('dlq')
    .description('list the dead-letter queue: messages the pipe gave up on')
    .option('--limit <n>', 'at most this many messages', parsePositiveInt, DEFAULT_LIMIT)
    .addHelpText('after', EXAMPLES)
    .action((local: { limit: number }, command: Command) =>
      runAdmin(deps, command, async (ports, output) => {
        await present(output, await listDeadLetters(ports, local.limit), {
          ink: (views, out, letters) => views.printDeadLetters(out, letters),
          inkIf: (letters) => letters.length > 0,
          plain: async (letters, out) =>
            (await import('../render/dlq.js')).renderDeadLetters(letters, out.columns),
        });
      }),
    );

  dlq.addCommand(
    new Command('redrive')
      .description('move every dead letter back to the source queue')
      .option('-y, --yes', 'do not ask for confirmation (prod)')
      .action((local: { yes?: boolean }, command: Command) =>
        runAdmin(deps, command, async (ports, output) => {
          const confirmation = {
            environment: ports.environment,
            yes: local.yes === true,
            action: 'redrive the dead-letter queue',
          };
          await confirmAction(output, confirmation, deps.ask);
          await present(output, await redriveDeadLetters(ports), {
            plain: async (r) => (await import('../render/dlq.js')).renderRedrive(r),
          });
        }),
      ),
  );
  return dlq;
}
