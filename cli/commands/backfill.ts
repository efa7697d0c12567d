/**
 * `b2a backfill`: sends the objects of the bucket that have no job (files older than the deployment,
 * missed notifications) through the pipeline; resumable.
 */
import { Command, Option } from 'commander';
import type { BackfillRequest } from '../../pipeline-functions/core/use-cases/admin/backfill.js';
import { BackfillIncompleteError } from '../../pipeline-functions/core/use-cases/admin/errors.js';
import { confirmAction } from '../confirm.js';
import { runAdmin, type CliDeps } from '../context.js';
import { UsageError } from '../errors.js';
import { parseSince, sinceTime } from '../options.js';
import { present, withLiveView } from '../present.js';

/** Options of `b2a backfill`. */
interface BackfillOptions {
  readonly prefix?: string;
  readonly since?: string;
  readonly after?: string;
  readonly versions: 'latest' | 'all';
  readonly all?: boolean;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
}

const EXAMPLES = `
Examples:
  $ b2a backfill --dry-run                      what has no job, and would be sent
  $ b2a backfill --prefix invoices/2026/ --yes  send it (prod asks unless --yes)
  $ b2a backfill --since 7d                     only objects written in the last 7 days
  $ b2a backfill --all --prefix invoices/       every object again, as a new run
Interrupted (Ctrl-C, a crash, expired credentials)? Run the same command again: it continues from
its checkpoint and sends nothing twice.`;

/** The `backfill` command. */
export function backfillCommand(deps: CliDeps): Command {
  return new Command('backfill')
    .description('send the objects of the bucket that have no job (resumable)')
    .option('--prefix <prefix>', 'only keys starting with this')
    .option('--since <duration>', 'only objects written within, e.g. 2h, 7d', parseSince)
    .option('--after <time>', 'only objects written at or after this ISO time', parseSince)
    .addOption(
      new Option('--versions <which>', "on a versioned bucket: each key's latest version, or all")
        .choices(['latest', 'all'])
        .default('latest'),
    )
    .option('--all', 'send every object version, job or not, as a new run')
    .option('--dry-run', 'show what would be sent and the counts; send nothing')
    .option('-y, --yes', 'do not ask for confirmation (prod)')
    .addHelpText('after', EXAMPLES)
    .action((local: BackfillOptions, command: Command) => {
      // Before the environment is opened, as the other commands check their options.
      if (local.since && local.after) throw new UsageError('pass --since or --after, not both');
      return runAdmin(deps, command, async (ports, output) => {
        // Loaded when it runs: the use case validates its checkpoint with zod, which `--help` should not load.
        const [{ backfill }, { backfillProgressLabel, renderBackfill }] = await Promise.all([
          import('../../pipeline-functions/core/use-cases/admin/backfill.js'),
          import('../render/backfill.js'),
        ]);
        const asWritten = local.since ?? local.after;
        const request: BackfillRequest = {
          ...(local.prefix ? { prefix: local.prefix } : {}),
          ...(asWritten ? { after: sinceTime(asWritten, deps.clock.now()), afterAsWritten: asWritten } : {}),
          versions: local.versions,
          all: local.all === true,
          dryRun: local.dryRun === true,
        };
        const environment = ports.environment;
        if (!request.dryRun) {
          const what = `backfill s3://${ports.bucket}/${local.prefix ?? ''}${request.all ? ' (every object, as a new run)' : ''}`;
          await confirmAction(output, { environment, yes: local.yes === true, action: what }, deps.ask);
        }
        const started = deps.clock.now().getTime();
        const seconds = (): number => (deps.clock.now().getTime() - started) / 1000;
        const result = await withLiveView(
          output,
          (views, out) => views.showProgress(out, { done: 0, total: 0, label: 'backfill: listing…' }),
          (update) =>
            backfill(ports, request, {
              clock: deps.clock,
              ...(update
                ? {
                    onProgress: (counts) =>
                      update({
                        done: counts.alreadyDone + counts.sent + counts.skippedByFilter + counts.failed,
                        total: counts.listed,
                        label: `backfill: ${backfillProgressLabel(counts, seconds())}`,
                      }),
                  }
                : {}),
            }),
        );
        const elapsedSeconds = seconds();
        await present(output, result, {
          json: (r) => ({ ...r, elapsedSeconds }),
          plain: (r, out) => renderBackfill(r, elapsedSeconds, out.columns),
        });
        if (result.failed.length > 0)
          throw new BackfillIncompleteError(result.failed.length, result.counts.sent);
      });
    });
}
