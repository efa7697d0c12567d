/** `b2a jobs` (a table of recent jobs) and `b2a jobs show <key>` (a key's jobs with their attempts). */
import { Command } from 'commander';
import type { JobStatus } from '../../pipeline-functions/core/model.js';
import type { JobFilter } from '../../pipeline-functions/core/use-cases/admin/job-selection.js';
import type { HttpStatusRange } from '../../pipeline-functions/core/ports.js';
import { listJobs, showAttempt, showJob } from '../../pipeline-functions/core/use-cases/admin/jobs.js';
import { runAdmin, type CliDeps } from '../context.js';
import { UsageError } from '../errors.js';
import { keyOf } from '../object-key.js';
import { parseHttpStatuses, parsePositiveInt, parseSince, parseStatuses, sinceTime } from '../options.js';
import { present } from '../present.js';

/** Rows shown when `--limit` is not given. */
export const DEFAULT_LIMIT = 50;

/** Seconds between refreshes of `--watch`. */
export const WATCH_INTERVAL_MS = 3000;

interface JobsOptions {
  readonly failed?: boolean;
  readonly status?: JobStatus[];
  readonly since?: string;
  readonly prefix?: string;
  readonly httpStatus?: HttpStatusRange[];
  readonly limit: number;
  readonly watch?: boolean;
}

/**
 * The statuses `--failed` and `--status` ask for.
 * @throws UsageError when they disagree
 */
export function statusesOf(options: Pick<JobsOptions, 'failed' | 'status'>): JobStatus[] | undefined {
  if (options.failed && options.status && options.status.some((s) => s !== 'FAILED')) {
    throw new UsageError('--failed and --status disagree: pass one of them');
  }
  return options.failed ? ['FAILED'] : options.status;
}

const EXAMPLES = `
Examples:
  $ b2a jobs                               the 50 newest jobs, any status
  $ b2a jobs --failed --since 24h
  $ b2a jobs --status retrying,failed --prefix invoices/ --limit 200
  $ b2a jobs --status succeeded --prefix invoices/2026/11/   successes: not indexed, so read
                                           from the bucket listing under the prefix (required)
  $ b2a jobs --watch                       refresh every 3 seconds (q or Ctrl+C to stop)
  $ b2a jobs --http-status 4xx,429 --since 1h   jobs whose last answer was one of these
  $ b2a jobs --json | jq -r '.[].key'
  $ b2a jobs show invoices/2026/11/a.csv   the key's jobs and every attempt
  $ b2a jobs show invoices/2026/11/a.csv --attempt 3   attempt 3: request and response`;

/** The `jobs` command and its `show` subcommand. */
export function jobsCommand(deps: CliDeps): Command {
  const jobs = new Command('jobs')
    .description('list jobs, newest first (default: every status; SUCCEEDED ones only with --prefix)')
    .option('--failed', 'only FAILED jobs (same as --status FAILED)')
    .option(
      '--status <status>',
      'SUCCEEDED (needs --prefix), RETRYING, FAILED, SKIPPED or SUPERSEDED (comma-separated for several)',
      parseStatuses,
    )
    .option('--since <duration>', 'only jobs updated within, e.g. 30m, 2h, 7d (or an ISO time)', parseSince)
    .option('--prefix <prefix>', 'only keys starting with this')
    .option(
      '--http-status <codes>',
      'only jobs whose last answer had this HTTP status: 429, 503, 4xx, 5xx (comma-separated)',
      parseHttpStatuses,
    )
    .option('--limit <n>', 'at most this many rows', parsePositiveInt, DEFAULT_LIMIT)
    .option('--watch', 'refresh every few seconds (in a terminal)')
    .addHelpText('after', EXAMPLES)
    .action((local: JobsOptions, command: Command) => {
      const statuses = statusesOf(local);
      // A function: `--watch` recomputes `--since` on each refresh.
      const filter = (): JobFilter => ({
        ...(statuses ? { statuses } : {}),
        ...(local.since ? { since: sinceTime(local.since, deps.clock.now()) } : {}),
        ...(local.prefix ? { prefix: local.prefix } : {}),
        ...(local.httpStatus ? { httpStatuses: local.httpStatus } : {}),
        limit: local.limit,
      });
      return runAdmin(
        deps,
        command,
        async (ports, output) => {
          if (local.watch) {
            const { watchJobs } = await import('../interactive.js');
            const title = `b2a jobs in ${ports.environment}`;
            return watchJobs(output, {
              load: () => listJobs(ports, filter()),
              intervalMs: WATCH_INTERVAL_MS,
              title,
            });
          }
          await present(output, await listJobs(ports, filter()), {
            ink: (views, out, found) => views.printJobs(out, found),
            inkIf: (found) => found.length > 0,
            plain: async (found, out) =>
              (await import('../render/jobs.js')).renderJobs(found, out.columns, !statuses && !local.prefix),
          });
        },
        (output) => {
          if (local.watch && !output.interactive) {
            throw new UsageError(
              '--watch needs a terminal (and no --json)',
              'drop --watch to print the jobs once',
            );
          }
        },
      );
    });

  jobs.addCommand(
    new Command('show')
      .description("show a key's jobs (one per object version) with every attempt")
      .argument('<key>', 'object key in the source bucket (or s3://<bucket>/<key>)')
      .option(
        '--attempt <n>',
        "one attempt of the newest version's job in full: the request sent and the response (N in the table)",
        parsePositiveInt,
      )
      .action((key: string, local: { readonly attempt?: number }, command: Command) =>
        runAdmin(deps, command, async (ports, output) => {
          const objectKey = keyOf(key, ports.bucket);
          if (local.attempt !== undefined) {
            await present(output, await showAttempt(ports, objectKey, local.attempt), {
              json: ({ job, attempt }) => ({ jobId: job.jobId, ...attempt }),
              ink: (views, out, detail) => views.printAttempt(out, detail),
              plain: async (detail) => (await import('../render/jobs.js')).renderAttemptDetail(detail),
            });
            return;
          }
          await present(output, await showJob(ports, objectKey), {
            ink: (views, out, found) => views.printJobDetail(out, found),
            plain: async (found, out) =>
              (await import('../render/jobs.js')).renderJobDetail(found, out.columns),
          });
        }),
      ),
  );
  return jobs;
}
