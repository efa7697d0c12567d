/**
 * `node bin/bench.js --quick` as a smoke test: every section runs and reports numeric figures. It
 * asserts nothing about time: the figures are for reading, and this machine may be busy.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { SECTIONS, type BenchResults } from './report.js';

const BENCH = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../bin/bench.js');

function runBench(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

describe('Benchmark: bin/bench.js --quick', () => {
  it('prints every section and writes numeric figures for each to the JSON file', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'b2a-bench-test-'));
    const out = join(dir, 'results.json');

    try {
      // Act
      const run = await runBench(['--quick', '--out', out]);

      // Assess
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      for (const title of Object.values(SECTIONS)) expect(run.stdout).toContain(`## ${title}`);
      const results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
      expect(results.mode).toBe('quick');
      expect(results.machine.cpus).toBeGreaterThan(0);
      expect(Object.keys(results.sections).sort()).toEqual(Object.keys(SECTIONS).sort());
      for (const [key, section] of Object.entries(results.sections)) {
        const figures = Object.entries(section.figures);
        expect({ key, count: figures.length > 0 }).toEqual({ key, count: true });
        const notNumeric = figures.filter(
          ([, value]) => typeof value !== 'number' || !Number.isFinite(value),
        );
        expect({ key, notNumeric }).toEqual({ key, notNumeric: [] });
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('plans the backfill on as many objects as --backfill-objects asks', async () => {
    // Prepare
    const dir = await mkdtemp(join(tmpdir(), 'b2a-bench-test-'));
    const out = join(dir, 'results.json');

    try {
      // Act
      const run = await runBench([
        '--quick',
        '--only',
        'backfill',
        '--backfill-objects',
        '300',
        '--out',
        out,
      ]);

      // Assess
      expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({ code: 0, stderr: '' });
      const results = JSON.parse(await readFile(out, 'utf8')) as BenchResults;
      expect(results.sizes.backfill.objects).toBe(300);
      expect(results.sections.backfill?.figures['listed']).toBe(300);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses a --backfill-objects that is not a whole number', async () => {
    // Act
    const run = await runBench(['--backfill-objects', 'many']);

    // Assess
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--backfill-objects: expected a whole number, got many');
  }, 60_000);
});
