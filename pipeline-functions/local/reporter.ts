/**
 * What the local runtime says about what happens: each happening updates the activity counters,
 * writes its log line and is emitted as a runtime event. The composition root only wires the
 * adapters' callbacks here, so every line the runtime logs is worded in this file.
 */
import type { StoredMessage } from '../adapters/local/durable-queue.js';
import type { CircuitNotificationLine, NotificationLine } from '../adapters/local/file-notifier.js';
import type { ScheduledRetry } from '../adapters/local/local-retry-scheduler.js';
import type { Job } from '../core/model.js';
import type { EnrichedItem } from '../core/outcome.js';
import type { Activity } from './activity.js';
import type { RuntimeEvents } from './events.js';
import { describeError, type RuntimeLog } from './log.js';
import type { BatchSummary } from './pipe.js';
import type { S3ObjectCreatedEvent } from './s3-event.js';

/**
 * Reports the runtime's happenings to its log, its activity and its event bus.
 * @example
 * const reporter = new RuntimeReporter({ log, activity, events, bucket: 'local-inbox' });
 * new FileNotifier({ path, onNotify: (line) => reporter.notified(line) });
 */
export class RuntimeReporter {
  private readonly log: RuntimeLog;
  private readonly activity: Activity;
  private readonly events: RuntimeEvents;
  private readonly bucket: string;

  public constructor(options: {
    readonly log: RuntimeLog;
    readonly activity: Activity;
    readonly events: RuntimeEvents;
    /** The bucket the inbox stands for, named in log lines. */
    readonly bucket: string;
  }) {
    ({ log: this.log, activity: this.activity, events: this.events, bucket: this.bucket } = options);
  }

  public objectCreated(event: S3ObjectCreatedEvent): void {
    const { key, size, etag } = event.detail.object;
    this.activity.objectCreated();
    this.log.info('object-created', `new object ${this.bucket}/${key} (${size} bytes)`, { key, size, etag });
    this.events.emit({ type: 'object-created', key, etag, size });
  }

  public jobRecorded(job: Job): void {
    this.activity.jobRecorded(job);
    logJob(this.log, job);
    this.events.emit({ type: 'job', job });
  }

  public notified(line: NotificationLine): void {
    this.activity.notified(line);
    this.events.emit({ type: 'notification', notification: line });
  }

  public circuitChanged(line: CircuitNotificationLine): void {
    if (line.event === 'circuit-open') {
      this.log.error('circuit', `circuit open: ${line.reason}; deliveries wait, one probe at a time`, {
        ...line,
      });
    } else {
      this.log.info(
        'circuit',
        `circuit closed: ${line.reason}; ${line.deferred ?? 0} deferral(s) while open`,
        {
          ...line,
        },
      );
    }
    this.events.emit({ type: 'circuit', notification: line });
  }

  public sweepFailed(error: unknown): void {
    this.log.error('admission', `cannot drop expired rate limit slots: ${describeError(error)}`);
  }

  public batchDone(summary: BatchSummary): void {
    this.log.debug('batch', `batch of ${summary.size}: ${summary.failed} to retry, ${summary.durationMs} ms`);
    this.events.emit({ type: 'batch', summary });
  }

  public deadLettered(message: StoredMessage, reason: string): void {
    this.activity.deadLetter();
    this.events.emit({ type: 'dead-letter', messageId: message.messageId, reason });
  }

  public retrySent(retry: ScheduledRetry): void {
    const { attempt, object, kind } = retry.envelope;
    const what = kind === 'deferral' ? `deferred attempt ${attempt}` : `retry ${attempt}`;
    this.log.debug('retry', `${what} of ${object.key} sent to the queue`);
    this.events.emit({ type: 'retry-sent', jobId: retry.name, attempt });
  }

  public retryNotSent(retry: ScheduledRetry, error: unknown): void {
    this.log.error('retry', `cannot send the retry of ${retry.envelope.object.key}: ${describeError(error)}`);
  }

  public targetFailed(item: EnrichedItem, error: unknown): void {
    this.log.error('target', `message ${item.messageId}: ${describeError(error)}`, {
      messageId: item.messageId,
    });
  }

  public unreadableMessage(file: string, error: unknown): void {
    this.log.error('queue', `skipping unreadable message file ${file}: ${describeError(error)}`);
  }
}

/** One log line per recorded job. */
function logJob(log: RuntimeLog, job: Job): void {
  const name = `${job.bucket}/${job.key}`;
  const last = job.history[job.history.length - 1];
  const http = last?.httpStatus !== undefined ? `HTTP ${last.httpStatus}` : undefined;
  const latency = last?.latencyMs !== undefined ? `${last.latencyMs} ms` : undefined;
  const data = {
    jobId: job.jobId,
    key: job.key,
    status: job.status,
    attempt: job.attempt,
    runId: job.runId,
    // The whole attempt: the job keeps only the newest `jobs.historyLimit`, the log every one.
    ...(last ? { entry: last } : {}),
  };
  switch (job.status) {
    case 'SUCCEEDED':
      log.info(
        'job',
        last?.outcome === 'unchanged'
          ? `SUCCEEDED ${name}: ${last.error ?? 'content unchanged'}`
          : `SUCCEEDED ${name} (${[http, latency, `attempt ${job.attempt}`].filter(Boolean).join(', ')})`,
        data,
      );
      break;
    case 'RETRYING':
      if (job.note) {
        log.info(
          'job',
          `DEFERRED  ${name}: ${job.note}; attempt ${job.attempt} at ${job.nextAttemptAt ?? '?'}`,
          data,
        );
        break;
      }
      log.warn(
        'job',
        `RETRYING  ${name}: ${last?.error ?? 'retryable'}; attempt ${job.attempt + 1} at ${job.nextAttemptAt ?? '?'}`,
        data,
      );
      break;
    case 'FAILED':
      log.error('job', `FAILED    ${name}: ${last?.error ?? job.lastError ?? 'failed'}`, data);
      break;
    case 'SKIPPED':
      log.info(
        'job',
        `SKIPPED   ${name}: ${last?.error ?? 'the enabled flag is off'} (b2a reprocess --skipped sends it again)`,
        data,
      );
      break;
    case 'SUPERSEDED':
      log.info('job', `SUPERSEDED ${name}: ${last?.error ?? 'a newer version was recorded'}`, data);
      break;
  }
}
