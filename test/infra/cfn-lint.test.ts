import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { synthesize, type Synthesized } from './support/synth.js';

/**
 * CDK adds a DependsOn on a function's role next to the GetAtt of that role (its own custom-resource
 * providers included): redundant, harmless, and not b2a's to change.
 */
const IGNORED_CHECKS = ['W3005'];

/** Runs the installed cfn-lint; a missing binary fails with what to install. */
function cfnLint(args: readonly string[]): { status: number; output: string } {
  const result = spawnSync('cfn-lint', args, { encoding: 'utf8' });
  if (result.error) {
    throw new Error(
      `cfn-lint is not on PATH (${result.error.message}). Install it: pip install cfn-lint==1.51.0 ` +
        '(CI installs it; see .github/workflows/ci.yml).',
    );
  }
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}` };
}

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize();
});

afterAll(() => synthesized.cleanup());

describe('Tool: cfn-lint', () => {
  it('is installed', () => {
    // Act
    const { status, output } = cfnLint(['--version']);

    // Assess
    expect(status).toBe(0);
    expect(output).toMatch(/cfn-lint \d+\.\d+/);
  });

  it.each(['b2a-dev', 'b2a-demo', 'b2a-prod'])('finds nothing wrong in the %s template', (stackName) => {
    // Prepare
    const template = join(synthesized.outdir, synthesized.assembly.getStackByName(stackName).templateFile);

    // Act
    const { status, output } = cfnLint([
      '--format',
      'parseable',
      '--ignore-checks',
      ...IGNORED_CHECKS,
      '--',
      template,
    ]);

    // Assess
    expect(output).toBe('');
    expect(status).toBe(0);
  });
});
