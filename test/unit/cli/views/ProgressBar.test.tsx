import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { ProgressBar } from '../../../../cli/views/ProgressBar.js';

describe('Component: ProgressBar', () => {
  it('fills in proportion to the work done', () => {
    expect(render(<ProgressBar done={3} total={10} label="reprocessing" barWidth={10} />).lastFrame()).toBe(
      'reprocessing ███░░░░░░░ 3/10',
    );
  });

  it('is full when done, and for no work at all', () => {
    expect(render(<ProgressBar done={4} total={4} label="x" barWidth={4} />).lastFrame()).toBe('x ████ 4/4');
    expect(render(<ProgressBar done={0} total={0} label="x" barWidth={4} />).lastFrame()).toBe('x ████ 0/0');
  });

  it('redraws with new props', () => {
    // Prepare
    const { lastFrame, rerender } = render(<ProgressBar done={0} total={2} label="x" barWidth={2} />);

    // Act
    rerender(<ProgressBar done={1} total={2} label="x" barWidth={2} />);

    // Assess
    expect(lastFrame()).toBe('x █░ 1/2');
  });
});
