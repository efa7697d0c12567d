import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import type { Column } from '../../../../cli/render/table.js';
import { Table } from '../../../../cli/views/Table.js';

interface Row {
  readonly name: string;
  readonly size: number;
}

const columns: Column<Row>[] = [
  { header: 'NAME', value: (r) => r.name, truncate: true, minWidth: 8 },
  { header: 'SIZE', value: (r) => String(r.size), align: 'right' },
];

describe('Component: Table', () => {
  it('renders a header and one line per row', () => {
    // Act
    const { lastFrame } = render(
      <Table
        columns={columns}
        rows={[
          { name: 'a.csv', size: 5 },
          { name: 'b.csv', size: 1200 },
        ]}
        width={80}
      />,
    );

    // Assess
    expect(lastFrame()).toBe(['NAME   SIZE', 'a.csv     5', 'b.csv  1200'].join('\n'));
  });

  it('truncates a long cell with an ellipsis to fit the width', () => {
    // Act
    const { lastFrame } = render(
      <Table
        columns={columns}
        rows={[{ name: 'reports/2026/11/a-very-long-name.csv', size: 5 }]}
        width={20}
      />,
    );

    // Assess
    const lines = (lastFrame() ?? '').split('\n');
    expect(lines[1]).toBe('reports/2026/…     5');
    expect(lines.every((line) => line.length <= 20)).toBe(true);
  });
});
