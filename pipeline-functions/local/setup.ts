/**
 * What the local runtime starts from: its options, the configuration it reads, and the data
 * directory it claims (created if missing, refused if another runtime runs on it).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { hasErrorCode, writeFileAtomic } from '../adapters/local/files.js';
import { systemClock, type Clock } from '../core/ports.js';
import { localPaths, type LocalPaths } from './data-dir.js';
import { RuntimeAlreadyRunningError } from './errors.js';
import { RuntimeLog, type LogSink } from './log.js';
import { findLiveRuntime } from './runtime-file.js';
import { loadLocalConfig, type LocalConfigInput, type LocalSettings } from './settings.js';

/** Options of `startLocalRuntime`. */
export interface LocalRuntimeOptions {
  /** The data directory (created if missing). */
  readonly dataDir: string;
  /** A real downstream API; without it (and without `api.url` in the config) the demo API is started. */
  readonly apiUrl?: string;
  /** A config file; default `<dataDir>/config.json` when it exists. */
  readonly configFile?: string;
  /** Config on top of the file (same shape: pipeline schema plus `local`). */
  readonly config?: LocalConfigInput;
  /** Where log entries go. @default nowhere */
  readonly log?: LogSink;
  /** Let the demo API misbehave for keys containing `reject` or `flaky` (the demo tour). @default false */
  readonly demoApiScenarios?: boolean;
  /** Environment variables `{"env": NAME}` credential sources read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** The options resolved, the configuration read and the data directory claimed. */
export interface RuntimeSetup {
  readonly dataDir: string;
  readonly paths: LocalPaths;
  readonly log: RuntimeLog;
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly demoApiScenarios: boolean;
  /** The merged configuration input (`api.url` may still be missing). */
  readonly input: LocalConfigInput;
  readonly settings: LocalSettings;
  /** The config file read, or `local configuration`: named in config errors. */
  readonly configSource: string;
  /** The API URL from the options or the config; without one the demo API is started. */
  readonly givenApiUrl: string | undefined;
  /** The data directory's HMAC secret for presigned URLs. */
  readonly secret: Buffer;
}

/**
 * Reads the configuration and claims the data directory.
 * @throws ConfigError, RuntimeAlreadyRunningError
 */
export async function prepareRuntime(options: LocalRuntimeOptions): Promise<RuntimeSetup> {
  const dataDir = resolve(options.dataDir);
  const paths = localPaths(dataDir);
  const log = new RuntimeLog(options.log);
  const loaded = await loadLocalConfig({
    defaultFile: paths.config,
    ...(options.configFile ? { configFile: options.configFile } : {}),
    ...(options.config ? { overrides: options.config } : {}),
  });
  const givenApiUrl = options.apiUrl ?? loaded.input.api?.url;

  await mkdir(paths.inbox, { recursive: true });
  const running = await findLiveRuntime(paths.runtime);
  if (running) throw new RuntimeAlreadyRunningError(dataDir, running.pid);

  return {
    dataDir,
    paths,
    log,
    clock: options.clock ?? systemClock,
    env: options.env ?? process.env,
    demoApiScenarios: options.demoApiScenarios ?? false,
    input: loaded.input,
    settings: loaded.settings,
    configSource: loaded.file ?? 'local configuration',
    givenApiUrl,
    secret: await loadSecret(paths.secret),
  };
}

/** Reads the data directory's HMAC secret, creating it on first use. */
async function loadSecret(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
  }
  try {
    await writeFileAtomic(path, randomBytes(32), { exclusive: true });
  } catch (error) {
    if (!hasErrorCode(error, 'EEXIST')) throw error;
  }
  return readFile(path);
}
