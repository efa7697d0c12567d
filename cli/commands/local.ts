/**
 * `b2a local`: the embedded runtime. `local up` runs the whole pipeline on this machine with no AWS
 * account (the inbox directory is the bucket, dynalite keeps the jobs, a demo API answers when no
 * API URL is given); `local reset` forgets the local state. Ink and React load only for the live view.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { JobStatus } from '../../pipeline-functions/core/model.js';
import type { LocalDashboardInfo, LocalDashboardProps } from '../views/LocalDashboard.js';
import type { LogEntry } from '../../pipeline-functions/local/log.js';
import type { LocalRuntime, PendingWork } from '../../pipeline-functions/local/runtime.js';
import type { LocalConfigInput } from '../../pipeline-functions/local/settings.js';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { outputFor, processTerminal, type Output } from '../terminal.js';

/** Options of `b2a local up`. */
export interface LocalUpOptions {
  readonly apiUrl?: string;
  readonly config?: string;
  readonly demoApiPort?: number;
  readonly dynamodbPort?: number;
  readonly verbose: boolean;
}

/** How often the live view reloads counts from the store. */
const REFRESH_MS = 1000;
/** How often the live view redraws. */
const REDRAW_MS = 250;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InvalidArgumentError(`"${value}" is not a port (0-65535; 0 picks a free one)`);
  }
  return port;
}

function parseUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new InvalidArgumentError(`"${value}" is not an http(s) URL`);
  }
  return value;
}

/** The `local` command group. */
export function localCommand(): Command {
  const local = new Command('local').description(
    'Run b2a on this machine, no AWS needed: a directory is the bucket, jobs are kept in the data directory',
  );
  local
    .command('up')
    .description('Start the local runtime: watch the inbox, call the API for every file, until Ctrl+C')
    .option(
      '--api-url <url>',
      'the downstream API to call (default: api.url in the config, else a built-in demo API)',
      parseUrl,
    )
    .option('--config <file>', 'config file (default: <data-dir>/config.json when it exists)')
    .addOption(
      new Option('--demo-api-port <port>', 'port of the built-in demo API (default: a free port)').argParser(
        parsePort,
      ),
    )
    .addOption(
      new Option('--dynamodb-port <port>', 'port of the local jobs store (default: a free port)').argParser(
        parsePort,
      ),
    )
    .option('--verbose', 'also log every batch and retry timer', false)
    .addHelpText(
      'after',
      `
Drop files into <data-dir>/inbox/ (subfolders are key prefixes). In a terminal you get a live view;
otherwise one log line per event (--json: JSON lines). Other b2a commands reach this runtime with
--data-dir. See docs/local.md for the config file and the data directory layout.

Examples:
  $ b2a local up
  $ b2a local up --api-url http://127.0.0.1:8080/ingest --data-dir /tmp/b2a
  $ b2a local up --json > runtime.log`,
    )
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & LocalUpOptions>();
      await runLocalUp(options, outputFor(processTerminal(), options));
    });
  local
    .command('reset')
    .description('Forget the local jobs, queues, retries and flag (keeps the inbox and config.json)')
    .option('--all', 'also delete the inbox and config.json', false)
    .option('--yes', 'do it (required: there is no undo)', false)
    .action(async (_options: unknown, command: Command) => {
      const options = command.optsWithGlobals<GlobalOptions & { all: boolean; yes: boolean }>();
      const output = outputFor(processTerminal(), options);
      if (!options.yes) {
        throw new UsageError(
          `this deletes the local state in ${resolve(options.dataDir)}${options.all ? ', including the inbox' : ''}`,
          'add --yes to confirm',
        );
      }
      const { resetDataDir } = await import('../../pipeline-functions/local/reset.js');
      const result = await resetDataDir(options.dataDir, { all: options.all });
      if (output.json) output.jsonValue(result);
      else output.line(`Reset ${result.dataDir}: removed ${result.removed.length} item(s).`);
    });
  return local;
}

/** Runs the runtime until SIGINT or SIGTERM, with the live view, plain lines or JSON lines. */
export async function runLocalUp(options: GlobalOptions & LocalUpOptions, output: Output): Promise<void> {
  const { startLocalRuntime } = await import('../../pipeline-functions/local/runtime.js');
  const { formatLogLine } = await import('../../pipeline-functions/local/log.js');
  if (options.env !== 'local')
    output.note(`b2a local up runs the local environment; ignoring --env ${options.env}.`);

  const config: LocalConfigInput = {
    local: {
      ports: {
        ...(options.demoApiPort !== undefined ? { demoApi: options.demoApiPort } : {}),
        ...(options.dynamodbPort !== undefined ? { dynamodb: options.dynamodbPort } : {}),
      },
    },
  };
  const shown = (entry: LogEntry): boolean => options.verbose || entry.level !== 'debug';
  let onEntry: (entry: LogEntry) => void = (entry) => {
    if (!shown(entry)) return;
    if (output.json) output.line(JSON.stringify(entry));
    else if (!output.interactive) output.line(formatLogLine(entry));
  };
  const runtime = await startLocalRuntime({
    dataDir: options.dataDir,
    ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}),
    ...(options.config ? { configFile: options.config } : {}),
    config,
    log: (entry) => onEntry(entry),
  });
  const info: LocalDashboardInfo = {
    dataDir: runtime.dataDir,
    inboxDir: runtime.inboxDir,
    bucket: runtime.bucket,
    apiUrl: runtime.apiUrl,
    demoApi: runtime.demoApi !== undefined,
  };
  if (!output.json && !output.interactive) output.line(banner(info, options.dataDir));

  const stopped = waitForSignal(runtime);
  try {
    if (output.interactive) {
      await runDashboard(runtime, info, output, stopped, (listener) => {
        const previous = onEntry;
        onEntry = (entry) => {
          previous(entry);
          if (shown(entry)) listener(entry);
        };
      });
    } else {
      await stopped.done;
    }
  } catch (error) {
    await runtime.stop();
    throw error;
  }
}

/** What to do now, printed once at start when there is no live view. */
export function banner(info: LocalDashboardInfo, dataDirOption: string): string {
  const dir = dataDirOption === '.b2a' ? '' : ` --data-dir ${dataDirOption}`;
  return [
    'b2a local runtime is up.',
    `  inbox  ${info.inboxDir}  (bucket ${info.bucket}; subfolders are key prefixes)`,
    `  API    ${info.apiUrl}${info.demoApi ? '  (built-in demo API)' : ''}`,
    `  data   ${info.dataDir}`,
    'Try, in another terminal:',
    `  cp report.csv ${info.inboxDir}/`,
    `  npx b2a jobs${dir}                  # what happened to each file`,
    `  npx b2a status${dir}                # flag, queues, counts by status`,
    `  npx b2a toggle off${dir}            # stop calling the API (files are SKIPPED)`,
    `  npx b2a reprocess --skipped${dir}   # send them again once it is back on`,
    'Ctrl+C stops (the batch in hand is finished first).',
  ].join('\n');
}

interface Stopping {
  /** Resolves when a signal came and the runtime has stopped. */
  readonly done: Promise<void>;
  /** Called once a signal is received, before the runtime stops. */
  onSignal(listener: () => void): void;
}

/** Stops the runtime on the first SIGINT or SIGTERM; a second one exits at once. */
function waitForSignal(runtime: LocalRuntime): Stopping {
  const listeners: (() => void)[] = [];
  const done = new Promise<void>((resolvePromise, reject) => {
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      for (const listener of listeners) listener();
      runtime.stop().then(resolvePromise, reject);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  return { done, onSignal: (listener) => listeners.push(listener) };
}

/** The live view: redrawn every {@link REDRAW_MS}, counts reloaded every {@link REFRESH_MS}. */
async function runDashboard(
  runtime: LocalRuntime,
  info: LocalDashboardInfo,
  output: Output,
  stopping: Stopping,
  subscribe: (listener: (entry: LogEntry) => void) => void,
): Promise<void> {
  const [{ render }, { createElement }, { LocalDashboard }] = await Promise.all([
    import('ink'),
    import('react'),
    import('../views/LocalDashboard.js'),
  ]);
  const events: LogEntry[] = [];
  subscribe((entry) => {
    if (entry.event === 'batch') return;
    events.unshift(entry);
    events.length = Math.min(events.length, 20);
  });
  let counts: Record<JobStatus, number> | undefined;
  let enabled: boolean | undefined;
  let pending: PendingWork | undefined;
  let isStopping = false;
  const props = (): LocalDashboardProps => ({
    info,
    ...(counts ? { counts } : {}),
    ...(enabled !== undefined ? { enabled } : {}),
    ...(pending ? { pending } : {}),
    activity: runtime.activity(),
    events: [...events],
    width: output.columns,
    stopping: isStopping,
  });
  const app = render(createElement(LocalDashboard, props()), {
    stdout: output.terminal.stdout,
    stderr: output.terminal.stderr,
    exitOnCtrlC: false,
  });
  const reload = async (): Promise<void> => {
    [counts, enabled, pending] = await Promise.all([
      runtime.jobCounts(),
      runtime.flag.isEnabled(),
      runtime.pending(),
    ]);
  };
  let reloadError: unknown;
  const reloader = setInterval(() => {
    reload().catch((error: unknown) => {
      reloadError = error;
      events.unshift({
        at: new Date().toISOString(),
        level: 'error',
        event: 'dashboard',
        message: String(error),
      });
    });
  }, REFRESH_MS);
  const redraw = setInterval(() => app.rerender(createElement(LocalDashboard, props())), REDRAW_MS);
  stopping.onSignal(() => {
    isStopping = true;
    app.rerender(createElement(LocalDashboard, props()));
  });
  try {
    await reload();
    await stopping.done;
  } finally {
    clearInterval(reloader);
    clearInterval(redraw);
    app.rerender(createElement(LocalDashboard, props()));
    app.unmount();
  }
  if (reloadError) output.note(`note: the live view could not always reload counts: ${String(reloadError)}`);
}
