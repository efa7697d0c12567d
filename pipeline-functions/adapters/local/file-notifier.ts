/**
 * Local notifications: one JSON line per terminal state (and per circuit breaker transition)
 * appended to `notifications.jsonl`, with the same attributes SNS messages carry on AWS (status or
 * event, environment), and reported to the runtime so they are shown.
 */
import type { CircuitNotification, JobNotification, Notifier } from '../../core/ports.js';
import { appendJsonLine } from './files.js';

/** One line of `notifications.jsonl`. */
export interface NotificationLine {
  readonly at: string;
  /** What SNS subscribers filter on. */
  readonly attributes: { readonly status: string; readonly environment: string };
  readonly jobId: string;
  readonly bucket: string;
  readonly key: string;
  readonly etag?: string;
  readonly status: string;
  readonly attempts: number;
  readonly lastHttpStatus?: number;
  readonly lastError?: string;
}

/** One line of `notifications.jsonl` for a circuit breaker transition. */
export interface CircuitNotificationLine extends CircuitNotification {
  /** What SNS subscribers filter on. */
  readonly attributes: { readonly event: string; readonly environment: string };
}

/** Options of {@link FileNotifier}. */
export interface FileNotifierOptions {
  /** The JSON lines file, e.g. `.b2a/notifications.jsonl`. */
  readonly path: string;
  /** Also told about each notification, after it is written. */
  readonly onNotify?: (line: NotificationLine, notification: JobNotification) => void;
  /** Told about each circuit breaker transition, after it is written. */
  readonly onCircuit?: (line: CircuitNotificationLine) => void;
}

/**
 * A {@link Notifier} that appends to a JSON lines file.
 * @example new FileNotifier({ path: '.b2a/notifications.jsonl', onNotify: (line) => show(line) })
 */
export class FileNotifier implements Notifier {
  public constructor(private readonly options: FileNotifierOptions) {}

  public async notify(notification: JobNotification): Promise<void> {
    const { job } = notification;
    const line: NotificationLine = {
      at: new Date().toISOString(),
      attributes: { status: notification.status, environment: notification.environment },
      jobId: job.jobId,
      bucket: job.bucket,
      key: job.key,
      ...(job.etag ? { etag: job.etag } : {}),
      status: notification.status,
      attempts: job.attempts,
      ...(job.lastHttpStatus !== undefined ? { lastHttpStatus: job.lastHttpStatus } : {}),
      ...(job.lastError ? { lastError: job.lastError } : {}),
    };
    await appendJsonLine(this.options.path, line);
    this.options.onNotify?.(line, notification);
  }

  public async notifyCircuit(notification: CircuitNotification): Promise<void> {
    const line: CircuitNotificationLine = {
      attributes: { event: notification.event, environment: notification.environment },
      ...notification,
    };
    await appendJsonLine(this.options.path, line);
    this.options.onCircuit?.(line);
  }
}
