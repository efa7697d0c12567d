/**
 * `b2a reprocess`: sends objects through the pipeline again, as a new run with a new Idempotency-Key.
 * By key (`b2a reprocess a.csv b.csv`), or in bulk by job status (`--failed`, `--skipped`) narrowed by
 * `--since` and `--prefix`.
 */
import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { mapLimit } from '../../pipeline-functions/core/concurrency.js';
import { ObjectAccessDeniedError, ObjectNotFoundError } from '../../pipeline-functions/core/errors.js';
import { jobIdOf, TERMINAL_STATUSES, type Job, type ObjectRef } from '../../pipeline-functions/core/model.js';
import type { AdminPorts, Clock, JobRepository } from '../../pipeline-functions/core/ports.js';
import { confirmAction } from '../confirm.js';
import { withAdmin, type CliDeps } from '../context.js';
import { NotAllSentError, NotFoundError, NotSucceededError, UsageError } from '../errors.js';
import { keyOf } from '../object-key.js';
import { selectJobs, type JobFilter } from '../job-selection.js';
import { globalOptions, parseDuration, parseSince, sinceTime } from '../options.js';
import { renderPlan, renderStarted, renderWaitResult } from '../render/reprocess.js';
import { outputFor, type Output } from '../terminal.js';

/** HEADs and sends in flight at once. */
export const REPROCESS_CONCURRENCY = 8;

/** A reprocess that was sent: the job it starts (or restarts) and the run it starts. */
export interface StartedJob {
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId?: string;
  readonly etag?: string;
  readonly runId: string;
  readonly startedAt: string;
}

/** An object that was not sent, and why. */
export interface NotSent extends ObjectRef {
  readonly reason: string;
}

/** What a reprocess did, object by object: each object is in exactly one list. */
export interface ReprocessResult {
  readonly started: StartedJob[];
  /** Objects (versions) that no longer exist: nothing was sent for them. */
  readonly missing: ObjectRef[];
  /** Objects S3 would not let the caller read (403): not sent. */
  readonly denied: NotSent[];
  /** Objects whose check or send failed otherwise (throttled, network, SQS refused): not sent. */
  readonly failed: NotSent[];
}

/** How to send. */
export interface SendOptions {
  readonly clock: Clock;
  /** Check each object still exists first, counting the missing ones instead of sending. */
  readonly verify: boolean;
  /** A new run id per object. @default randomUUID */
  readonly newRunId?: () => string;
  /** Called after each object, for a progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Looks up the current version of each key (HeadObject), every key before anything is sent, so that
 * nothing is sent when any key is wrong.
 * @throws NotFoundError naming every key that does not exist
 * @throws the first other failure (e.g. ObjectAccessDeniedError) when no key is missing
 */
export async function resolveKeys(ports: AdminPorts, keys: readonly string[]): Promise<ObjectRef[]> {
  const unique = [...new Set(keys)];
  type Checked = { readonly ref: ObjectRef } | { readonly key: string; readonly error: unknown };
  const checked = await mapLimit(unique, REPROCESS_CONCURRENCY, async (key): Promise<Checked> => {
    try {
      return { ref: await head(ports, { bucket: ports.bucket, key }) };
    } catch (error) {
      return { key, error };
    }
  });
  const missing = checked.flatMap((c) =>
    'error' in c && c.error instanceof ObjectNotFoundError ? [c.key] : [],
  );
  if (missing.length > 0) {
    throw new NotFoundError(
      `no object ${missing.map((key) => JSON.stringify(key)).join(', ')} in bucket ${ports.bucket} (${ports.environment}); nothing was sent`,
      'check the key (it is case-sensitive), or list jobs with: b2a jobs --prefix <start of the key>',
    );
  }
  const failure = checked.find((c) => 'error' in c);
  if (failure && 'error' in failure) throw failure.error;
  return checked.flatMap((c) => ('ref' in c ? [c.ref] : []));
}

/** The object versions of the jobs a bulk filter selects, one per job. */
export async function selectObjects(jobs: JobRepository, filter: JobFilter): Promise<ObjectRef[]> {
  const selected = await selectJobs(jobs, filter);
  const byId = new Map(selected.map((job) => [job.jobId, job]));
  return [...byId.values()].map(objectOfJob);
}

/**
 * Sends one reprocess envelope per object, each starting a new run (so a new Idempotency-Key), as
 * the caller's IAM identity. One object's failure never stops the others: once some messages are
 * out, stopping half-way would leave the admin guessing which ones were, so every object ends in one
 * of the result's lists.
 */
export async function sendReprocess(
  ports: AdminPorts,
  objects: readonly ObjectRef[],
  options: SendOptions,
): Promise<ReprocessResult> {
  const { arn } = await ports.identity.whoami();
  const newRunId = options.newRunId ?? randomUUID;
  let done = 0;
  const send = async (ref: ObjectRef): Promise<SendOutcome> => {
    const object = options.verify ? await head(ports, ref) : ref;
    const now = options.clock.now().toISOString();
    const run = { id: newRunId(), startedAt: now };
    await ports.queue.send({
      b2a: 1,
      kind: 'reprocess',
      object,
      run,
      attempt: 1,
      requestedBy: arn,
      sentAt: now,
    });
    return { started: startedJob(object, run.id, run.startedAt) };
  };
  const outcomes = await mapLimit(objects, REPROCESS_CONCURRENCY, async (ref) => {
    const outcome = await send(ref).catch((error: unknown) => notSent(ref, error));
    options.onProgress?.(++done, objects.length);
    return outcome;
  });
  return {
    started: outcomes.flatMap((o) => ('started' in o ? [o.started] : [])),
    missing: outcomes.flatMap((o) => ('missing' in o ? [o.missing] : [])),
    denied: outcomes.flatMap((o) => ('denied' in o ? [o.denied] : [])),
    failed: outcomes.flatMap((o) => ('failed' in o ? [o.failed] : [])),
  };
}

type SendOutcome =
  | { readonly started: StartedJob }
  | { readonly missing: ObjectRef }
  | { readonly denied: NotSent }
  | { readonly failed: NotSent };

function notSent(ref: ObjectRef, error: unknown): SendOutcome {
  if (error instanceof ObjectNotFoundError) return { missing: ref };
  if (error instanceof ObjectAccessDeniedError) return { denied: { ...ref, reason: error.reason } };
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { failed: { ...ref, reason } };
}

/**
 * Decides how a reprocess ended: an object that was denied or failed makes it exit 7, after every
 * object was tried and the results were shown. Objects that no longer exist do not: there is nothing
 * left to send for them.
 * @throws NotAllSentError
 */
export function assertAllSent(result: ReprocessResult): void {
  const { started, missing, denied, failed } = result;
  const notSentCount = denied.length + failed.length;
  if (notSentCount === 0) return;
  const total = started.length + missing.length + notSentCount;
  const why = [
    ...(denied.length > 0 ? [`${denied.length} denied`] : []),
    ...(failed.length > 0 ? [`${failed.length} failed`] : []),
  ].join(', ');
  throw new NotAllSentError(
    `${notSentCount} of ${total} object(s) not sent (${why}); ${started.length} sent`,
    `${denied.length > 0 ? `S3 answered 403: check ${ObjectAccessDeniedError.likelyCauses}. ` : ''}Then reprocess only the objects listed as not sent: rerunning the whole selection would send the others again`,
  );
}

/** One job being waited for. */
export interface WaitState {
  readonly started: StartedJob;
  /** The job as last read; absent until the pipeline records the first attempt. */
  readonly job?: Job;
  /** The run reached a terminal state, or a newer run took the job over. */
  readonly done: boolean;
}

/** How to wait. */
export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly onUpdate?: (states: readonly WaitState[]) => void;
}

/** Polls the jobs (strongly consistent reads) until every run is done or `timeoutMs` passed. */
export async function waitForJobs(
  jobs: JobRepository,
  started: readonly StartedJob[],
  options: WaitOptions,
): Promise<{ readonly states: WaitState[]; readonly timedOut: boolean }> {
  const deadline = options.clock.now().getTime() + options.timeoutMs;
  for (;;) {
    const states = await mapLimit(started, REPROCESS_CONCURRENCY, async (s) => {
      const job = await jobs.get(s.jobId);
      return { started: s, ...(job ? { job } : {}), done: isDone(job, s) };
    });
    options.onUpdate?.(states);
    if (states.every((s) => s.done)) return { states, timedOut: false };
    if (options.clock.now().getTime() >= deadline) return { states, timedOut: true };
    await options.sleep(options.intervalMs);
  }
}

function isDone(job: Job | undefined, started: StartedJob): boolean {
  if (!job) return false;
  if (job.runId === started.runId) return TERMINAL_STATUSES.includes(job.status);
  return job.runStartedAt > started.startedAt;
}

/**
 * Decides how a wait ended.
 * @throws NotSucceededError when a job did not succeed or the wait timed out
 */
export function assertSucceeded(states: readonly WaitState[], timedOut: boolean, timeout: string): void {
  const running = states.filter((s) => !s.done);
  if (timedOut && running.length > 0) {
    throw new NotSucceededError(
      `${running.length} of ${states.length} job(s) still running after ${timeout}`,
      'follow them with: b2a jobs show <key>',
    );
  }
  const unsuccessful = states.filter((s) => s.job?.status !== 'SUCCEEDED');
  if (unsuccessful.length > 0) {
    const statuses = [...new Set(unsuccessful.map((s) => s.job?.status ?? 'UNKNOWN'))].join(', ');
    const skipped = unsuccessful.some((s) => s.job?.status === 'SKIPPED');
    throw new NotSucceededError(
      `${unsuccessful.length} of ${states.length} job(s) did not succeed (${statuses})`,
      skipped ? 'b2a is off: turn it on with b2a toggle on' : 'see why with: b2a jobs show <key>',
    );
  }
}

async function head(ports: AdminPorts, ref: ObjectRef): Promise<ObjectRef> {
  const info = await ports.objects.head(ref);
  return compact({
    bucket: ref.bucket,
    key: ref.key,
    versionId: info.versionId ?? ref.versionId,
    etag: info.etag ?? ref.etag,
    size: info.size,
  });
}

function objectOfJob(job: Job): ObjectRef {
  return compact({
    bucket: job.bucket,
    key: job.key,
    versionId: job.versionId,
    etag: job.etag,
    size: job.size,
  });
}

function startedJob(object: ObjectRef, runId: string, startedAt: string): StartedJob {
  return compact({
    jobId: jobIdOf(object),
    bucket: object.bucket,
    key: object.key,
    versionId: object.versionId,
    etag: object.etag,
    runId,
    startedAt,
  });
}

function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** Options of `b2a reprocess`. */
interface ReprocessOptions {
  readonly failed?: boolean;
  readonly skipped?: boolean;
  readonly since?: string;
  readonly prefix?: string;
  readonly dryRun?: boolean;
  readonly yes?: boolean;
  readonly wait?: boolean;
  readonly timeout: string;
}

/** Poll interval of `--wait`. */
export const WAIT_INTERVAL_MS = 2000;

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
    .addOption(
      new Option('--timeout <duration>', 'how long --wait waits').default('5m').argParser((value: string) => {
        parseDuration(value);
        return value;
      }),
    )
    .addHelpText('after', EXAMPLES)
    .action(async (keys: string[], local: ReprocessOptions, command: Command) => {
      const options = globalOptions(command);
      const output = outputFor(deps.terminal, options);
      const bulk = local.failed === true || local.skipped === true;
      if (keys.length > 0 && (bulk || local.since || local.prefix)) {
        throw new UsageError('pass keys, or a bulk selection (--failed, --skipped), not both');
      }
      if (keys.length === 0 && !bulk) {
        throw new UsageError(
          'name the objects to reprocess: keys, or --failed and/or --skipped',
          'see: b2a reprocess --help',
        );
      }
      await withAdmin(deps, options, async (ports) => {
        const objects =
          keys.length > 0
            ? await resolveKeys(
                ports,
                keys.map((key) => keyOf(key, ports.bucket)),
              )
            : await selectObjects(ports.jobs, {
                statuses: [
                  ...(local.failed ? ['FAILED' as const] : []),
                  ...(local.skipped ? ['SKIPPED' as const] : []),
                ],
                ...(local.since ? { since: sinceTime(local.since, deps.clock.now()) } : {}),
                ...(local.prefix ? { prefix: local.prefix } : {}),
              });
        if (local.dryRun || objects.length === 0) {
          if (output.json)
            output.jsonValue({ environment: ports.environment, dryRun: local.dryRun === true, objects });
          else output.line(renderPlan(objects, ports.environment, local.dryRun === true));
          return;
        }
        if (bulk) {
          await confirmAction(
            output,
            {
              environment: ports.environment,
              yes: local.yes === true,
              action: `reprocess ${objects.length} object(s)`,
            },
            deps.ask,
          );
        }
        const result = await sendWithProgress(ports, objects, bulk, output, deps);
        if (!local.wait) {
          if (output.json) output.jsonValue({ environment: ports.environment, dryRun: false, ...result });
          else output.line(renderStarted(result, ports.environment));
          assertAllSent(result);
          return;
        }
        if (!output.json) output.line(renderStarted(result, ports.environment));
        const { states, timedOut } = await waitWithSpinner(
          ports,
          result.started,
          local.timeout,
          output,
          deps,
        );
        if (output.json) {
          output.jsonValue({
            environment: ports.environment,
            dryRun: false,
            ...result,
            jobs: states.map((s) => s.job ?? null),
            timedOut,
          });
        } else {
          output.line(renderWaitResult(states, output.columns));
        }
        assertAllSent(result);
        assertSucceeded(states, timedOut, local.timeout);
      });
    });
}

async function sendWithProgress(
  ports: AdminPorts,
  objects: readonly ObjectRef[],
  bulk: boolean,
  output: Output,
  deps: CliDeps,
): Promise<ReprocessResult> {
  if (!bulk || !output.interactive) return sendReprocess(ports, objects, { clock: deps.clock, verify: bulk });
  const { showProgress } = await import('../interactive.js');
  const progress = showProgress(output, { done: 0, total: objects.length, label: 'reprocessing' });
  try {
    return await sendReprocess(ports, objects, {
      clock: deps.clock,
      verify: true,
      onProgress: (done, total) => progress.update({ done, total, label: 'reprocessing' }),
    });
  } finally {
    await progress.stop();
  }
}

async function waitWithSpinner(
  ports: AdminPorts,
  started: readonly StartedJob[],
  timeout: string,
  output: Output,
  deps: CliDeps,
): Promise<{ readonly states: WaitState[]; readonly timedOut: boolean }> {
  const options = {
    timeoutMs: parseDuration(timeout),
    intervalMs: WAIT_INTERVAL_MS,
    clock: deps.clock,
    sleep: deps.sleep,
  };
  if (!output.interactive) return waitForJobs(ports.jobs, started, options);
  const { showWait } = await import('../interactive.js');
  const view = showWait(output, { states: started.map((s) => ({ started: s, done: false })) });
  try {
    return await waitForJobs(ports.jobs, started, {
      ...options,
      onUpdate: (states) => view.update({ states }),
    });
  } finally {
    await view.stop();
  }
}
