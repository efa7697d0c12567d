/**
 * The enabled flag as a JSON file in the data directory: `{ "enabled": true, "history": [...] }`.
 * The runtime reads it through a short cache (like the SSM flag on AWS); the CLI writes it. A missing
 * file means enabled: a fresh data directory delivers.
 */
import { dirname } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { z } from 'zod';
import { FlagCache, readFlagValue } from '../../core/flag.js';
import {
  systemClock,
  type Clock,
  type FlagAdmin,
  type FlagChange,
  type FlagReading,
} from '../../core/ports.js';
import { readJsonFile, writeJsonAtomic } from './files.js';

/** Changes kept in the file's history. @default 200 */
export const FLAG_HISTORY_LIMIT = 200;

interface FlagFile {
  readonly enabled: boolean;
  readonly history: FlagChange[];
}

const FlagChangeSchema = z.object({
  enabled: z.boolean(),
  at: z.string(),
  by: z.string().optional(),
}) satisfies z.ZodType<FlagChange>;

/**
 * The flag file as read: `enabled` may hold anything (a value not understood reads as hold, with that
 * value in the reason), and a `history` that is not a list reads as none.
 */
const FlagFileSchema = z.object({
  enabled: z.unknown(),
  history: z.array(z.unknown()).optional().catch(undefined),
});

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
 * A file-backed {@link FlagAdmin}. `enabled` holds `true` or `false` (or `"on"`/`"off"`/`"hold"` in
 * any case); any other content is read as not understood, which the pipeline treats as hold with
 * that value in the reason. A file that cannot be read keeps the last reading, as the SSM flag does on AWS.
 * @example
 * const flag = new FileFlagAdmin({ path: '.b2a/flag.json', cacheSeconds: 1 });
 * if (await flag.isEnabled()) { ... }
 */
export class FileFlagAdmin implements FlagAdmin {
  private readonly path: string;
  private readonly changedBy: string | undefined;
  private readonly clock: Clock;
  private readonly cache: FlagCache;

  public constructor(options: FileFlagOptions) {
    this.path = options.path;
    this.changedBy = options.changedBy;
    this.clock = options.clock ?? systemClock;
    this.cache = new FlagCache(this.clock, (options.cacheSeconds ?? 0) * 1000);
  }

  /** @throws LocalStoreError when the file cannot be read and nothing was read before */
  public read(): Promise<FlagReading> {
    return this.cache.read(
      async () => (await this.load()).reading,
      () => true,
    );
  }

  public async isEnabled(): Promise<boolean> {
    return (await this.read()).state === 'on';
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
    this.cache.forget();
  }

  public async history(limit: number): Promise<FlagChange[]> {
    return (await this.load()).history.slice(0, limit);
  }

  /** @throws LocalStoreError when the file is not JSON */
  private async load(): Promise<{ reading: FlagReading; history: FlagChange[] }> {
    const raw = await readJsonFile(this.path);
    if (raw === undefined) return { reading: { state: 'on' }, history: [] };
    const fields: z.infer<typeof FlagFileSchema> = FlagFileSchema.safeParse(raw).data ?? {
      enabled: undefined,
    };
    // A change that is not one (edited by hand) is left out; the others stay.
    const history = (fields.history ?? []).flatMap((entry) => {
      const change = FlagChangeSchema.safeParse(entry);
      return change.success ? [change.data] : [];
    });
    const { enabled } = fields;
    if (typeof enabled === 'boolean') return { reading: { state: enabled ? 'on' : 'off' }, history };
    const reading = readFlagValue(typeof enabled === 'string' ? enabled : JSON.stringify(enabled ?? raw));
    return { reading, history };
  }
}
