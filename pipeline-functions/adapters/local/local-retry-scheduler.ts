/**
 * Local one-time retry timers that survive a restart, the stand-in for EventBridge Scheduler: each
 * scheduled envelope is a file with its due time; a timer sends it to the source queue when due and
 * then deletes the file. At start every file is loaded, and those already due are sent at once.
 * Sending before deleting means a crash in between repeats the retry, which the pipeline dedupes.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { encodeEnvelope, type B2aEnvelope } from '../../core/messages.js';
import { jobIdOf } from '../../core/model.js';
import { systemClock, type Clock, type RetryScheduler, type ScheduleTiming } from '../../core/ports.js';
import { LocalStoreError } from './errors.js';
import { hasErrorCode, isTemporaryName, readJsonFile, writeJsonAtomic } from './files.js';

/** One scheduled retry as stored. */
export interface ScheduledRetry {
  readonly name: string;
  /** ISO time the envelope is sent to the queue. */
  readonly dueAt: string;
  readonly envelope: B2aEnvelope;
}

/** A scheduled retry's file as {@link LocalRetryScheduler} writes it. */
const ScheduledRetrySchema = z.object({
  name: z.string(),
  dueAt: z.string(),
  envelope: z.object({
    b2a: z.literal(1),
    kind: z.enum(['retry', 'reprocess', 'backfill', 'deferral']),
    object: z.object({
      bucket: z.string(),
      key: z.string(),
      versionId: z.string().optional(),
      etag: z.string().optional(),
      size: z.number().optional(),
    }),
    run: z.object({ id: z.string(), startedAt: z.string() }),
    attempt: z.number(),
    deferral: z.number().int().min(1).optional(),
    origin: z.enum(['s3-event', 'retry', 'reprocess', 'backfill']).optional(),
    requestedBy: z.string().optional(),
    backfillId: z.string().optional(),
    sentAt: z.string(),
  }),
}) satisfies z.ZodType<ScheduledRetry>;

/** Options of {@link LocalRetryScheduler}. */
export interface LocalRetrySchedulerOptions {
  /** The directory holding one file per scheduled retry. */
  readonly dir: string;
  /** Where due envelopes are sent: the source queue. */
  readonly queue: { send(body: string): Promise<unknown> };
  /**
   * Multiplies every retry's delay, so tests and demos can run backoffs of seconds in a fraction of
   * that (the config's minimum backoff is 1 s). Deferrals keep their time. @default 1
   */
  readonly timeScale?: number;
  /** @default true */
  readonly durable?: boolean;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Told when a retry is sent to the queue. */
  readonly onFired?: (retry: ScheduledRetry) => void;
  /** Told when sending a due retry failed (it stays scheduled and is tried again in a second). */
  readonly onError?: (retry: ScheduledRetry, error: unknown) => void;
}

/** Local timers keep any time; whole seconds keep the recorded times readable. */
export const LOCAL_TIMING: ScheduleTiming = { minimumLeadSeconds: 0, precisionSeconds: 1 };

/** Longest delay `setTimeout` takes; longer timers are re-armed when they fire. */
const MAX_TIMER_MS = 2_147_483_647;
const RETRY_FAILED_SEND_MS = 1000;

/**
 * The schedule name of a retry: one per (job, run, attempt, deferral), so scheduling it twice makes
 * one, while each deferral of an attempt gets its own.
 * @example scheduleNameOf(envelope) // '3f2a…' (40 hex characters)
 */
export function scheduleNameOf(
  envelope: Pick<B2aEnvelope, 'object' | 'run' | 'attempt' | 'deferral'>,
): string {
  const deferred = envelope.deferral ? `\n${envelope.deferral}` : '';
  return createHash('sha256')
    .update(`${jobIdOf(envelope.object)}\n${envelope.run.id}\n${envelope.attempt}${deferred}`)
    .digest('hex')
    .slice(0, 40);
}

/**
 * A {@link RetryScheduler} on local timers. `schedule()` works before `start()` (the file waits);
 * timers run between `start()` and `stop()`.
 * @example
 * const scheduler = new LocalRetryScheduler({ dir: '.b2a/schedules', queue });
 * await scheduler.start();
 */
export class LocalRetryScheduler implements RetryScheduler {
  public readonly timing = LOCAL_TIMING;
  private readonly options: LocalRetrySchedulerOptions;
  private readonly clock: Clock;
  private readonly timeScale: number;
  private readonly pending = new Map<string, ScheduledRetry>();
  private timer: NodeJS.Timeout | undefined;
  private firing: Promise<void> | undefined;
  private running = false;

  public constructor(options: LocalRetrySchedulerOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.timeScale = options.timeScale ?? 1;
  }

  public async schedule(envelope: B2aEnvelope, at: Date): Promise<void> {
    const name = scheduleNameOf(envelope);
    if (this.pending.has(name)) return;
    const now = this.clock.now().getTime();
    // A deferral waits for a real time (the next probe, the end of a hold), not a backoff to shorten.
    const scale = envelope.kind === 'deferral' ? 1 : this.timeScale;
    const delay = Math.max(0, at.getTime() - now) * scale;
    const retry: ScheduledRetry = { name, dueAt: new Date(now + delay).toISOString(), envelope };
    await mkdir(this.options.dir, { recursive: true });
    try {
      await writeJsonAtomic(this.fileOf(name), retry, {
        durable: this.options.durable ?? true,
        exclusive: true,
      });
    } catch (error) {
      // The same retry is already scheduled (a repeated target invocation): one schedule is enough.
      if (hasErrorCode(error, 'EEXIST')) return;
      throw error;
    }
    if (this.running) {
      this.pending.set(name, retry);
      this.arm();
    }
  }

  /** Loads every scheduled retry and arms the timer; those already due are sent at once. */
  public async start(): Promise<void> {
    await mkdir(this.options.dir, { recursive: true });
    for (const file of await readdir(this.options.dir)) {
      if (!file.endsWith('.json') || isTemporaryName(file)) continue;
      const path = join(this.options.dir, file);
      const raw = await readJsonFile(path);
      if (raw === undefined) continue;
      const parsed = ScheduledRetrySchema.safeParse(raw);
      if (!parsed.success) throw new LocalStoreError(path, 'is not a b2a scheduled retry');
      this.pending.set(parsed.data.name, parsed.data);
    }
    this.running = true;
    this.arm();
  }

  /** Stops the timer; a send in progress finishes first. Scheduled retries stay on disk. */
  public async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.firing;
  }

  /** Retries waiting to be sent. */
  public get size(): number {
    return this.pending.size;
  }

  /** When the next retry is due (epoch ms), if any. */
  public nextDueAt(): number | undefined {
    let next: number | undefined;
    for (const retry of this.pending.values()) {
      const due = Date.parse(retry.dueAt);
      if (next === undefined || due < next) next = due;
    }
    return next;
  }

  private fileOf(name: string): string {
    return join(this.options.dir, `${name}.json`);
  }

  private arm(delayMs?: number): void {
    if (!this.running || this.firing) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = this.nextDueAt();
    if (next === undefined) return;
    const wait = delayMs ?? Math.max(0, next - this.clock.now().getTime());
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        let failed = false;
        this.firing = this.fireDue()
          .then((result) => {
            failed = result.failed;
          })
          .finally(() => {
            this.firing = undefined;
            this.arm(failed ? RETRY_FAILED_SEND_MS : undefined);
          });
      },
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  private async fireDue(): Promise<{ failed: boolean }> {
    const now = this.clock.now().getTime();
    let failed = false;
    for (const retry of [...this.pending.values()]) {
      if (!this.running) break;
      if (Date.parse(retry.dueAt) > now) continue;
      try {
        await this.options.queue.send(encodeEnvelope(retry.envelope));
        await rm(this.fileOf(retry.name), { force: true });
        this.pending.delete(retry.name);
        this.options.onFired?.(retry);
      } catch (error) {
        failed = true;
        this.options.onError?.(retry, error);
      }
    }
    return { failed };
  }
}
