import type { DeadLetterInfo } from '../../pipeline-functions/core/use-cases/admin/dead-letters.js';
import { DEAD_LETTER_COLUMNS } from '../render/dlq.js';
import { Table } from './Table.js';

/** Props of {@link DeadLettersTable}. */
export interface DeadLettersTableProps {
  readonly letters: readonly DeadLetterInfo[];
  readonly width: number;
}

/** `b2a dlq`: each dead letter, what it was about, and how often it was received. */
export function DeadLettersTable({ letters, width }: DeadLettersTableProps) {
  return (
    <Table
      columns={DEAD_LETTER_COLUMNS}
      rows={letters}
      width={width}
      cellColor={(letter, column) =>
        column.header === 'KIND' && letter.kind === 'invalid' ? 'red' : undefined
      }
    />
  );
}
