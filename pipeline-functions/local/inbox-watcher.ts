/**
 * Turns files written to the inbox directory into S3 "Object Created" events on the source queue,
 * the local stand-in for S3 + EventBridge + the rule.
 *
 * A file is emitted once it is complete: its size and mtime unchanged for `stableMs` across two scans.
 * File events (`fs.watch`) start a scan as soon as something changes, and a file not yet complete
 * gets a scan when it will be; the periodic scan remains for what events miss (some network and
 * container file systems send none).
 * Temporary and partial files (dotfiles, `*.tmp`, `*.part`, …) are ignored: write to one of those and
 * rename when done. A durable ledger (JSON lines) remembers what was emitted, so files that arrived
 * while the runtime was down are found at start and nothing is emitted twice for the same content.
 * The event is sent before the ledger is written: a crash in between repeats an event, which the
 * pipeline dedupes; the other order could lose one.
 *
 * Files are emitted in groups (a group commit): hashed a few at a time, their events written to the
 * queue together with one directory flush, then one ledger append for the group. Each step waits on
 * the disk and on an event loop the pipe keeps busy, so a group shares those waits instead of paying
 * them once per file, and the order "event, then ledger" still holds for every file.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { etagOfFile } from '../adapters/local/directory-object-source.js';
import {
  appendJsonLines,
  hasErrorCode,
  readJsonLines,
  repairJournal,
  writeFileAtomic,
} from '../adapters/local/files.js';
import { mapLimit } from '../core/concurrency.js';
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

/** Files emitted per group commit: one queue directory flush and one ledger append each. */
const GROUP_SIZE = 64;

/** Files hashed (or stat'ed by a scan) at once: enough to overlap the disk waits, few open files. */
const IO_CONCURRENCY = 8;

/**
 * Scans started by file events are spaced by at least this, and by this many times the last such
 * scan's duration: under a burst of events, scans take at most about a quarter of the thread.
 */
const MIN_SCAN_GAP_MS = 10;
const SCAN_GAP_PER_SCAN_MS = 3;

/**
 * While file events cover every directory, the whole inbox is walked every `scanIntervalMs` or every
 * this many times the last walk's duration, whichever is longer: a walk of a large inbox then takes
 * a tenth of the thread at most, instead of most of it.
 */
const WALK_EVERY_WALK_DURATIONS = 10;

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

/** A complete file to emit, with what the ledger knew of it. */
interface Candidate {
  readonly file: FileState;
  readonly previous: LedgerEntry | undefined;
}

/** A file hashed and unchanged since the scan saw it. */
interface Hashed {
  readonly previous: LedgerEntry | undefined;
  readonly entry: LedgerEntry;
}

/** Options of {@link InboxWatcher}. */
export interface InboxWatcherOptions {
  readonly inboxDir: string;
  readonly ledgerFile: string;
  readonly bucket: string;
  /** Where events go: a group at a time, one result per event (see `DurableQueue.sendBatch`). */
  readonly queue: { sendBatch(bodies: readonly string[]): Promise<readonly PromiseSettledResult<unknown>[]> };
  readonly scanIntervalMs: number;
  readonly stableMs: number;
  /**
   * Scan on file events too (`fs.watch`), and when a file seen incomplete becomes complete.
   * @default false: scans only every `scanIntervalMs` and on `scan()`
   */
  readonly fileEvents?: boolean;
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
  private readonly observed = new Map<string, { size: number; mtimeMs: number; path: string }>();
  private readonly warned = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  /** When the timer fires (epoch ms). */
  private dueAt = Infinity;
  private readonly watchers = new Map<string, FSWatcher>();
  private readonly unwatchable = new Set<string>();
  /** Paths file events named since the last scan: a scan between full walks looks at these only. */
  private readonly touched = new Set<string>();
  /** An event named a directory (or nothing): the next scan walks the whole inbox. */
  private walkDue = true;
  private lastWalk = { at: 0, durationMs: 0 };
  /** A file event came during a scan: scan again once it ends. */
  private changed = false;
  /** The scan running has found complete files: their events are being queued. */
  private emittingNow = false;
  /** When the earliest file seen incomplete will have been unchanged for `stableMs` (epoch ms). */
  private nextCompleteAt = Infinity;
  /** When the last scan ended, and how long the last scan of files named by events took. */
  private lastScan = { endedAt: 0, durationMs: 0 };
  /** Time spent queueing events since the inbox started (ms), left out of the scans' durations. */
  private emittingMs = 0;
  private scanning: Promise<void> | undefined;
  private running = false;

  public constructor(private readonly options: InboxWatcherOptions) {
    this.clock = options.clock ?? systemClock;
  }

  public async start(): Promise<void> {
    await this.loadLedger();
    this.running = true;
    await this.scan();
    this.scheduleAfterScan();
  }

  public async stop(): Promise<void> {
    this.running = false;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
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

  /** Whether a scan is queueing the events of the complete files it found. */
  public get emitting(): boolean {
    return this.emittingNow;
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

  /**
   * Watches `dir` for file events, once. One watcher per directory, not `recursive: true`: on Linux,
   * Node's recursive watch polls every file with `watchFile`
   * (https://github.com/nodejs/performance/issues/26), which costs more than the scans it saves.
   * A directory that cannot be watched is left to the periodic scan.
   */
  private watchDirectory(dir: string): void {
    if (this.watchers.has(dir) || this.unwatchable.has(dir)) return;
    const giveUp = (error: unknown): void => {
      this.watchers.get(dir)?.close();
      this.watchers.delete(dir);
      if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) return; // removed: the next walk sees it or not
      this.unwatchable.add(dir);
      this.warnOnce(
        `watch:${dir}`,
        `no file events from ${dir} (${describeError(error)}): scanned every ${this.options.scanIntervalMs} ms`,
      );
    };
    try {
      const watcher = watch(dir, (_event, name) => {
        if (name) this.touched.add(join(dir, name));
        else this.walkDue = true;
        this.wake();
      });
      watcher.on('error', giveUp);
      this.watchers.set(dir, watcher);
    } catch (error) {
      giveUp(error);
    }
  }

  /** Stops watching the directories a walk no longer found. */
  private unwatchGone(visited: ReadonlySet<string>): void {
    for (const dir of this.unwatchable) if (!visited.has(dir)) this.unwatchable.delete(dir);
    for (const [dir, watcher] of this.watchers) {
      if (visited.has(dir)) continue;
      watcher.close();
      this.watchers.delete(dir);
    }
  }

  /** Something changed in the inbox: scan soon, or once the scan in progress has ended. */
  private wake(): void {
    if (this.scanning) this.changed = true;
    else this.scheduleIn(this.gapBeforeNextScan());
  }

  private gapBeforeNextScan(): number {
    const { endedAt, durationMs } = this.lastScan;
    const gap = Math.max(MIN_SCAN_GAP_MS, SCAN_GAP_PER_SCAN_MS * durationMs);
    return Math.max(0, endedAt + gap - performance.now());
  }

  /** The next scan: after a file event, when a file becomes complete, or at the periodic scan. */
  private scheduleAfterScan(): void {
    const { fileEvents, scanIntervalMs } = this.options;
    const untilComplete = fileEvents ? this.nextCompleteAt - this.clock.now().getTime() : Infinity;
    const next = this.changed || this.walkDue ? 0 : Math.min(scanIntervalMs, Math.max(0, untilComplete));
    this.changed = false;
    this.scheduleIn(Math.max(next, this.gapBeforeNextScan()));
  }

  /** Scans in `ms` unless a scan is due sooner already. */
  private scheduleIn(ms: number): void {
    if (!this.running) return;
    const at = performance.now() + ms;
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      this.scan()
        .catch((error: unknown) =>
          this.options.log.error('inbox', `inbox scan failed: ${describeError(error)}`),
        )
        .finally(() => this.scheduleAfterScan());
    }, ms);
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

  /**
   * A scan: of the whole inbox when one is due (at start, every `scanIntervalMs`, after an event that
   * named a directory); else, on file events, of the files they named and those still incomplete.
   */
  private async scanOnce(): Promise<void> {
    const { fileEvents, scanIntervalMs } = this.options;
    const covered = fileEvents && this.unwatchable.size === 0;
    const walkEvery = covered
      ? Math.max(scanIntervalMs, WALK_EVERY_WALK_DURATIONS * this.lastWalk.durationMs)
      : scanIntervalMs;
    const walk = this.walkDue || !covered || this.lastWalk.at + walkEvery <= performance.now();
    const started = performance.now();
    const emittingBefore = this.emittingMs;
    try {
      await (walk ? this.scanAll() : this.scanFiles(await this.touchedFiles(), false));
    } finally {
      this.emittingNow = false;
      // The periodic walk's cost does not space the scans of events: it is paid with or without them.
      const ended = performance.now();
      const looking = ended - started - (this.emittingMs - emittingBefore);
      this.lastScan = { endedAt: ended, durationMs: walk ? this.lastScan.durationMs : looking };
    }
  }

  private async scanAll(): Promise<void> {
    this.walkDue = false;
    this.touched.clear();
    const started = performance.now();
    const emittingBefore = this.emittingMs;
    try {
      await this.scanFiles(await this.walk(), true);
    } finally {
      const looking = performance.now() - started - (this.emittingMs - emittingBefore);
      this.lastWalk = { at: started, durationMs: looking };
    }
  }

  /** The files events named since the last scan, and those still incomplete, as they are now. */
  private async touchedFiles(): Promise<FileState[]> {
    const { inboxDir } = this.options;
    const paths = new Set([...this.touched, ...[...this.observed.values()].map(({ path }) => path)]);
    this.touched.clear();
    const found = await mapLimit([...paths], IO_CONCURRENCY, async (path): Promise<FileState[]> => {
      const name = path.slice(path.lastIndexOf(sep) + 1);
      const key = relative(inboxDir, path).split(sep).join('/');
      if (isIgnoredName(name) || key.startsWith('..') || Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
        return []; // left to the walk, which says why when it must
      }
      try {
        const stats = await stat(path);
        if (stats.isFile()) return [{ key, path, size: stats.size, mtimeMs: stats.mtimeMs }];
        // A new folder: walked (and watched) now, with whatever was written into it already.
        return stats.isDirectory() ? await this.walk(path) : [];
      } catch (error) {
        if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) return []; // the walk records deletions
        throw error;
      }
    });
    return found.flat();
  }

  /** Emits the complete files among `files`; a full scan (`all`) also records what is gone. */
  private async scanFiles(files: readonly FileState[], all: boolean): Promise<void> {
    const { stableMs, ledgerFile } = this.options;
    this.nextCompleteAt = Infinity;
    const present = new Set(files.map((f) => f.key));
    let group: Candidate[] = [];
    for (const file of files) {
      if (!this.running) return;
      const entry = this.ledger.get(file.key);
      if (entry && entry.size === file.size && entry.mtimeMs === file.mtimeMs) continue;
      const before = this.observed.get(file.key);
      this.observed.set(file.key, { size: file.size, mtimeMs: file.mtimeMs, path: file.path });
      const now = this.clock.now().getTime();
      const changedSinceLastScan = before && (before.size !== file.size || before.mtimeMs !== file.mtimeMs);
      if (now - file.mtimeMs < stableMs || changedSinceLastScan) {
        this.nextCompleteAt = Math.min(this.nextCompleteAt, file.mtimeMs + stableMs);
        continue;
      }
      group.push({ file, previous: entry });
      this.emittingNow = true;
      if (group.length < GROUP_SIZE) continue;
      await this.emitGroup(group);
      group = [];
    }
    if (!this.running) return;
    await this.emitGroup(group);
    if (!all) return;
    const gone = [...this.ledger.keys()].filter((key) => !present.has(key));
    await appendJsonLines(
      ledgerFile,
      gone.map((key) => ({ key, deleted: true }) satisfies LedgerLine),
    );
    for (const key of gone) this.ledger.delete(key);
    for (const key of [...this.observed.keys()]) if (!present.has(key)) this.observed.delete(key);
  }

  /**
   * Emits a group of complete files: hashes them, sends the events of new versions, then records the
   * group in the ledger. A file that failed at any step stays out of the ledger and is looked at again
   * at the next scan.
   */
  private async emitGroup(group: readonly Candidate[]): Promise<void> {
    if (group.length === 0) return;
    // Scans are spaced by how long they look, not by how long they queue events: that is work every
    // file needs anyway, and counting it made a scan that found a 3,000-file burst hold the next one
    // back 3 × its emission (27 s measured: a file written after the burst waited that long).
    const started = performance.now();
    try {
      await this.emitGroupNow(group);
    } finally {
      this.emittingMs += performance.now() - started;
    }
  }

  private async emitGroupNow(group: readonly Candidate[]): Promise<void> {
    const { bucket, ledgerFile, log } = this.options;
    const hashed = await mapLimit(group, IO_CONCURRENCY, (candidate) => this.hash(candidate));
    const versions = hashed.filter((item): item is Hashed => item !== undefined);
    const fresh = versions.filter(({ previous, entry }) => previous?.etag !== entry.etag);
    const events = fresh.map(({ entry }) =>
      objectCreatedEvent({
        bucket,
        key: entry.key,
        size: entry.size,
        etag: entry.etag,
        time: this.clock.now(),
      }),
    );
    const sent = await this.send(events);
    // Touched but unchanged files are recorded too: the same object version, no new event (S3 would
    // dedupe it as one job anyway).
    const failed = new Set(events.filter((_, index) => !sent[index]).map((e) => e.detail.object.key));
    const recorded = versions.filter(({ entry }) => !failed.has(entry.key)).map(({ entry }) => entry);
    try {
      await appendJsonLines(ledgerFile, recorded);
    } catch (error) {
      // Their events are sent: left out of the ledger, they come again at the next scan (the pipeline dedupes).
      log.error(
        'inbox',
        `could not record ${recorded.length} file(s) in the ledger: ${describeError(error)}`,
      );
      return;
    }
    for (const entry of recorded) {
      this.ledger.set(entry.key, entry);
      this.observed.delete(entry.key);
    }
    events.forEach((event, index) => {
      if (sent[index]) this.options.onObjectCreated?.(event);
    });
  }

  /** Puts events on the queue. @returns whether each one was sent (failures are logged). */
  private async send(events: readonly S3ObjectCreatedEvent[]): Promise<boolean[]> {
    const { queue, log } = this.options;
    if (events.length === 0) return [];
    let results: readonly PromiseSettledResult<unknown>[];
    try {
      results = await queue.sendBatch(events.map((event) => JSON.stringify(event)));
    } catch (error) {
      // Some may be on the queue all the same: they come again at the next scan, which the pipeline dedupes.
      log.error('inbox', `could not emit ${events.length} file(s): ${describeError(error)}`);
      return events.map(() => false);
    }
    return events.map((event, index) => {
      const result = results[index];
      if (result?.status === 'fulfilled') return true;
      const { key } = event.detail.object;
      log.error('inbox', `could not emit ${key}: ${describeError(result?.reason)}`, { key });
      return false;
    });
  }

  /** A file's version, or `undefined` when it is gone, changed while hashed, or unreadable (logged). */
  private async hash(candidate: Candidate): Promise<Hashed | undefined> {
    const { file, previous } = candidate;
    try {
      const etag = await etagOfFile(file.path);
      const after = await stat(file.path);
      // Written to while being hashed: not complete yet, look again next scan.
      if (after.size !== file.size || after.mtimeMs !== file.mtimeMs) return undefined;
      return { previous, entry: { key: file.key, etag, size: file.size, mtimeMs: file.mtimeMs } };
    } catch (error) {
      if (hasErrorCode(error, 'ENOENT', 'EISDIR', 'ENOTDIR')) return undefined; // gone since the walk
      this.options.log.error('inbox', `could not emit ${file.key}: ${describeError(error)}`, {
        key: file.key,
      });
      return undefined;
    }
  }

  /** Every regular file under `root` (the whole inbox by default), as keys. */
  private async walk(root = this.options.inboxDir): Promise<FileState[]> {
    const files: FileState[] = [];
    const visited = new Set<string>();
    const visit = async (dir: string): Promise<void> => {
      if (this.options.fileEvents && this.running) this.watchDirectory(dir);
      visited.add(dir);
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (error) {
        if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) return; // removed while walking
        this.warnOnce(dir, `cannot read ${dir}: ${describeError(error)}`);
        return;
      }
      const here: { key: string; path: string }[] = [];
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
        here.push({ key, path });
      }
      const stated = await mapLimit(here, IO_CONCURRENCY, async ({ key, path }) => {
        try {
          const stats = await stat(path);
          return stats.isFile() ? { key, path, size: stats.size, mtimeMs: stats.mtimeMs } : undefined;
        } catch (error) {
          if (hasErrorCode(error, 'ENOENT', 'ENOTDIR')) return undefined; // removed while walking
          throw error;
        }
      });
      for (const file of stated) if (file) files.push(file);
    };
    await visit(root);
    if (this.options.fileEvents && root === this.options.inboxDir) this.unwatchGone(visited);
    return files;
  }

  private warnOnce(path: string, message: string): void {
    if (this.warned.has(path)) return;
    this.warned.add(path);
    this.options.log.warn('inbox', message);
  }
}
