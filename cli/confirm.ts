/**
 * The confirmation asked before bulk or destructive work in prod. Scripts pass `--yes`; without a
 * person at a terminal to ask, the command refuses rather than guess.
 */
import { createInterface } from 'node:readline/promises';
import { AbortedError, UsageError } from './errors.js';
import { CONFIRMED_ENVIRONMENT } from './options.js';
import type { Output } from './terminal.js';

/** What to confirm. */
export interface Confirmation {
  readonly environment: string;
  /** `--yes` was passed. */
  readonly yes: boolean;
  /** What will happen, e.g. `reprocess 42 jobs`. */
  readonly action: string;
}

/** Asks a yes/no question on the terminal; `true` for yes. Injectable for tests. */
export type Ask = (output: Output, question: string) => Promise<boolean>;

/** Asks on stderr and reads one line from stdin. Only `y` or `yes` means yes. */
export const askOnTerminal: Ask = async (output, question) => {
  const readline = createInterface({ input: output.terminal.stdin, output: output.terminal.stderr });
  try {
    const answer = await readline.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    readline.close();
  }
};

/**
 * Returns when the action may go ahead: outside prod, with `--yes`, or when the admin says yes.
 * @throws UsageError when confirmation is needed and nobody can be asked (not a TTY, or `--json`)
 * @throws AbortedError when the admin answers no
 */
export async function confirmAction(
  output: Output,
  confirmation: Confirmation,
  ask: Ask = askOnTerminal,
): Promise<void> {
  if (confirmation.environment !== CONFIRMED_ENVIRONMENT || confirmation.yes) return;
  if (!output.interactive || output.terminal.stdin.isTTY !== true) {
    throw new UsageError(
      `${confirmation.action} in ${confirmation.environment} needs confirmation`,
      'pass --yes to confirm without a prompt',
    );
  }
  const yes = await ask(output, `${capitalise(confirmation.action)} in ${confirmation.environment}?`);
  if (!yes) throw new AbortedError();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
