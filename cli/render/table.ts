/**
 * Tables as plain text, and the column layout shared with the ink `Table` view, so that both fit a
 * table to the terminal the same way: shrinkable columns give up width and their cells end in `…`.
 */
import cliTruncate from 'cli-truncate';
import stringWidth from 'string-width';

/** One column of a table of `T`s. */
export interface Column<T> {
  readonly header: string;
  /** The cell's text (control characters are escaped when shown). */
  readonly value: (row: T) => string;
  /** Fixed width; otherwise as wide as the widest cell (or header). */
  readonly width?: number;
  /** Gives up width, truncating its cells with an ellipsis, when the table is wider than the terminal. */
  readonly truncate?: boolean;
  /** Narrowest a truncated column gets. @default the header's width, at least 8 */
  readonly minWidth?: number;
  /** @default left */
  readonly align?: 'left' | 'right';
}

/** Spaces between columns. */
export const COLUMN_GAP = 2;

export const ELLIPSIS = '…';

/** Width of a string in terminal cells, as ink measures it: a wide (e.g. CJK) character takes two. */
export function textWidth(text: string): number {
  return stringWidth(text);
}

/** Escapes control characters (S3 keys may hold newlines), so that one cell stays on one line. */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Cuts `text` to at most `width` cells, ending with `…` when it was longer. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const cut = cliTruncate(text, width, { truncationCharacter: ELLIPSIS });
  // cli-truncate keeps a wide character that the cut would halve, one cell over: cut a cell shorter.
  return textWidth(cut) <= width ? cut : cliTruncate(text, width - 1, { truncationCharacter: ELLIPSIS });
}

/**
 * The width of each column so that the table fits `maxWidth` cells where it can: every column starts
 * as wide as its content, then the widest truncatable column gives up one cell at a time.
 */
export function columnWidths<T>(
  columns: readonly Column<T>[],
  rows: readonly T[],
  maxWidth: number,
): number[] {
  const widths = columns.map(
    (column) =>
      column.width ??
      Math.max(textWidth(column.header), ...rows.map((row) => textWidth(printable(column.value(row))))),
  );
  const minimum = columns.map((column) => column.minWidth ?? Math.max(textWidth(column.header), 8));
  let overflow = widths.reduce((sum, w) => sum + w, 0) + COLUMN_GAP * (columns.length - 1) - maxWidth;
  while (overflow > 0) {
    let widest = -1;
    columns.forEach((column, i) => {
      const width = widths[i] ?? 0;
      if (column.truncate && width > (minimum[i] ?? 0) && (widest < 0 || width > (widths[widest] ?? 0)))
        widest = i;
    });
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
    overflow--;
  }
  return widths;
}

/** The cells of one row, truncated and padded to the widths. */
export function layoutRow<T>(columns: readonly Column<T>[], row: T, widths: readonly number[]): string[] {
  return columns.map((column, i) => fitCell(printable(column.value(row)), widths[i] ?? 0, column.align));
}

/** A cell's text cut and padded to `width`. */
export function fitCell(text: string, width: number, align: Column<unknown>['align'] = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - textWidth(cut)));
  return align === 'right' ? `${pad}${cut}` : `${cut}${pad}`;
}

/**
 * A table as text: a header line, then one line per row, fitted to `maxWidth` (unlimited when
 * `Infinity`, for pipes and files), without trailing spaces.
 *
 * @example renderTable([{ header: 'KEY', value: (j) => j.key, truncate: true }], jobs, 80)
 */
export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], maxWidth: number): string {
  const widths = columnWidths(columns, rows, maxWidth);
  const gap = ' '.repeat(COLUMN_GAP);
  const header = columns.map((column, i) => fitCell(column.header, widths[i] ?? 0, column.align));
  const lines = [header, ...rows.map((row) => layoutRow(columns, row, widths))];
  return lines.map((cells) => cells.join(gap).trimEnd()).join('\n');
}
