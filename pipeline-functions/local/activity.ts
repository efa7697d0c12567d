/**
 * What the runtime has been doing, for the dashboard and the benchmark: recent jobs, calls in
 * flight, throughput. Kept in memory; jobs themselves are in the store.
 */
import type { NotificationLine } from '../adapters/local/file-notifier.js';
import type { ResponseRecord } from '../core/delivery-log.js';
import type { Job, JobStatus } from '../core/model.js';
import type { ApiRequest, ApiResponse, DownstreamApi } from '../core/ports.js';

/** A job as the dashboard lists it. */
export interface RecentJob {
  readonly at: string;
  readonly jobId: string;
  readonly key: string;
  readonly status: JobStatus;
  readonly attempt: number;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly nextAttemptAt?: string;
  /** What the API answered to the latest attempt, as its delivery log records it. */
  readonly response?: ResponseRecord;
}

/** The runtime's activity at one moment. */
export interface ActivitySnapshot {
  readonly startedAt: string;
  /** API calls in flight. */
  readonly callsInFlight: number;
  /** Objects the inbox turned into events since start. */
  readonly objectsCreated: number;
  /** Job updates recorded since start, by status. */
  readonly recordedSinceStart: Readonly<Record<JobStatus, number>>;
  /** SUCCEEDED jobs per second over the last {@link THROUGHPUT_WINDOW_MS}. */
  readonly deliveredPerSecond: number;
  /** Newest first. */
  readonly recent: readonly RecentJob[];
  /** Newest first. */
  readonly notifications: readonly NotificationLine[];
  readonly deadLetters: number;
}

export const THROUGHPUT_WINDOW_MS = 10_000;
const RECENT_LIMIT = 50;

/** Collects activity; the runtime feeds it, `snapshot()` reads it. */
export class Activity {
  private readonly startedAt = new Date().toISOString();
  private inFlight = 0;
  private created = 0;
  private deadLettered = 0;
  private readonly recorded: Record<JobStatus, number> = {
    SUCCEEDED: 0,
    RETRYING: 0,
    FAILED: 0,
    SKIPPED: 0,
    SUPERSEDED: 0,
  };
  private readonly deliveredAt: number[] = [];
  private readonly recent: RecentJob[] = [];
  private readonly notifications: NotificationLine[] = [];

  /** Wraps an API so its calls in flight are counted. */
  public countCalls(api: DownstreamApi): DownstreamApi {
    return {
      call: async (request: ApiRequest): Promise<ApiResponse> => {
        this.inFlight++;
        try {
          return await api.call(request);
        } finally {
          this.inFlight--;
        }
      },
    };
  }

  public objectCreated(): void {
    this.created++;
  }

  public deadLetter(): void {
    this.deadLettered++;
  }

  public jobRecorded(job: Job): void {
    this.recorded[job.status]++;
    if (job.status === 'SUCCEEDED') this.deliveredAt.push(Date.now());
    const last = job.history[job.history.length - 1];
    this.recent.unshift({
      at: job.updatedAt,
      jobId: job.jobId,
      key: job.key,
      status: job.status,
      attempt: job.attempt,
      ...(job.lastHttpStatus !== undefined ? { httpStatus: job.lastHttpStatus } : {}),
      ...(job.note || last?.error ? { error: job.note ?? last?.error } : {}),
      ...(job.nextAttemptAt ? { nextAttemptAt: job.nextAttemptAt } : {}),
      ...(last?.response ? { response: last.response } : {}),
    });
    this.recent.length = Math.min(this.recent.length, RECENT_LIMIT);
  }

  public notified(line: NotificationLine): void {
    this.notifications.unshift(line);
    this.notifications.length = Math.min(this.notifications.length, RECENT_LIMIT);
  }

  public snapshot(now = Date.now()): ActivitySnapshot {
    while (this.deliveredAt.length > 0 && (this.deliveredAt[0] ?? now) < now - THROUGHPUT_WINDOW_MS) {
      this.deliveredAt.shift();
    }
    return {
      startedAt: this.startedAt,
      callsInFlight: this.inFlight,
      objectsCreated: this.created,
      recordedSinceStart: { ...this.recorded },
      deliveredPerSecond: this.deliveredAt.length / (THROUGHPUT_WINDOW_MS / 1000),
      recent: [...this.recent],
      notifications: [...this.notifications],
      deadLetters: this.deadLettered,
    };
  }
}
