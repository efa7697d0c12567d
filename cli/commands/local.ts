/**
 * `b2a local`: the embedded runtime. `local up` runs the whole pipeline on this machine with no AWS
 * account (the inbox directory is the bucket, dynalite keeps the jobs, a demo API answers when no
 * API URL is given); `local reset` forgets the local state. Ink and React load only for the live view.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { GlobalOptions } from '../global-options.js';
import { runLocalUp, type LocalUpOptions } from '../local-up.js';
import { present } from '../present.js';
import { outputFor, processTerminal } from '../terminal.js';

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
      await present(output, await resetDataDir(options.dataDir, { all: options.all }), {
        plain: (result) => `Reset ${result.dataDir}: removed ${result.removed.length} item(s).`,
      });
    });
  return local;
}
