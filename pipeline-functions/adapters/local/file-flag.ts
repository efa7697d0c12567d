/**
 * The enabled flag as a JSON file in the data directory: `{ "enabled": true, "history": [...] }`.
 * The runtime reads it through a short cache (like the SSM flag on AWS); the CLI writes it. A missing
 * file means enabled: a fresh data directory delivers.
 */
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { systemClock, type Clock, type FlagAdmin, type FlagChange } from '../../core/ports.js';
import { LocalStoreError } from './errors.js';
import { readJsonFile, writeJsonAtomic } from './files.js';

/** Changes kept in the file's history. @default 200 */
export const FLAG_HISTORY_LIMIT = 200;

interface FlagFile {
  readonly enabled: boolean;
  readonly history: FlagChange[];
}

/** Options of {@link FileFlagAdmin}. */
export interface FileFlagOptions {
  /** The flag file, e.g. `.b2a/flag.json`. */
  readonly path: string;
  /** How long a read is trusted. @default 0 (every call reads the file) */
  readonly cacheSeconds?: number;
  /** Recorded as `by` in the history when this instance changes the flag, e.g. `local:alice`. */
  readonly changedBy?: string;
  /** @default systemClock */
  readonly clock?: Clock;
}

/**
 * A file-backed {@link FlagAdmin}.
 * @example
 * const flag = new FileFlagAdmin({ path: '.b2a/flag.json', cacheSeconds: 1 });
 * if (await flag.isEnabled()) { ... }
 */
export class FileFlagAdmin implements FlagAdmin {
  private readonly path: string;
  private readonly cacheMs: number;
  private readonly changedBy: string | undefined;
  private readonly clock: Clock;
  private cached: { readonly enabled: boolean; readonly until: number } | undefined;

  public constructor(options: FileFlagOptions) {
    this.path = options.path;
    this.cacheMs = (options.cacheSeconds ?? 0) * 1000;
    this.changedBy = options.changedBy;
    this.clock = options.clock ?? systemClock;
  }

  public async isEnabled(): Promise<boolean> {
    const now = this.clock.now().getTime();
    if (this.cached && now < this.cached.until) return this.cached.enabled;
    const { enabled } = await this.load();
    this.cached = { enabled, until: now + this.cacheMs };
    return enabled;
  }

  public async setEnabled(enabled: boolean): Promise<void> {
    const current = await this.load();
    const change: FlagChange = {
      enabled,
      at: this.clock.now().toISOString(),
      ...(this.changedBy ? { by: this.changedBy } : {}),
    };
    const next: FlagFile = { enabled, history: [change, ...current.history].slice(0, FLAG_HISTORY_LIMIT) };
    await mkdir(dirname(this.path), { recursive: true });
    await writeJsonAtomic(this.path, next);
    this.cached = undefined;
  }

  public async history(limit: number): Promise<FlagChange[]> {
    return (await this.load()).history.slice(0, limit);
  }

  private async load(): Promise<FlagFile> {
    const raw = await readJsonFile(this.path);
    if (raw === undefined) return { enabled: true, history: [] };
    if (typeof raw !== 'object' || raw === null || !('enabled' in raw) || typeof raw.enabled !== 'boolean') {
      throw new LocalStoreError(this.path, 'is not a b2a flag file (expected {"enabled": true|false})');
    }
    const history = 'history' in raw && Array.isArray(raw.history) ? (raw.history as FlagChange[]) : [];
    return { enabled: raw.enabled, history };
  }
}
