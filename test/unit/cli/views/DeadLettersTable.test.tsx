import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { DeadLettersTable } from '../../../../cli/views/DeadLettersTable.js';

describe('Component: DeadLettersTable', () => {
  it('shows what each dead letter was about', () => {
    // Act
    const frame =
      render(
        <DeadLettersTable
          width={100}
          letters={[
            {
              messageId: 'm-1',
              kind: 's3-event',
              bucket: 'inbox',
              key: 'a.csv',
              receiveCount: 5,
              sentAt: '2026-11-21T10:00:00.000Z',
              body: '{}',
            },
            { messageId: 'm-2', kind: 'invalid', reason: 'message body is not JSON', body: 'x' },
          ]}
        />,
      ).lastFrame() ?? '';

    // Assess
    const lines = frame.split('\n');
    expect(lines[0]).toMatch(/^SENT\s+RECEIVES\s+KIND\s+OBJECT\s+MESSAGE ID$/);
    expect(lines[1]).toMatch(/^2026-11-21 10:00:00Z\s+5\s+s3-event\s+s3:\/\/inbox\/a\.csv\s+m-1$/);
    expect(lines[2]).toMatch(/^-\s+-\s+invalid\s+message body is not JSON\s+m-2$/);
  });
});
