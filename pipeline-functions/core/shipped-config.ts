/**
 * The pipeline configuration as the stack ships it to the Lambda functions in `B2A_CONFIG`: validated
 * and normalized at synth by the schema in `config.ts`, then stamped with this format's version. The
 * functions check only its shape and the stamp, so zod (460 KiB of each bundle) stays out of them.
 * A stamp that is missing or different means the JSON did not come from this stack's synth: the
 * function fails at start rather than run on values nobody validated.
 */
import type { PipelineConfig } from './config.js';
import { ConfigError } from './errors.js';

/** The key of the stamp in the shipped JSON. */
export const SHIPPED_CONFIG_STAMP = 'b2aShippedConfig';

/** Version of the shipped format; raise it when the functions can no longer read an older one. */
export const SHIPPED_CONFIG_VERSION = 1;

type Leaf = 'string' | 'number' | 'array';
interface Section {
  readonly [field: string]: Leaf | Section;
}

/**
 * The fields every validated configuration has (defaults applied), by type. Typed against
 * `PipelineConfig`, so a new section does not compile until it is listed here.
 */
const REQUIRED: { readonly [K in keyof PipelineConfig]-?: Leaf | Section } = {
  environment: 'string',
  api: {
    url: 'string',
    method: 'string',
    headers: {},
    auth: { type: 'string' },
    credentialCacheSeconds: 'number',
    timeoutMs: 'number',
    maxConcurrentCalls: 'number',
  },
  payload: { mode: 'string', inlineLimitBytes: 'number', presignExpirySeconds: 'number' },
  filters: { prefix: 'string', suffix: 'string' },
  retry: { maxAttempts: 'number', baseDelaySeconds: 'number', maxDelaySeconds: 'number' },
  batch: { size: 'number', windowSeconds: 'number' },
  notifications: { on: 'array' },
  jobs: { historyLimit: 'number' },
  flag: { cacheSeconds: 'number' },
  versions: 'string',
  dedupe: 'string',
};

/**
 * The JSON the stack puts in `B2A_CONFIG`.
 * @param config the output of `parsePipelineConfig` (validated, defaults applied)
 * @example fn.addEnvironment(ENV.CONFIG, shipPipelineConfig(pipelineConfigOf(stage)))
 */
export function shipPipelineConfig(config: PipelineConfig): string {
  return JSON.stringify({ [SHIPPED_CONFIG_STAMP]: SHIPPED_CONFIG_VERSION, ...config });
}

/**
 * Reads what {@link shipPipelineConfig} wrote.
 * @param variable the environment variable it came from, named by every error
 * @throws ConfigError naming `variable` when the text is not JSON, carries no (or another) stamp, or
 *   lacks a field every validated configuration has.
 */
export function readShippedConfig(json: string, variable: string): PipelineConfig {
  let input: unknown;
  try {
    input = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(
      variable,
      `is not JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isRecord(input) || input[SHIPPED_CONFIG_STAMP] !== SHIPPED_CONFIG_VERSION) {
    throw new ConfigError(
      variable,
      `was not written by this version of the stack (no "${SHIPPED_CONFIG_STAMP}": ${SHIPPED_CONFIG_VERSION}); deploy the stack again`,
    );
  }
  const problem = shapeProblem(input, REQUIRED, '');
  if (problem) throw new ConfigError(variable, problem);
  const { [SHIPPED_CONFIG_STAMP]: _stamp, ...config } = input;
  // The stamp says the schema validated this at synth; the shape check caught a hand-edited variable.
  return config as unknown as PipelineConfig;
}

function shapeProblem(value: Record<string, unknown>, shape: Section, prefix: string): string | undefined {
  for (const [field, expected] of Object.entries(shape)) {
    const path = `${prefix}${field}`;
    const actual = value[field];
    if (typeof expected === 'string') {
      if (kindOf(actual) !== expected) return `${path} must be a ${expected}, not ${kindOf(actual)}`;
      continue;
    }
    if (!isRecord(actual)) return `${path} must be an object, not ${kindOf(actual)}`;
    const problem = shapeProblem(actual, expected, `${path}.`);
    if (problem) return problem;
  }
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
