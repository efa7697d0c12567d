/**
 * Where the CLI writes and what kind of output it may produce there. Commands never touch `process`
 * directly, so tests can hand them a fake terminal.
 */
import type { GlobalOptions } from './global-options.js';

/** The process's standard streams and environment. */
export interface Terminal {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly stdin: NodeJS.ReadStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The real terminal of this process. */
export function processTerminal(): Terminal {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env };
}

/** How a command prints, decided once from the terminal and the global options. */
export interface Output {
  readonly terminal: Terminal;
  /** `--json`: one JSON document on stdout, nothing else there. */
  readonly json: boolean;
  /**
   * A person is watching: stdout and stderr are TTYs and `--json` is off. Only then do commands use
   * ink views, spinners, progress bars and prompts.
   */
  readonly interactive: boolean;
  /** Whether colours may be used (interactive, and neither NO_COLOR nor FORCE_COLOR=0 is set). */
  readonly color: boolean;
  /** The width to fit tables to: the terminal's columns, or unlimited when not interactive. */
  readonly columns: number;
  /** Writes a line to stdout. */
  line(text: string): void;
  /** Writes a line to stderr (warnings, notes). */
  note(text: string): void;
  /** Writes `value` as pretty JSON to stdout. */
  jsonValue(value: unknown): void;
}

/** The width assumed for a TTY that does not report its size. */
export const DEFAULT_COLUMNS = 100;

/** Whether the environment asks for no colours (https://no-color.org). */
export function colorDisabled(env: Terminal['env']): boolean {
  return (env['NO_COLOR'] ?? '') !== '' || env['FORCE_COLOR'] === '0' || env['TERM'] === 'dumb';
}

/** Builds the output of one command run. */
export function outputFor(terminal: Terminal, options: Pick<GlobalOptions, 'json'>): Output {
  const interactive = !options.json && terminal.stdout.isTTY === true && terminal.stderr.isTTY === true;
  return {
    terminal,
    json: options.json,
    interactive,
    color: interactive && !colorDisabled(terminal.env),
    columns: interactive ? terminal.stdout.columns || DEFAULT_COLUMNS : Number.POSITIVE_INFINITY,
    line: (text) => {
      terminal.stdout.write(`${text}\n`);
    },
    note: (text) => {
      terminal.stderr.write(`${text}\n`);
    },
    jsonValue: (value) => {
      terminal.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}
