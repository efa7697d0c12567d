/** Runs the real CLI (`node bin/b2a.js`) as a child process, with an environment that reaches no AWS. */
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const BIN = resolve(ROOT, 'bin/b2a.js');
const FORBID = resolve(fileURLToPath(new URL('.', import.meta.url)), 'forbid-modules.mjs');

/** What one run printed and how it exited. */
export interface ProcessRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Variables removed from the child's environment so that no real profile or region leaks in. */
const SCRUBBED = /^(AWS_|B2A_|NO_COLOR$|FORCE_COLOR$)/;

/**
 * Runs `b2a <args>`. AWS settings point at files that do not exist, fake keys and `endpoint` (a
 * loopback stub, or a closed port by default), so nothing can reach AWS.
 */
export function runB2a(
  args: readonly string[],
  options: { env?: Record<string, string>; endpoint?: string; forbid?: readonly string[] } = {},
): Promise<ProcessRun> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([name]) => !SCRUBBED.test(name)));
  const env: NodeJS.ProcessEnv = {
    ...base,
    NODE_OPTIONS: '',
    AWS_CONFIG_FILE: resolve(ROOT, 'nonexistent/config'),
    AWS_SHARED_CREDENTIALS_FILE: resolve(ROOT, 'nonexistent/credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: 'eu-west-1',
    AWS_MAX_ATTEMPTS: '1',
    AWS_ENDPOINT_URL: options.endpoint ?? 'http://127.0.0.1:9',
    ...(options.forbid ? { B2A_FORBIDDEN_MODULES: options.forbid.join(',') } : {}),
    ...options.env,
  };
  const nodeArgs = [...(options.forbid ? ['--import', FORBID] : []), BIN, ...args];
  return new Promise((resolveRun) => {
    execFile(process.execPath, nodeArgs, { cwd: ROOT, env, timeout: 20_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolveRun({ code, stdout, stderr });
    });
  });
}
