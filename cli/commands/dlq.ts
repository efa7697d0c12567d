/** `b2a dlq` (what is in the dead-letter queue) and `b2a dlq redrive` (send it all back). */
import { Command } from 'commander';
import { decodeMessage, type DecodedMessage } from '../../pipeline-functions/core/messages.js';
import type { AdminPorts, DeadLetter } from '../../pipeline-functions/core/ports.js';
import { confirmAction } from '../confirm.js';
import { withAdmin, type CliDeps } from '../context.js';
import { globalOptions, parsePositiveInt } from '../options.js';
import { renderDeadLetters, renderRedrive } from '../render/dlq.js';
import { outputFor } from '../terminal.js';

/** A dead letter and what it was about. */
export interface DeadLetterInfo {
  readonly messageId: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
  /**
   * What the message was: `s3-event`, `retry` or `reprocess` when b2a understands it, `ignored` for a
   * message that asks for nothing (e.g. an S3 test event), `invalid` when it cannot be read.
   */
  readonly kind: 's3-event' | 'retry' | 'reprocess' | 'ignored' | 'invalid';
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  /** Why it is `ignored` or `invalid`. */
  readonly reason?: string;
  readonly body: string;
}

/** Rows shown when `--limit` is not given. SQS receives at most 10 per call; the adapter pages. */
export const DEFAULT_LIMIT = 10;

/** Decodes a dead letter's body the way the pipeline does. */
export function describeDeadLetter(letter: DeadLetter): DeadLetterInfo {
  const base = {
    messageId: letter.messageId,
    ...(letter.sentAt ? { sentAt: letter.sentAt } : {}),
    ...(letter.receiveCount !== undefined ? { receiveCount: letter.receiveCount } : {}),
    body: letter.body,
  };
  let decoded: DecodedMessage;
  try {
    decoded = decodeMessage(letter.body, letter.sentAt ?? new Date(0).toISOString());
  } catch (error) {
    return { ...base, kind: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
  if (decoded.type === 'ignored') return { ...base, kind: 'ignored', reason: decoded.reason };
  return {
    ...base,
    kind: decoded.origin,
    bucket: decoded.object.bucket,
    key: decoded.object.key,
    ...(decoded.object.versionId ? { versionId: decoded.object.versionId } : {}),
  };
}

/** Peeks at up to `limit` dead letters, decoded. */
export async function listDeadLetters(ports: AdminPorts, limit: number): Promise<DeadLetterInfo[]> {
  return (await ports.deadLetters.list(limit)).map(describeDeadLetter);
}

/** Moves every dead letter back to the source queue. */
export async function redriveDeadLetters(
  ports: AdminPorts,
): Promise<{ readonly environment: string; readonly moved?: number }> {
  const { moved } = await ports.deadLetters.redrive();
  return { environment: ports.environment, ...(moved !== undefined ? { moved } : {}) };
}

const EXAMPLES = `
Examples:
  $ b2a dlq                        the first 10 dead letters, decoded
  $ b2a dlq --limit 50 --json
  $ b2a dlq redrive --env prod     send them all back to the source queue (asks first)`;

/** The `dlq` command and its `redrive` subcommand. */
export function dlqCommand(deps: CliDeps): Command {
  const dlq = new Command('dlq')
    .description('list the dead-letter queue: messages the pipe gave up on')
    .option('--limit <n>', 'at most this many messages', parsePositiveInt, DEFAULT_LIMIT)
    .addHelpText('after', EXAMPLES)
    .action(async (local: { limit: number }, command: Command) => {
      const options = globalOptions(command);
      const output = outputFor(deps.terminal, options);
      await withAdmin(deps, options, async (ports) => {
        const letters = await listDeadLetters(ports, local.limit);
        if (output.json) output.jsonValue(letters);
        else if (output.interactive && letters.length > 0)
          (await import('../interactive.js')).printDeadLetters(output, letters);
        else output.line(renderDeadLetters(letters, output.columns));
      });
    });

  dlq.addCommand(
    new Command('redrive')
      .description('move every dead letter back to the source queue')
      .option('-y, --yes', 'do not ask for confirmation (prod)')
      .action(async (local: { yes?: boolean }, command: Command) => {
        const options = globalOptions(command);
        const output = outputFor(deps.terminal, options);
        await withAdmin(deps, options, async (ports) => {
          await confirmAction(
            output,
            {
              environment: ports.environment,
              yes: local.yes === true,
              action: 'redrive the dead-letter queue',
            },
            deps.ask,
          );
          const result = await redriveDeadLetters(ports);
          if (output.json) output.jsonValue(result);
          else output.line(renderRedrive(result));
        });
      }),
  );
  return dlq;
}
