import { describe, expect, it } from '@jest/globals';
import { render } from 'ink-testing-library';
import { AttemptView } from '../../../../cli/views/AttemptView.js';
import { numberedHistory } from '../../../../pipeline-functions/core/use-cases/admin/jobs.js';
import { job } from '../support/fake-admin.js';

describe('Component: AttemptView', () => {
  const base = job('a.csv', { attempts: 4 });
  const [first] = numberedHistory(base);

  it('shows the attempt, the request with its redacted headers, and the response with its body', () => {
    // Prepare
    const attempt = {
      ...first!,
      outcome: 'retryable' as const,
      httpStatus: 429,
      error: 'HTTP 429',
      request: {
        method: 'PUT',
        url: 'https://api.test/files',
        headers: { authorization: '[redacted]', 'webhook-signature': 'v1,c2lnbmF0dXJl' },
        bodyBytes: 2048,
        bodySha256: 'f'.repeat(64),
      },
      response: {
        status: 429,
        retryAfter: '120',
        requestId: { header: 'x-amzn-requestid', value: 'abc-123' },
        body: '{"error":"slow down"}',
      },
    };

    // Act
    const frame = render(<AttemptView detail={{ job: base, attempt }} />).lastFrame() ?? '';

    // Assess
    expect(frame).toContain('s3://inbox/a.csv · attempt 4 of 4');
    expect(frame).toMatch(/PUT\s+https:\/\/api\.test\/files/);
    expect(frame).toMatch(/body\s+2\.0 KiB\n\s+sha256\s+f{64}/);
    expect(frame).toMatch(/authorization:\s+\[redacted\]/);
    expect(frame).toMatch(/webhook-signature:\s+v1,c2lnbmF0dXJl/);
    expect(frame).toMatch(/retry-after\s+120/);
    expect(frame).toMatch(/request id\s+abc-123 \(x-amzn-requestid\)/);
    expect(frame).toMatch(/body\s+whole:\n\s+\{"error":"slow down"\}/);
  });

  it('says when no answer came, and when no call was made', () => {
    // Prepare
    const request = { method: 'POST', url: 'https://api.test/', headers: {}, bodyBytes: 1, bodySha256: 'a' };

    // Act
    const timedOut = render(
      <AttemptView detail={{ job: base, attempt: { ...first!, request } }} />,
    ).lastFrame();
    const skipped = render(<AttemptView detail={{ job: base, attempt: first! }} />).lastFrame();

    // Assess
    expect(timedOut).toMatch(/status\s+no answer/);
    expect(skipped).toMatch(/status\s+no call was made/);
    expect(skipped).not.toContain('Request');
  });
});
