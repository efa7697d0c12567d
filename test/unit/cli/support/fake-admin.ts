/** A fake terminal, and a way to run the CLI in-process against the fake admin ports. */
import { PassThrough } from 'node:stream';
import type { CliDeps } from '../../../../cli/context.js';
import type { GlobalOptions } from '../../../../cli/global-options.js';
import { main } from '../../../../cli/main.js';
import type { Terminal } from '../../../../cli/terminal.js';
import { NOW, type FakeAdmin } from '../../../support/fake-admin.js';

export * from '../../../support/fake-admin.js';

/** A stream that keeps what is written to it. */
export interface CapturedStream {
  readonly stream: NodeJS.WriteStream;
  text(): string;
}

/** A writable stream (not a TTY unless asked) that records its text. */
export function capture(options: { isTTY?: boolean; columns?: number } = {}): CapturedStream {
  const chunks: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  Object.assign(stream, { isTTY: options.isTTY ?? false, columns: options.columns ?? 80 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => chunks.join('') };
}

/** A terminal whose streams are captured, with an empty environment unless given one. */
export function fakeTerminal(
  options: { isTTY?: boolean; columns?: number; env?: Record<string, string> } = {},
): { terminal: Terminal; stdout: CapturedStream; stderr: CapturedStream } {
  const stdout = capture(options);
  const stderr = capture(options);
  const input = new PassThrough();
  // What ink calls on a TTY's stdin to read keys in raw mode.
  const stdin = Object.assign(input, {
    isTTY: options.isTTY ?? false,
    setRawMode: () => input,
    ref: () => input,
    unref: () => input,
  }) as unknown as NodeJS.ReadStream;
  return {
    terminal: { stdout: stdout.stream, stderr: stderr.stream, stdin, env: options.env ?? {} },
    stdout,
    stderr,
  };
}

/** What one in-process run of the CLI did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** The global options the backend was opened with, when it was. */
  readonly opened?: GlobalOptions;
}

/**
 * Runs `b2a <args>` in-process against fake ports: every environment opens `admin`.
 * @example const { code, stdout } = await runCli(['jobs', '--json'], admin);
 */
export async function runCli(
  args: readonly string[],
  admin: FakeAdmin,
  overrides: Partial<Omit<CliDeps, 'terminal' | 'openAdmin'>> & {
    env?: Record<string, string>;
    tty?: boolean;
  } = {},
): Promise<CliRun> {
  const { terminal, stdout, stderr } = fakeTerminal({
    env: overrides.env ?? {},
    isTTY: overrides.tty ?? false,
    columns: 100,
  });
  let opened: GlobalOptions | undefined;
  const deps: CliDeps = {
    terminal,
    openAdmin: async (options) => {
      opened = options;
      return admin;
    },
    clock: overrides.clock ?? { now: () => new Date(NOW) },
    ask: overrides.ask ?? (async () => false),
    sleep: overrides.sleep ?? (async () => undefined),
  };
  const code = await main(['node', 'b2a', ...args], deps);
  await new Promise((resolve) => setImmediate(resolve));
  return { code, stdout: stdout.text(), stderr: stderr.text(), ...(opened ? { opened } : {}) };
}
