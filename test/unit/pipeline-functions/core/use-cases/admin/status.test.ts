import { describe, expect, it } from '@jest/globals';
import { readStatus } from '../../../../../../pipeline-functions/core/use-cases/admin/status.js';
import { statusAdmin as admin } from '../../../../../support/fake-admin.js';

describe('Function: readStatus', () => {
  it('gathers identity, flag, queues, pipe and counts', async () => {
    const report = await readStatus(admin(), '2026-11-20T12:00:00.000Z');
    expect(report).toEqual({
      environment: 'prod',
      bucket: 'inbox',
      identity: { arn: 'arn:aws:iam::111111111111:user/admin', account: '111111111111' },
      enabled: true,
      flag: 'on',
      queues: {
        source: { visible: 3, inFlight: 1, delayed: 0, oldestAgeSeconds: 125 },
        deadLetter: { visible: 2, inFlight: 0, delayed: 0 },
      },
      pipeState: 'RUNNING',
      since: '2026-11-20T12:00:00.000Z',
      // Changed on purpose (issue 14): SUCCEEDED jobs are not indexed, so not counted.
      counts: { RETRYING: 0, FAILED: 1, SKIPPED: 0, SUPERSEDED: 0 },
    });
  });
});
