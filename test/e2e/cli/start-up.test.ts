import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { buildCli, freshCli } from '../../../bin/cli-build.js';
import { jobsTableDefinition } from '../../../pipeline-functions/adapters/aws/jobs-table.js';
import { localPaths, LOCAL_TABLE_NAME } from '../../../pipeline-functions/local/data-dir.js';
import { writeRuntimeInfo } from '../../../pipeline-functions/local/runtime-file.js';
import { FAKE_CREDENTIALS, startDynalite } from '../../support/dynalite.js';
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

  it('lists jobs from a running local runtime without loading dynalite, which only a store it opens itself needs', async () => {
    // Prepare: a "runtime" (this process) whose store is a dynalite on loopback
    const entry = freshCli(outDir);
    const db = await startDynalite();
    const client = new DynamoDBClient({
      endpoint: db.endpoint,
      region: 'us-east-1',
      credentials: FAKE_CREDENTIALS,
    });
    const dataDir = mkdtempSync(join(outDir, 'data-'));
    const paths = localPaths(dataDir);
    try {
      await client.send(new CreateTableCommand(jobsTableDefinition(LOCAL_TABLE_NAME)));
      await writeRuntimeInfo(paths.runtime, {
        pid: process.pid,
        startedAt: new Date().toISOString(),
        dataDir,
        bucket: 'local-inbox',
        inboxDir: paths.inbox,
        dynamodbEndpoint: db.endpoint,
        apiUrl: 'http://127.0.0.1:9/',
        objectServerUrl: 'http://127.0.0.1:9/',
      });

      // Act
      const run = await runCompiled(
        entry!,
        ['--env', 'local', '--data-dir', dataDir, '--json', 'jobs', '--failed'],
        ['dynalite', 'ink', 'react'],
      );

      // Assess (the SDK may warn on stderr about the Node.js version: only the forbidden import counts)
      expect(run.stderr).not.toContain('forbidden module');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([]);
    } finally {
      client.destroy();
      await db.stop();
    }
  });

  it('requires the CommonJS packages and imports the ES modules (Node.js 20 lexes every file of a CommonJS package it imports)', () => {
    // Prepare: @aws-sdk/client-dynamodb ships CommonJS only; ink is an ES module; commander has an ES module entry
    const output = readdirSync(outDir)
      .filter((file) => file.endsWith('.js'))
      .map((file) => readFileSync(join(outDir, file), 'utf8'))
      .join('\n');

    // Assess
    expect(output).toContain('__require("@aws-sdk/client-dynamodb")');
    expect(output).not.toMatch(/from ["']@aws-sdk\/client-dynamodb["']/);
    expect(output).toMatch(/from ["']ink["']/);
    expect(output).toMatch(/from ["']commander["']/);
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
