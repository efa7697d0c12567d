import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DEMO = fileURLToPath(new URL('../../../bin/demo.js', import.meta.url));

describe('Script: npm run demo', () => {
  it('tours the local runtime and exits 0', async () => {
    // Act
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [DEMO], { timeout: 90_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    // Assess
    expect(result.stderr).not.toContain('demo failed');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$ b2a reprocess --skipped');
    expect(result.stdout).toMatch(/reject-me\.json\s+FAILED/);
    expect(result.stdout).toContain('Done: every file ended as expected');
  }, 100_000);
});
