/**
 * `b2a reprocess`: sends objects through the pipeline again, as a new run with a new Idempotency-Key.
 * By key (`b2a reprocess a.csv b.csv`), or in bulk by job status (`--failed`, `--skipped`) narrowed by
 * `--since` and `--prefix`.
 */
import { Command } from 'commander';
import {
  assertAllSent,
  selectForReprocess,
  sendReprocess,
} from '../../pipeline-functions/core/use-cases/admin/reprocess.js';
import { assertSucceeded, waitForJobs } from '../../pipeline-functions/core/use-cases/admin/wait-for-jobs.js';
import { confirmAction } from '../confirm.js';
import { runAdmin, type CliDeps } from '../context.js';
import { parseDuration, parseDurationText, parseSince } from '../options.js';
import { present, withLiveView } from '../present.js';
import { selectionOf, type SelectionOptions } from '../reprocess-selection.js';

/** Poll interval of `--wait`. */
export const WAIT_INTERVAL_MS = 2000;

/** Options of `b2a reprocess`. */
interface ReprocessOptions extends SelectionOptions {
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly wait?: boolean;
  readonly timeout: string;
}

const EXAMPLES = `
Examples:
  $ b2a reprocess invoices/2026/11/a.csv            send one object again (its current version)
  $ b2a reprocess a.csv b.csv --wait --timeout 2m   and wait until both are delivered
  $ b2a reprocess --failed --since 2h --dry-run     which failed jobs would be sent again
  $ b2a reprocess --failed --since 2h --env prod --yes
  $ b2a reprocess --skipped --prefix invoices/      objects that arrived while b2a was off`;

/** The `reprocess` command. */
export function reprocessCommand(deps: CliDeps): Command {
  return new Command('reprocess')
    .description('send objects through the pipeline again (a new run with a new Idempotency-Key)')
    .argument('[key...]', 'object keys in the source bucket (or s3://<bucket>/<key>)')
    .option('--failed', 'every FAILED job (bulk)')
    .option('--skipped', 'every SKIPPED job: objects that arrived while b2a was off (bulk)')
    .option(
      '--since <duration>',
      'bulk: only jobs updated within, e.g. 30m, 2h, 7d (or an ISO time)',
      parseSince,
    )
    .option('--prefix <prefix>', 'bulk: only keys starting with this')
    .option('--dry-run', 'show what would be sent, send nothing')
    .option('-y, --yes', 'do not ask for confirmation (bulk work in prod)')
    .option('--wait', 'wait until the jobs finish, and exit 6 unless all succeeded')
    .option('--timeout <duration>', 'how long --wait waits', parseDurationText, '5m')
    .addHelpText('after', EXAMPLES)
    .action((keys: string[], local: ReprocessOptions, command: Command) => {
      const selectionIn = selectionOf(keys, local, deps.clock);
      return runAdmin(deps, command, async (ports, output) => {
        const environment = ports.environment;
        const selection = selectionIn(ports.bucket);
        const objects = await selectForReprocess(ports, selection);
        const dryRun = local.dryRun === true;
        if (dryRun || objects.length === 0) {
          const plan = { environment, dryRun, objects };
          return present(output, plan, {
            plain: async (p) =>
              (await import('../render/reprocess.js')).renderPlan(p.objects, environment, dryRun),
          });
        }
        const bulk = 'jobs' in selection;
        const action = `reprocess ${objects.length} object(s)`;
        if (bulk) await confirmAction(output, { environment, yes: local.yes === true, action }, deps.ask);
        const progress = { done: 0, total: objects.length, label: 'reprocessing' };
        const result = await withLiveView(
          output,
          bulk ? (views, out) => views.showProgress(out, progress) : undefined,
          (update) =>
            sendReprocess(ports, objects, {
              clock: deps.clock,
              verify: bulk,
              ...(update ? { onProgress: (done, total) => update({ ...progress, done, total }) } : {}),
            }),
        );
        const sent = { environment, dryRun: false, ...result };
        if (!local.wait) {
          await present(output, sent, {
            plain: async (r) => (await import('../render/reprocess.js')).renderStarted(r, environment),
          });
          return assertAllSent(result);
        }
        if (!output.json)
          output.line((await import('../render/reprocess.js')).renderStarted(result, environment));
        const waiting = { states: result.started.map((started) => ({ started, done: false })) };
        const { states, timedOut } = await withLiveView(
          output,
          (views, out) => views.showWait(out, waiting),
          (update) =>
            waitForJobs(ports.jobs, result.started, {
              timeoutMs: parseDuration(local.timeout),
              intervalMs: WAIT_INTERVAL_MS,
              clock: deps.clock,
              sleep: deps.sleep,
              ...(update ? { onUpdate: (s) => update({ states: s }) } : {}),
            }),
        );
        await present(output, states, {
          json: (s) => ({ ...sent, jobs: s.map((state) => state.job ?? null), timedOut }),
          plain: async (s, out) => (await import('../render/reprocess.js')).renderWaitResult(s, out.columns),
        });
        assertAllSent(result);
        assertSucceeded(states, timedOut, local.timeout);
      });
    });
}
