/** `b2a dlq` as plain text. */
import type {
  DeadLetterInfo,
  RedriveResult,
} from '../../pipeline-functions/core/use-cases/admin/dead-letters.js';
import { formatTime } from './format.js';
import { renderTable, type Column } from './table.js';

/** What a dead letter was about: `s3://bucket/key`, or why it could not be read. */
export function deadLetterSubject(letter: DeadLetterInfo): string {
  if (letter.bucket !== undefined && letter.key !== undefined) return `s3://${letter.bucket}/${letter.key}`;
  return letter.reason ?? '-';
}

/** The columns of `b2a dlq`, shared with the ink view. */
export const DEAD_LETTER_COLUMNS: readonly Column<DeadLetterInfo>[] = [
  { header: 'SENT', value: (l) => formatTime(l.sentAt), width: 20 },
  {
    header: 'RECEIVES',
    value: (l) => (l.receiveCount !== undefined ? String(l.receiveCount) : '-'),
    align: 'right',
  },
  { header: 'KIND', value: (l) => l.kind, width: 9 },
  { header: 'OBJECT', value: deadLetterSubject, truncate: true, minWidth: 16 },
  { header: 'MESSAGE ID', value: (l) => l.messageId, truncate: true, minWidth: 10 },
];

/** The dead letters, or a line saying the queue is empty. */
export function renderDeadLetters(letters: readonly DeadLetterInfo[], maxWidth: number): string {
  return letters.length === 0
    ? 'The dead-letter queue is empty.'
    : renderTable(DEAD_LETTER_COLUMNS, letters, maxWidth);
}

/** What a redrive did. */
export function renderRedrive(result: RedriveResult): string {
  const what = result.moved !== undefined ? `${result.moved} message(s)` : 'the dead letters';
  return `Moving ${what} back to the source queue in ${result.environment}. Watch them with: b2a status`;
}
