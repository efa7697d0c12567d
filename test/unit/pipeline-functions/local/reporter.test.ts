import { beforeEach, describe, expect, it } from '@jest/globals';
import type { Job } from '../../../../pipeline-functions/core/model.js';
import { Activity } from '../../../../pipeline-functions/local/activity.js';
import { RuntimeEvents, type RuntimeEvent } from '../../../../pipeline-functions/local/events.js';
import { RuntimeLog, type LogEntry } from '../../../../pipeline-functions/local/log.js';
import { RuntimeReporter } from '../../../../pipeline-functions/local/reporter.js';
import { objectCreatedEvent } from '../../../../pipeline-functions/local/s3-event.js';
import { recordedJob } from '../../../support/jobs.js';

const job = (status: Job['status'], extra: Partial<Job> = {}): Job => recordedJob('a b.csv', status, extra);

describe('Class: RuntimeReporter', () => {
  let entries: LogEntry[];
  let heard: RuntimeEvent[];
  let activity: Activity;
  let reporter: RuntimeReporter;

  beforeEach(() => {
    entries = [];
    heard = [];
    activity = new Activity();
    const log = new RuntimeLog((entry) => entries.push(entry));
    const events = new RuntimeEvents(log);
    events.on((event) => heard.push(event));
    reporter = new RuntimeReporter({ log, activity, events, bucket: 'local-inbox' });
  });

  it('reports a recorded job to the activity, the log and the listeners', () => {
    // Prepare
    const succeeded = job('SUCCEEDED');
    // Act
    reporter.jobRecorded(succeeded);
    // Assess
    expect(activity.snapshot().recordedSinceStart.SUCCEEDED).toBe(1);
    expect(entries).toEqual([
      expect.objectContaining({
        level: 'info',
        event: 'job',
        message: 'SUCCEEDED local-inbox/a b.csv (HTTP 200, 12 ms, attempt 1)',
        // The whole attempt rides along: the job keeps only the newest ones, the log every one.
        data: {
          jobId: succeeded.jobId,
          key: 'a b.csv',
          status: 'SUCCEEDED',
          attempt: 1,
          runId: 'auto',
          entry: succeeded.history[0],
        },
      }),
    ]);
    expect(heard).toEqual([{ type: 'job', job: succeeded }]);
  });

  it('says when a retrying job is tried next, as a warning', () => {
    // Act
    reporter.jobRecorded(job('RETRYING', { nextAttemptAt: '2026-11-21T12:00:02.000Z' }));
    // Assess
    expect(entries[0]).toMatchObject({
      level: 'warn',
      message: 'RETRYING  local-inbox/a b.csv: HTTP 503; attempt 2 at 2026-11-21T12:00:02.000Z',
    });
  });

  it('reports a new object with its bucket, key and size', () => {
    // Prepare
    const event = objectCreatedEvent({
      bucket: 'local-inbox',
      key: 'reports/q1.csv',
      size: 42,
      etag: 'e1',
      time: new Date('2026-11-21T12:00:00.000Z'),
    });
    // Act
    reporter.objectCreated(event);
    // Assess
    expect(activity.snapshot().objectsCreated).toBe(1);
    expect(entries[0]).toMatchObject({
      event: 'object-created',
      message: 'new object local-inbox/reports/q1.csv (42 bytes)',
      data: { key: 'reports/q1.csv', size: 42, etag: 'e1' },
    });
    expect(heard).toEqual([{ type: 'object-created', key: 'reports/q1.csv', etag: 'e1', size: 42 }]);
  });
});
