import { describe, expect, it } from '@jest/globals';
import {
  columnWidths,
  printable,
  renderTable,
  textWidth,
  truncate,
  type Column,
} from '../../../../cli/render/table.js';

interface Row {
  readonly key: string;
  readonly n: number;
  readonly note: string;
}

const columns: Column<Row>[] = [
  { header: 'KEY', value: (r) => r.key, truncate: true, minWidth: 6 },
  { header: 'N', value: (r) => String(r.n), align: 'right' },
  { header: 'NOTE', value: (r) => r.note, truncate: true, minWidth: 6 },
];

const rows: Row[] = [
  { key: 'reports/2026/11/21/very-long-file-name.csv', n: 3, note: 'HTTP 503 upstream unavailable' },
  { key: 'a.txt', n: 12, note: '-' },
];

describe('Function: renderTable', () => {
  it('prints every cell in full when the width is unlimited', () => {
    const text = renderTable(columns, rows, Number.POSITIVE_INFINITY);
    expect(text.split('\n')).toEqual([
      'KEY                                          N  NOTE',
      'reports/2026/11/21/very-long-file-name.csv   3  HTTP 503 upstream unavailable',
      'a.txt                                       12  -',
    ]);
  });

  it('fits the width by truncating the long columns with an ellipsis', () => {
    // Act
    const lines = renderTable(columns, rows, 40).split('\n');

    // Assess
    expect(Math.max(...lines.map((l) => Array.from(l).length))).toBeLessThanOrEqual(40);
    expect(lines[1]).toContain('…');
    expect(lines[1]).toMatch(/^reports\/2026/);
    expect(lines[2]).toMatch(/^a\.txt\s+12 {2}-$/);
  });

  it('never shrinks a column below its minimum', () => {
    const widths = columnWidths(columns, rows, 5);
    expect(widths).toEqual([6, 2, 6]);
  });
});

describe('Function: truncate', () => {
  it('cuts by characters, not bytes, and marks the cut', () => {
    expect(truncate('ünïcödé-文件名', 8)).toBe('ünïcödé…');
    expect(truncate('short', 8)).toBe('short');
  });

  it('counts a wide CJK character as the two terminal cells it takes', () => {
    expect(truncate('文件名.csv', 5)).toBe('文件…');
    expect(truncate('文件名.csv', 4)).toBe('文…');
  });
});

describe('Function: renderTable with wide characters', () => {
  it('pads cells by terminal cells, so the columns after a CJK key line up', () => {
    // Act
    const lines = renderTable(columns, [{ key: '文件.csv', n: 1, note: 'x' }, ...rows.slice(1)], 80).split(
      '\n',
    );

    // Assess
    expect(lines.map((line) => textWidth(line.slice(0, line.lastIndexOf(' ') + 1)))).toEqual([14, 14, 14]);
  });
});

describe('Function: printable', () => {
  it('escapes control characters so a key stays on one line', () => {
    expect(printable('a\nb\tc')).toBe('a\\x0ab\\x09c');
  });
});
