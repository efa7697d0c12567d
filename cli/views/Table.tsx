import { Box, Text } from 'ink';
import { COLUMN_GAP, columnWidths, fitCell, printable, type Column } from '../render/table.js';

/** Props of {@link Table}. */
export interface TableProps<T> {
  readonly columns: readonly Column<T>[];
  readonly rows: readonly T[];
  /** The width to fit, in terminal columns (truncatable columns give up width, ending in `…`). */
  readonly width: number;
  /** A colour for one cell (ink colour names), e.g. by status. */
  readonly cellColor?: (row: T, column: Column<T>) => string | undefined;
}

/**
 * A table that fits the terminal, laid out like the plain renderer (`render/table.ts`): bold headers,
 * one line per row.
 *
 * @example <Table columns={JOB_COLUMNS} rows={jobs} width={80} />
 */
export function Table<T>({ columns, rows, width, cellColor }: TableProps<T>) {
  const widths = columnWidths(columns, rows, width);
  const cell = (i: number) => ({
    width: widths[i] ?? 0,
    flexShrink: 0,
    marginRight: i < columns.length - 1 ? COLUMN_GAP : 0,
  });
  return (
    <Box flexDirection="column">
      <Box>
        {columns.map((column, i) => (
          <Box key={column.header} {...cell(i)}>
            <Text bold wrap="truncate-end">
              {fitCell(column.header, widths[i] ?? 0, column.align)}
            </Text>
          </Box>
        ))}
      </Box>
      {rows.map((row, r) => (
        <Box key={r}>
          {columns.map((column, i) => (
            <Box key={column.header} {...cell(i)}>
              <Text color={cellColor?.(row, column)} wrap="truncate-end">
                {fitCell(printable(column.value(row)), widths[i] ?? 0, column.align)}
              </Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}
