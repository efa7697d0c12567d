/**
 * `b2a local up` at work: starts the embedded runtime, shows what it does (the live view in a
 * terminal, else one log line per event, or JSON lines with `--json`) and stops it on Ctrl+C.
 */
import type { LocalDashboardInfo } from './views/LocalDashboard.js';
import type { LogEntry } from '../pipeline-functions/local/log.js';
import type { LocalRuntime } from '../pipeline-functions/local/runtime.js';
import type { LocalConfigInput } from '../pipeline-functions/local/settings.js';
import type { GlobalOptions } from './global-options.js';
import type { Stopping } from './local-dashboard.js';
import type { Output } from './terminal.js';

/** Options of `b2a local up`. */
export interface LocalUpOptions {
  readonly apiUrl?: string;
  readonly config?: string;
  readonly demoApiPort?: number;
  readonly dynamodbPort?: number;
  readonly verbose: boolean;
}

/** Runs the runtime until SIGINT or SIGTERM, with the live view, plain lines or JSON lines. */
export async function runLocalUp(options: GlobalOptions & LocalUpOptions, output: Output): Promise<void> {
  const { startLocalRuntime } = await import('../pipeline-functions/local/runtime.js');
  const { formatLogLine } = await import('../pipeline-functions/local/log.js');
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
      const { runDashboard } = await import('./local-dashboard.js');
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
    `  npx b2a jobs --prefix report${dir}  # what happened to it (b2a jobs: what needs attention)`,
    `  npx b2a status${dir}                # flag, queues, counts by status`,
    `  npx b2a toggle off${dir}            # stop calling the API (files are SKIPPED)`,
    `  npx b2a reprocess --skipped${dir}   # send them again once it is back on`,
    'Ctrl+C stops (the batch in hand is finished first).',
  ].join('\n');
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
