/** `b2a reconcile`: the drift between the bucket and the jobs; `--fix` sends what was missed and the stuck retries. */
import { Command } from 'commander';
import { BackfillIncompleteError } from '../../pipeline-functions/core/use-cases/admin/errors.js';
import { confirmAction } from '../confirm.js';
import { runAdmin, type CliDeps } from '../context.js';
import { parseDuration, parseDurationText, parseSince, sinceTime } from '../options.js';
import { present } from '../present.js';

/** Options of `b2a reconcile`. */
interface ReconcileOptions {
  readonly prefix?: string;
  readonly since?: string;
  readonly margin: string;
  readonly fix?: boolean;
  readonly yes?: boolean;
}

const EXAMPLES = `
Examples:
  $ b2a reconcile --since 24h                 drift of the last day
  $ b2a reconcile --prefix invoices/ --json
  $ b2a reconcile --since 24h --fix --yes     send the missed objects and the stuck retries`;

/** The `reconcile` command. */
export function reconcileCommand(deps: CliDeps): Command {
  return new Command('reconcile')
    .description('report drift between the bucket and the jobs (missed, gone, stuck, skipped)')
    .option('--prefix <prefix>', 'only keys starting with this')
    .option('--since <duration>', 'only objects written and jobs updated within, e.g. 24h', parseSince)
    .option('--margin <duration>', 'how late a retry may be before it is stuck', parseDurationText, '15m')
    .option('--fix', 'send the missed objects (as a backfill) and the stuck retries')
    .option('-y, --yes', 'do not ask for confirmation (--fix in prod)')
    .addHelpText('after', EXAMPLES)
    .action((local: ReconcileOptions, command: Command) =>
      runAdmin(deps, command, async (ports, output) => {
        // Loaded when it runs: it shares the backfill's checkpoint code, which loads zod.
        const { fixDrift, reconcile } =
          await import('../../pipeline-functions/core/use-cases/admin/reconcile.js');
        const report = await reconcile(
          ports,
          {
            ...(local.prefix ? { prefix: local.prefix } : {}),
            ...(local.since ? { after: sinceTime(local.since, deps.clock.now()) } : {}),
            stuckMarginMs: parseDuration(local.margin),
          },
          { clock: deps.clock },
        );
        const toFix = report.missed.length + report.stuck.length;
        if (!local.fix || toFix === 0) {
          return present(output, report, {
            plain: async (r, out) => (await import('../render/backfill.js')).renderReconcile(r, out.columns),
          });
        }
        if (!output.json)
          output.line((await import('../render/backfill.js')).renderReconcile(report, output.columns));
        const action = `send ${report.missed.length} missed object(s) and ${report.stuck.length} stuck retry(ies)`;
        await confirmAction(
          output,
          { environment: ports.environment, yes: local.yes === true, action },
          deps.ask,
        );
        const fix = await fixDrift(ports, report, { clock: deps.clock });
        await present(output, fix, {
          json: (f) => ({ ...report, fix: f }),
          plain: async (f) => (await import('../render/backfill.js')).renderDriftFix(f),
        });
        if (fix.failed.length > 0)
          throw new BackfillIncompleteError(fix.failed.length, fix.backfilled + fix.retried);
      }),
    );
}
