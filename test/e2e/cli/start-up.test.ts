import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli, freshCli } from '../../../bin/cli-build.js';
import { ROOT } from './support/run-b2a.js';

const FORBID = resolve(fileURLToPath(new URL('.', import.meta.url)), 'support/forbid-modules.mjs');

/** Runs the compiled CLI's `main` in a child process that fails on importing any of `forbidden`. */
function runCompiled(entry: URL, args: readonly string[], forbidden: readonly string[]) {
  const script =
    'const { main } = await import(process.argv[1]); process.exitCode = await main(["node", "b2a", ...process.argv.slice(2)]);';
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      ['--import', FORBID, '--input-type=module', '-e', script, entry.href, ...args],
      { cwd: ROOT, env: { ...process.env, NODE_OPTIONS: '', B2A_FORBIDDEN_MODULES: forbidden.join(',') } },
      (error, stdout, stderr) =>
        done({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

describe('Start-up: the CLI compiled at install (bin/cli-build.js)', () => {
  // Directly under the repository root, as dist/ is: the CLI finds package.json one level up.
  let outDir: string;

  beforeAll(async () => {
    outDir = mkdtempSync(join(ROOT, '.cli-build-test-'));
    expect(await buildCli(outDir)).toBe(true);
  });

  afterAll(() => {
    rmSync(outDir, { recursive: true, force: true });
  });

  it('prints the help without compiling TypeScript or loading ink, React or an SDK client', async () => {
    // Prepare
    const entry = freshCli(outDir);

    // Act
    const run = await runCompiled(entry!, ['--help'], ['tsx', 'ink', 'react', '@aws-sdk/client-dynamodb']);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: b2a');
  });

  it('is not used once a source it was built from is newer or gone, so an edit is never ignored', () => {
    // Prepare
    const manifestFile = join(outDir, 'b2a-cli.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
      builtAtMs: number;
      inputs: string[];
    };
    const fresh = freshCli(outDir);

    // Act
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, builtAtMs: 0 }));
    const afterAnEdit = freshCli(outDir);
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, inputs: [...manifest.inputs, 'cli/gone.ts'] }));
    const afterADeletion = freshCli(outDir);

    // Assess
    expect(manifest.inputs).toContain('cli/main.ts');
    expect(fresh?.href).toBe(new URL('b2a-cli.js', `file://${outDir}/`).href);
    expect(afterAnEdit).toBeUndefined();
    expect(afterADeletion).toBeUndefined();
  });
});
