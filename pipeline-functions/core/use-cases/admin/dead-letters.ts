/** The dead-letter queue as admins see it: each message decoded, and a redrive of them all (`b2a dlq`). */
import { decodeMessage, type DecodedMessage } from '../../messages.js';
import type { AdminPorts, DeadLetter } from '../../ports.js';

/** A dead letter and what it was about. */
export interface DeadLetterInfo {
  readonly messageId: string;
  readonly sentAt?: string;
  readonly receiveCount?: number;
  /**
   * What the message was: `s3-event`, `retry`, `reprocess` or `backfill` when b2a understands it, `ignored` for a
   * message that asks for nothing (e.g. an S3 test event), `invalid` when it cannot be read.
   */
  readonly kind: 's3-event' | 'retry' | 'reprocess' | 'backfill' | 'ignored' | 'invalid';
  readonly bucket?: string;
  readonly key?: string;
  readonly versionId?: string;
  /** Why it is `ignored` or `invalid`. */
  readonly reason?: string;
  readonly body: string;
}

/** What a redrive started. */
export interface RedriveResult {
  readonly environment: string;
  /** Messages moved, when the queue says. */
  readonly moved?: number;
}

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

/**
 * Moves every dead letter back to the source queue.
 * @throws RedriveInProgressError when a redrive is still running
 */
export async function redriveDeadLetters(ports: AdminPorts): Promise<RedriveResult> {
  const { moved } = await ports.deadLetters.redrive();
  return { environment: ports.environment, ...(moved !== undefined ? { moved } : {}) };
}
