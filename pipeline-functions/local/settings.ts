/**
 * The local runtime's configuration: the same pipeline schema as the AWS stages (core/config.ts),
 * with local defaults, plus a `local` section for what only exists here. Read from an optional JSON
 * file (`<dataDir>/config.json`, or `--config <file>`) and overridden by flags and the programmatic API.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import {
  parsePipelineConfig,
  parseWith,
  type PipelineConfig,
  type PipelineConfigInput,
} from '../core/config.js';
import { ConfigError } from '../core/errors.js';

const port = z.number().int().min(0).max(65_535);

/** Settings of the local runtime only (the `local` section of the config file). */
export const LocalSettingsSchema = z
  .object({
    /** The bucket name the inbox directory stands for (events and jobs carry it). @default local-inbox */
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid S3 bucket name')
      .default('local-inbox'),
    inbox: z
      .object({
        /**
         * How often the whole inbox is walked. File events start a scan of the files they name in
         * between; the walk finds what they miss and what was deleted. @default 500
         */
        scanIntervalMs: z.number().int().min(10).max(60_000).default(500),
        /**
         * A file is complete once its size and mtime have not changed for this long: the delay a
         * file written in place waits. A writer that pauses longer (a slow network copy) should write
         * to a `.part` name and rename. @default 200
         */
        stableMs: z.number().int().min(0).max(600_000).default(200),
      })
      .prefault({}),
    queue: z
      .object({
        /** A received message not deleted within this time is delivered again. @default 30 */
        visibilityTimeoutSeconds: z.number().min(0.1).max(43_200).default(30),
        /** Receives before a message goes to the dead-letter queue (AWS advises >= 5). @default 5 */
        maxReceiveCount: z.number().int().min(1).max(1000).default(5),
        /** How often the queue directory is checked for messages the CLI sent. @default 500 */
        pollIntervalMs: z.number().int().min(10).max(60_000).default(500),
        /** Batches in flight at once (Pipes runs several pollers). @default 2 */
        concurrentBatches: z.number().int().min(1).max(64).default(2),
        /** fsync every queue and retry file; off is faster and safe against crashes, not power cuts. @default true */
        durable: z.boolean().default(true),
      })
      .prefault({}),
    /** Multiplies every retry delay (e.g. 0.1 for demos and tests). @default 1 */
    timeScale: z.number().gt(0).max(1).default(1),
    ports: z
      .object({
        /** The built-in demo API (when no api.url is given). 0: a free port. @default 0 */
        demoApi: port.default(0),
        /** dynalite, the jobs store. 0: a free port. @default 0 */
        dynamodb: port.default(0),
        /** The object server behind presigned URLs. 0: a free port. @default 0 */
        objects: port.default(0),
      })
      .prefault({}),
  })
  .prefault({});

export type LocalSettings = z.infer<typeof LocalSettingsSchema>;
export type LocalSettingsInput = z.input<typeof LocalSettingsSchema>;

/** A local configuration as written: the pipeline schema with `api.url` optional, plus `local`. */
export type LocalConfigInput = Omit<Partial<PipelineConfigInput>, 'api'> & {
  readonly api?: Partial<PipelineConfigInput['api']>;
  readonly local?: LocalSettingsInput;
};

/** Defaults that differ from AWS: quick retries and batches, a flag that follows the CLI within a second. */
export const LOCAL_DEFAULTS = {
  environment: 'local',
  retry: { maxAttempts: 5, baseDelaySeconds: 2, maxDelaySeconds: 60 },
  batch: { size: 10, windowSeconds: 1 },
  flag: { cacheSeconds: 1, holdDeferSeconds: 30 },
} as const satisfies LocalConfigInput;

/** The configuration the runtime starts with. */
export interface LoadedLocalConfig {
  /** The merged input: defaults › file › overrides (api.url may still be missing). */
  readonly input: LocalConfigInput;
  readonly settings: LocalSettings;
  /** The file read, if any. */
  readonly file?: string;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Merges `over` into `base`: objects key by key, anything else replaced. */
export function mergeConfig<T>(base: T, over: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(over)) return (over === undefined ? base : over) as T;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value !== undefined) merged[key] = mergeConfig(merged[key], value);
  }
  return merged as T;
}

/**
 * Reads the local configuration: `configFile` when given (it must exist), else `<dataDir>/config.json`
 * when it exists; then `overrides` on top.
 * @throws ConfigError naming the file and the field when the file is not valid JSON or not valid config.
 */
export async function loadLocalConfig(options: {
  readonly defaultFile: string;
  readonly configFile?: string;
  readonly overrides?: LocalConfigInput;
}): Promise<LoadedLocalConfig> {
  const file = options.configFile ?? (existsSync(options.defaultFile) ? options.defaultFile : undefined);
  let fromFile: unknown = {};
  if (file) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ConfigError(file, `cannot read the config file: ${(error as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError(file, `is not valid JSON: ${(error as Error).message}`);
    }
    if (!isPlainObject(fromFile)) throw new ConfigError(file, 'must hold a JSON object');
  }
  const input = mergeConfig(mergeConfig<LocalConfigInput>(LOCAL_DEFAULTS, fromFile), options.overrides);
  const source = file ?? 'local configuration';
  const settings = parseWith(LocalSettingsSchema, input.local ?? {}, source);
  // Validate the pipeline part now, before anything starts (the demo API's URL may fill api.url later).
  resolvePipelineConfig(input, input.api?.url ?? 'http://127.0.0.1/', source);
  return { input, settings, ...(file ? { file } : {}) };
}

/** The pipeline configuration with `api.url` set. @throws ConfigError */
export function resolvePipelineConfig(
  input: LocalConfigInput,
  apiUrl: string,
  source = 'config',
): PipelineConfig {
  const { local: _local, ...pipeline } = input;
  return parsePipelineConfig({ ...pipeline, api: { ...pipeline.api, url: apiUrl } }, source);
}
