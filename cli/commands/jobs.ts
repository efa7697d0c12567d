/** `b2a jobs` (a table of recent jobs) and `b2a jobs show <key>` (a key's jobs with their attempts). */
import { Command } from 'commander';
import type { Job, JobStatus } from '../../pipeline-functions/core/model.js';
import type { AdminPorts } from '../../pipeline-functions/core/ports.js';
import { withAdmin, type CliDeps } from '../context.js';
import { NotFoundError, UsageError } from '../errors.js';
import { selectJobs, type JobFilter } from '../job-selection.js';
import { keyOf } from '../object-key.js';
import { globalOptions, parsePositiveInt, parseSince, parseStatuses, sinceTime } from '../options.js';
import { shellQuote } from '../render/format.js';
import { renderJobDetail, renderJobs } from '../render/jobs.js';
import { outputFor } from '../terminal.js';

/** Rows shown when `--limit` is not given. */
export const DEFAULT_LIMIT = 50;

/** Seconds between refreshes of `--watch`. */
export const WATCH_INTERVAL_MS = 3000;

/** The jobs matching a filter, newest first, through the status index. */
export async function listJobs(ports: AdminPorts, filter: JobFilter): Promise<Job[]> {
  return selectJobs(ports.jobs, filter);
}

/**
 * Every version's job for a key, newest first, each with its attempt history.
 * @throws NotFoundError when no job has that key
 */
export async function showJob(ports: AdminPorts, key: string): Promise<Job[]> {
  const jobs = await ports.jobs.listByKey(ports.bucket, key);
  if (jobs.length === 0) {
    throw new NotFoundError(
      `no jobs for key ${JSON.stringify(key)} in bucket ${ports.bucket} (${ports.environment})`,
      `keys are case-sensitive; list recent jobs with: b2a jobs --prefix ${shellQuote(key.slice(0, 8))}`,
    );
  }
  return [...jobs].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
}

interface JobsOptions {
  readonly failed?: boolean;
  readonly status?: JobStatus[];
  readonly since?: string;
  readonly prefix?: string;
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
  $ b2a jobs --watch                       refresh every 3 seconds (q or Ctrl+C to stop)
  $ b2a jobs --json | jq -r '.[].key'
  $ b2a jobs show invoices/2026/11/a.csv   the key's jobs and every attempt`;

/** The `jobs` command and its `show` subcommand. */
export function jobsCommand(deps: CliDeps): Command {
  const jobs = new Command('jobs')
    .description('list jobs, newest first (default: every status)')
    .option('--failed', 'only FAILED jobs (same as --status FAILED)')
    .option(
      '--status <status>',
      'SUCCEEDED, RETRYING, FAILED or SKIPPED (comma-separated for several)',
      parseStatuses,
    )
    .option('--since <duration>', 'only jobs updated within, e.g. 30m, 2h, 7d (or an ISO time)', parseSince)
    .option('--prefix <prefix>', 'only keys starting with this')
    .option('--limit <n>', 'at most this many rows', parsePositiveInt, DEFAULT_LIMIT)
    .option('--watch', 'refresh every few seconds (in a terminal)')
    .addHelpText('after', EXAMPLES)
    .action(async (local: JobsOptions, command: Command) => {
      const options = globalOptions(command);
      const output = outputFor(deps.terminal, options);
      const statuses = statusesOf(local);
      if (local.watch && !output.interactive) {
        throw new UsageError(
          '--watch needs a terminal (and no --json)',
          'drop --watch to print the jobs once',
        );
      }
      const filter = (): JobFilter => ({
        ...(statuses ? { statuses } : {}),
        ...(local.since ? { since: sinceTime(local.since, deps.clock.now()) } : {}),
        ...(local.prefix ? { prefix: local.prefix } : {}),
        limit: local.limit,
      });
      await withAdmin(deps, options, async (ports) => {
        if (local.watch) {
          const { watchJobs } = await import('../interactive.js');
          await watchJobs(output, {
            load: () => listJobs(ports, filter()),
            intervalMs: WATCH_INTERVAL_MS,
            title: `b2a jobs in ${ports.environment}`,
          });
          return;
        }
        const found = await listJobs(ports, filter());
        if (output.json) output.jsonValue(found);
        else if (output.interactive && found.length > 0)
          (await import('../interactive.js')).printJobs(output, found);
        else output.line(renderJobs(found, output.columns));
      });
    });

  jobs.addCommand(
    new Command('show')
      .description("show a key's jobs (one per object version) with every attempt")
      .argument('<key>', 'object key in the source bucket (or s3://<bucket>/<key>)')
      .action(async (key: string, _local: unknown, command: Command) => {
        const options = globalOptions(command);
        const output = outputFor(deps.terminal, options);
        await withAdmin(deps, options, async (ports) => {
          const found = await showJob(ports, keyOf(key, ports.bucket));
          if (output.json) output.jsonValue(found);
          else if (output.interactive) (await import('../interactive.js')).printJobDetail(output, found);
          else output.line(renderJobDetail(found, output.columns));
        });
      }),
  );
  return jobs;
}
