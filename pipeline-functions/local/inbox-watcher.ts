/**
 * Turns files written to the inbox directory into S3 "Object Created" events on the source queue,
 * the local stand-in for S3 + EventBridge + the rule.
 *
 * A file is emitted once it is complete: its size and mtime unchanged for `stableMs` across two scans.
 * Temporary and partial files (dotfiles, `*.tmp`, `*.part`, …) are ignored: write to one of those and
 * rename when done. A durable ledger (JSON lines) remembers what was emitted, so files that arrived
 * while the runtime was down are found at start and nothing is emitted twice for the same content.
 * The event is sent before the ledger is written: a crash in between repeats an event, which the
 * pipeline dedupes; the other order could lose one.
 */
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { etagOfFile } from '../adapters/local/directory-object-source.js';
import {
  appendJsonLine,
  hasErrorCode,
  readJsonLines,
  repairJournal,
  writeFileAtomic,
} from '../adapters/local/files.js';
import { systemClock, type Clock } from '../core/ports.js';
import type { RuntimeLog } from './log.js';
import { describeError } from './log.js';
import { objectCreatedEvent, type S3ObjectCreatedEvent } from './s3-event.js';
import type { Service } from './service.js';

/** Names the watcher leaves alone: hidden files and the usual in-progress suffixes. */
export function isIgnoredName(name: string): boolean {
  return (
    name.startsWith('.') ||
    name.endsWith('~') ||
    /\.(tmp|temp|part|partial|crdownload|download|swp|swx|lock)$/i.test(name)
  );
}

/** S3's limit on key length. */
export const MAX_KEY_BYTES = 1024;

/** What the ledger remembers per key: the version emitted and the file state it was read from. */
interface LedgerEntry {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  readonly mtimeMs: number;
}

type LedgerLine = LedgerEntry | { readonly key: string; readonly deleted: true };

interface FileState {
  readonly key: string;
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Options of {@link InboxWatcher}. */
export interface InboxWatcherOptions {
  readonly inboxDir: string;
  readonly ledgerFile: string;
  readonly bucket: string;
  /** Where events go. */
  readonly queue: { send(body: string): Promise<unknown> };
  readonly scanIntervalMs: number;
  readonly stableMs: number;
  readonly log: RuntimeLog;
  /** @default systemClock */
  readonly clock?: Clock;
  /** Told after each event is queued and recorded. */
  readonly onObjectCreated?: (event: S3ObjectCreatedEvent) => void;
}

/**
 * The inbox as a runtime service.
 * @example
 * const inbox = new InboxWatcher({ inboxDir, ledgerFile, bucket: 'local-inbox', queue, scanIntervalMs: 500, stableMs: 500, log });
 */
export class InboxWatcher implements Service {
  public readonly name = 'inbox';
  private readonly clock: Clock;
  private readonly ledger = new Map<string, LedgerEntry>();
  /** The state each pending file had at the previous scan. */
  private readonly observed = new Map<string, { size: number; mtimeMs: number }>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;
  private running = false;

  public constructor(private readonly options: InboxWatcherOptions) {
    this.clock = options.clock ?? systemClock;
  }

  public async start(): Promise<void> {
    await this.loadLedger();
    this.running = true;
    await this.scan();
    this.schedule();
  }

  public async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.scanning;
  }

  /** Scans the inbox once (a scan already running is joined, not repeated). */
  public scan(): Promise<void> {
    this.scanning ??= this.scanOnce().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  /** Files in the inbox not yet emitted as they are now (for `idle()`). */
  public async pendingCount(): Promise<number> {
    let pending = 0;
    for (const file of await this.walk()) {
      const entry = this.ledger.get(file.key);
      if (!entry || entry.size !== file.size || entry.mtimeMs !== file.mtimeMs) pending++;
    }
    return pending;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.scan()
        .catch((error: unknown) =>
          this.options.log.error('inbox', `inbox scan failed: ${describeError(error)}`),
        )
        .finally(() => this.schedule());
    }, this.options.scanIntervalMs);
  }

  private async loadLedger(): Promise<void> {
    const { ledgerFile, log } = this.options;
    await repairJournal(ledgerFile);
    const lines = await readJsonLines(ledgerFile, (lineNumber) =>
      log.warn(
        'inbox',
        `${ledgerFile}: line ${lineNumber} is torn (a crash mid-write); its file is looked at again`,
      ),
    );
    for (const line of lines as LedgerLine[]) {
      if ('deleted' in line) this.ledger.delete(line.key);
      else this.ledger.set(line.key, line);
    }
    // Compacted at each start, so the journal holds one line per file in the inbox.
    const compacted = [...this.ledger.values()].map((entry) => `${JSON.stringify(entry)}\n`).join('');
    await writeFileAtomic(ledgerFile, compacted);
  }

  private async scanOnce(): Promise<void> {
    const { stableMs, log } = this.options;
    const files = await this.walk();
    const present = new Set(files.map((f) => f.key));
    for (const file of files) {
      if (!this.running) return;
      const entry = this.ledger.get(file.key);
      if (entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs) continue;
      const before = this.observed.get(file.key);
      this.observed.set(file.key, { size: file.size, mtimeMs: file.mtimeMs });
      const now = this.clock.now().getTime();
      const changedSinceLastScan = before && (before.size !== file.size || before.mtimeMs !== file.mtimeMs);
      if (now - file.mtimeMs < stableMs || changedSinceLastScan) continue;
      try {
        await this.emit(file, entry);
      } catch (error) {
        if (hasErrorCode(error, 'ENOENT', 'EISDIR', 'ENOTDIR')) continue; // gone since the walk
        log.error('inbox', `could not emit ${file.key}: ${describeError(error)}`, { key: file.key });
      }
    }
    for (const key of [...this.ledger.keys()]) {
      if (present.has(key)) continue;
      await appendJsonLine(this.options.ledgerFile, { key, deleted: true } satisfies LedgerLine);
      this.ledger.delete(key);
    }
    for (const key of [...this.observed.keys()]) if (!present.has(key)) this.observed.delete(key);
  }

  private async emit(file: FileState, previous: LedgerEntry | undefined): Promise<void> {
    const etag = await etagOfFile(file.path);
    const after = await stat(file.path);
    // Written to while being hashed: not complete yet, look again next scan.
    if (after.size !== file.size || after.mtimeMs !== file.mtimeMs) return;
    const entry: LedgerEntry = { key: file.key, etag, size: file.size, mtimeMs: file.mtimeMs };
    if (previous?.etag !== etag) {
      const event = objectCreatedEvent({
        bucket: this.options.bucket,
        key: file.key,
        size: file.size,
        etag,
        time: this.clock.now(),
      });
      await this.options.queue.send(JSON.stringify(event));
      await appendJsonLine(this.options.ledgerFile, entry);
      this.options.onObjectCreated?.(event);
    } else {
      // Touched but unchanged: the same object version, no new event (S3 would dedupe it as one job anyway).
      await appendJsonLine(this.options.ledgerFile, entry);
    }
    this.ledger.set(file.key, entry);
    this.observed.delete(file.key);
  }

  /** Every regular file under the inbox, as keys. */
  private async walk(): Promise<FileState[]> {
    const files: FileState[] = [];
    const visit = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) return; // removed while walking
        this.warnOnce(dir, `cannot read ${dir}: ${describeError(error)}`);
        return;
      }
      for (const entry of entries) {
        if (isIgnoredName(entry.name)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          await visit(path);
          continue;
        }
        if (!entry.isFile()) {
          this.warnOnce(path, `${path} is not a regular file (a link?): ignored`);
          continue;
        }
        const key = relative(this.options.inboxDir, path).split(sep).join('/');
        if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
          this.warnOnce(path, `key of ${path} is longer than S3's ${MAX_KEY_BYTES} bytes: ignored`);
          continue;
        }
        try {
          const stats = await stat(path);
          if (stats.isFile()) files.push({ key, path, size: stats.size, mtimeMs: stats.mtimeMs });
        } catch (error) {
          if (!hasErrorCode(error, 'ENOENT', 'ENOTDIR')) throw error;
        }
      }
    };
    await visit(this.options.inboxDir);
    return files;
  }

  private warnOnce(path: string, message: string): void {
    if (this.warned.has(path)) return;
    this.warned.add(path);
    this.options.log.warn('inbox', message);
  }
}
