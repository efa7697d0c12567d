import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/layers', import.meta.url));
const CONFIG = `${ROOT}.dependency-cruiser.cjs`;
const TS_CONFIG = `${ROOT}tsconfig.json`;
const KNOWN_VIOLATIONS = `${ROOT}.dependency-cruiser-known-violations.json`;

/** The folders `npm run lint:imports` cruises. */
const SOURCES = ['bin', 'cli', 'infra', 'pipeline-functions'];

/** Runs the project's rules the way `npm run lint:imports` does, on `sources` under `baseDir`. */
async function violationsIn(
  baseDir: string,
  sources: string[],
  knownViolations: IViolation[] = [],
): Promise<{ rule: string; from: string; to: string }[]> {
  const options = await extractDepcruiseOptions(CONFIG);
  const { output } = await cruise(
    sources,
    { ...options, baseDir, knownViolations, tsConfig: { fileName: TS_CONFIG } },
    undefined,
    { tsConfig: extractTSConfig(TS_CONFIG) },
  );
  const result = output as ICruiseResult;
  // Known violations come back too, with their severity lowered to 'ignore'.
  return result.summary.violations
    .filter((violation: IViolation) => violation.rule.severity !== 'ignore')
    .map((violation) => ({ rule: violation.rule.name, from: violation.from, to: violation.to }));
}

describe('Import rules: .dependency-cruiser.cjs', () => {
  it('reports each deliberately bad import of the fixture tree, and nothing it allows', async () => {
    // Act
    const violations = await violationsIn(FIXTURE, ['cli', 'infra', 'pipeline-functions']);

    // Assess
    const byRule = (a: { rule: string; from: string }, b: { rule: string; from: string }) =>
      `${a.rule} ${a.from}`.localeCompare(`${b.rule} ${b.from}`);
    expect([...violations].sort(byRule)).toEqual(
      [
        {
          rule: 'core-is-pure',
          from: 'pipeline-functions/core/uses-sdk.ts',
          to: expect.stringMatching(/node_modules\/@aws-sdk\/client-s3\//),
        },
        {
          rule: 'adapters-not-to-runtimes',
          from: 'pipeline-functions/adapters/aws/uses-handler.ts',
          to: 'pipeline-functions/handlers/handler.ts',
        },
        {
          rule: 'pipeline-functions-not-to-cli-or-infra',
          from: 'pipeline-functions/local/uses-cli.ts',
          to: 'cli/main.ts',
        },
        { rule: 'cli-not-to-infra', from: 'cli/main.ts', to: 'infra/names.ts' },
        { rule: 'views-not-to-commands', from: 'cli/views/View.ts', to: 'cli/commands/command.ts' },
        // A cycle is reported once, from the first of its modules.
        { rule: 'no-circular', from: 'cli/commands/command.ts', to: 'cli/views/View.ts' },
      ].sort(byRule),
    );
  });

  it('finds no violation in bin, cli, infra and pipeline-functions beyond the known ones', async () => {
    // Prepare
    const known = JSON.parse(readFileSync(KNOWN_VIOLATIONS, 'utf8')) as IViolation[];

    // Act
    const violations = await violationsIn(ROOT, SOURCES, known);

    // Assess
    expect(violations).toEqual([]);
  });

  it('has no known violations left: the baseline is empty, so every violation fails', () => {
    // Prepare
    const known = JSON.parse(readFileSync(KNOWN_VIOLATIONS, 'utf8')) as IViolation[];

    // Assess
    expect(known).toEqual([]);
  });
});
