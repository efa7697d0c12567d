/**
 * A durable local queue with the SQS semantics the pipeline relies on: one JSON file per message,
 * written atomically; a receive persists the receive count and the time the message becomes visible
 * again (its visibility timeout), so a message received but not deleted before a crash comes back
 * after the timeout, and a message that keeps failing reaches the dead-letter queue after
 * `maxReceiveCount` receives, also across restarts.
 *
 * Any process may `send` (the CLI does, for a reprocess); one process consumes (the runtime, which
 * holds the data directory's store lock) after `open()`, and `refresh()` picks up what others sent.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { mapLimit } from '../../core/concurrency.js';
import { systemClock, type Clock, type QueueStats } from '../../core/ports.js';
import { LocalStoreError } from './errors.js';
import { hasErrorCode, isTemporaryName, readJsonFile, syncDirectory, writeJsonAtomic } from './files.js';

/** One message as stored. */
export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  /** ISO time the queue accepted the message. */
  readonly sentAt: string;
  /** Times the message was received (handed to the pipe). */
  readonly receiveCount: number;
  /** Epoch ms from which the message may be received: after a delay or a visibility timeout. */
  readonly visibleAt: number;
  /** Epoch ms of the first receive. */
  readonly firstReceivedAt?: number;
  /** Set in the dead-letter queue: when and why the message was moved there. */
  readonly deadLetteredAt?: string;
  readonly deadLetterReason?: string;
}

/** Options of {@link DurableQueue}. */
export interface DurableQueueOptions {
  /** The directory holding the message files. */
  readonly dir: string;
  /** Flush each write to disk (fsync) so a power cut loses nothing acknowledged. @default true */
  readonly durable?: boolean;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Told about a message file that cannot be read (it is left where it is, and skipped). */
  readonly onBadFile?: (file: string, error: unknown) => void;
}

/**
 * Message files a batch writes at once: enough to overlap their flushes, few enough not to queue
 * ahead of everything else the process does on the disk (the job store, the pipe's receives).
 */
const WRITE_CONCURRENCY = 8;

/** Temporary files older than this are leftovers of a killed writer. */
const STALE_TEMPORARY_MS = 60_000;

const fileNameOf = (message: StoredMessage): string =>
  `${String(Date.parse(message.sentAt)).padStart(15, '0')}-${message.messageId}.json`;

const isMessageFile = (name: string): boolean => name.endsWith('.json') && !name.startsWith('.');

/** Removes a file that may already be gone: one `unlink`, where `rm` would `lstat` it first. */
async function removeFile(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
  }
}

/** A message file as the queue writes it: anything else in the directory is not a message. */
const StoredMessageSchema = z.object({
  messageId: z.string(),
  body: z.string(),
  sentAt: z.string(),
  receiveCount: z.number(),
  visibleAt: z.number(),
  firstReceivedAt: z.number().optional(),
  deadLetteredAt: z.string().optional(),
  deadLetterReason: z.string().optional(),
}) satisfies z.ZodType<StoredMessage>;

function parseMessage(file: string, raw: unknown): StoredMessage {
  const parsed = StoredMessageSchema.safeParse(raw);
  if (!parsed.success) throw new LocalStoreError(file, 'is not a b2a queue message');
  return parsed.data;
}

/**
 * A queue in a directory.
 * @example
 * const queue = new DurableQueue({ dir: '.b2a/queue/source' });
 * await queue.send(JSON.stringify(event));
 */
export class DurableQueue {
  public readonly dir: string;
  private readonly durable: boolean;
  private readonly clock: Clock;
  private readonly onBadFile: DurableQueueOptions['onBadFile'];
  /** The consumer's view, by message id; filled by `open()` and `refresh()`. */
  private readonly index = new Map<string, StoredMessage>();
  private readonly inHand = new Set<string>();
  private readonly badFiles = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private opened = false;

  public constructor(options: DurableQueueOptions) {
    this.dir = options.dir;
    this.durable = options.durable ?? true;
    this.clock = options.clock ?? systemClock;
    this.onBadFile = options.onBadFile;
  }

  /** Adds a message. Any process may send; a consumer in this process is woken at once. */
  public async send(body: string, options: { readonly delaySeconds?: number } = {}): Promise<StoredMessage> {
    const now = this.clock.now();
    return this.put({
      messageId: randomUUID(),
      body,
      sentAt: now.toISOString(),
      receiveCount: 0,
      visibleAt: now.getTime() + (options.delaySeconds ?? 0) * 1000,
    });
  }

  /**
   * Adds several messages at once (the inbox's group commit): their files are written concurrently,
   * each flushed, then the directory is flushed once, so a message reported sent survives a power cut
   * with its name, not only its content.
   * @returns one result per body, in order: a message that could not be written leaves the others sent.
   * @throws when the directory cannot be flushed (the messages written may still be delivered).
   */
  public async sendBatch(bodies: readonly string[]): Promise<PromiseSettledResult<StoredMessage>[]> {
    if (bodies.length === 0) return [];
    await mkdir(this.dir, { recursive: true });
    const now = this.clock.now();
    const results = await mapLimit(
      bodies,
      WRITE_CONCURRENCY,
      async (body): Promise<PromiseSettledResult<StoredMessage>> => {
        const message: StoredMessage = {
          messageId: randomUUID(),
          body,
          sentAt: now.toISOString(),
          receiveCount: 0,
          visibleAt: now.getTime(),
        };
        try {
          return { status: 'fulfilled', value: await this.write(message) };
        } catch (error) {
          return { status: 'rejected', reason: error };
        }
      },
    );
    if (this.durable && results.some((result) => result.status === 'fulfilled')) {
      await syncDirectory(this.dir);
    }
    return results;
  }

  /** Stores a message as given (e.g. one moved from another queue). */
  public async put(message: StoredMessage): Promise<StoredMessage> {
    await mkdir(this.dir, { recursive: true });
    return this.write(message);
  }

  /** Becomes the consumer: loads every message and removes temporary files left by killed writers. */
  public async open(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const now = this.clock.now().getTime();
    for (const name of await readdir(this.dir)) {
      if (!isTemporaryName(name)) continue;
      const path = join(this.dir, name);
      const stats = await stat(path).catch((error: unknown) => {
        if (hasErrorCode(error, 'ENOENT')) return undefined;
        throw error;
      });
      if (stats && now - stats.mtimeMs > STALE_TEMPORARY_MS) await rm(path, { force: true });
    }
    this.opened = true;
    await this.refresh();
  }

  /**
   * Picks up messages other processes sent (and forgets files removed behind its back).
   * @returns how many new messages were found.
   */
  public async refresh(): Promise<number> {
    // Only messages known before the listing may be dropped: one sent meanwhile is not in it yet.
    const before = [...this.index.values()];
    const names = new Set((await readdir(this.dir)).filter(isMessageFile));
    for (const message of before) {
      const current = this.index.get(message.messageId);
      if (current && !names.has(fileNameOf(current)) && !this.inHand.has(current.messageId)) {
        this.index.delete(current.messageId);
      }
    }
    const known = new Set([...this.index.values()].map(fileNameOf));
    let found = 0;
    for (const name of [...names].sort()) {
      if (known.has(name) || this.badFiles.has(name)) continue;
      const path = join(this.dir, name);
      try {
        const raw = await readJsonFile(path);
        if (raw === undefined) continue;
        const message = parseMessage(path, raw);
        this.index.set(message.messageId, message);
        found++;
      } catch (error) {
        this.badFiles.add(name);
        this.onBadFile?.(path, error);
      }
    }
    if (found > 0) this.changed();
    return found;
  }

  /** Calls `listener` whenever messages arrive in this process's view. @returns unsubscribe */
  public onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Takes up to `max` visible messages into this consumer's hand (not persisted: a crash while they
   * are only in hand loses nothing). Oldest first.
   */
  public take(max: number): StoredMessage[] {
    const now = this.clock.now().getTime();
    const taken: StoredMessage[] = [];
    for (const message of this.index.values()) {
      if (taken.length >= max) break;
      if (this.inHand.has(message.messageId) || message.visibleAt > now) continue;
      this.inHand.add(message.messageId);
      taken.push(message);
    }
    return taken;
  }

  /** When the next message not in hand becomes visible (epoch ms), if any is waiting. */
  public nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.index.values()) {
      if (this.inHand.has(message.messageId)) continue;
      if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    }
    return next;
  }

  /**
   * Records the receive of messages in hand: the count goes up and each stays invisible for the
   * timeout, persisted before the pipe sees them.
   */
  public async receive(
    messages: readonly StoredMessage[],
    visibilityTimeoutMs: number,
  ): Promise<StoredMessage[]> {
    const now = this.clock.now().getTime();
    return Promise.all(
      messages.map(async (message) => {
        const received: StoredMessage = {
          ...message,
          receiveCount: message.receiveCount + 1,
          visibleAt: now + visibilityTimeoutMs,
          firstReceivedAt: message.firstReceivedAt ?? now,
        };
        await writeJsonAtomic(join(this.dir, fileNameOf(received)), received, { durable: this.durable });
        this.index.set(received.messageId, received);
        return received;
      }),
    );
  }

  /** Returns a message from the hand to the queue, visible again at its persisted time. */
  public release(messageId: string): void {
    this.inHand.delete(messageId);
    this.changed();
  }

  /** Deletes a message for good (the pipe finished with it). */
  public async delete(messageId: string): Promise<void> {
    const message = this.index.get(messageId);
    if (message) {
      await removeFile(join(this.dir, fileNameOf(message)));
    } else {
      const name = (await readdir(this.dir)).find((n) => n.endsWith(`-${messageId}.json`));
      if (name) await removeFile(join(this.dir, name));
    }
    this.index.delete(messageId);
    this.inHand.delete(messageId);
  }

  /** Moves a message to another queue (the dead-letter queue): written there first, then deleted here. */
  public async moveTo(target: DurableQueue, message: StoredMessage, reason: string): Promise<void> {
    await target.put({
      ...message,
      deadLetteredAt: this.clock.now().toISOString(),
      deadLetterReason: reason,
    });
    await this.delete(message.messageId);
  }

  /** Every message on disk, oldest first (read fresh: for the CLI and for tests). */
  public async list(limit = Number.POSITIVE_INFINITY): Promise<StoredMessage[]> {
    let names: string[];
    try {
      names = (await readdir(this.dir)).filter(isMessageFile).sort();
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT')) return [];
      throw error;
    }
    const messages: StoredMessage[] = [];
    for (const name of names) {
      if (messages.length >= limit) break;
      const raw = await readJsonFile(join(this.dir, name));
      if (raw !== undefined) messages.push(parseMessage(join(this.dir, name), raw));
    }
    return messages;
  }

  /** Depth of the queue as on disk; messages in this consumer's hand count as in flight. */
  public async stats(): Promise<QueueStats> {
    const now = this.clock.now().getTime();
    let visible = 0;
    let inFlight = 0;
    let delayed = 0;
    let oldest: number | undefined;
    for (const message of await this.list()) {
      const sent = Date.parse(message.sentAt);
      oldest = oldest === undefined ? sent : Math.min(oldest, sent);
      if (this.inHand.has(message.messageId)) inFlight++;
      else if (message.visibleAt <= now) visible++;
      else if (message.receiveCount > 0) inFlight++;
      else delayed++;
    }
    return {
      visible,
      inFlight,
      delayed,
      ...(oldest !== undefined ? { oldestAgeSeconds: Math.max(0, Math.round((now - oldest) / 1000)) } : {}),
    };
  }

  /** Messages in this consumer's view (on disk or in hand). */
  public get size(): number {
    return this.index.size;
  }

  /** Messages in this consumer's hand. */
  public get inHandCount(): number {
    return this.inHand.size;
  }

  private async write(message: StoredMessage): Promise<StoredMessage> {
    await writeJsonAtomic(join(this.dir, fileNameOf(message)), message, { durable: this.durable });
    if (this.opened) {
      this.index.set(message.messageId, message);
      this.changed();
    }
    return message;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
