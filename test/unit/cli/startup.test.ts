/**
 * `b2a --help` and `b2a toggle` must start fast: nothing reachable through static imports from the
 * program may load ink, React or an AWS SDK client; those are imported dynamically where needed.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const FORBIDDEN = /^(ink|ink-spinner|react|@aws-sdk\/.*)$/;

/** Static (value) imports and re-exports of a module; `import type` and `import()` are left out. */
function staticImports(source: string): string[] {
  const specifiers: string[] = [];
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
  for (const match of source.matchAll(pattern)) if (match[1]) specifiers.push(match[1]);
  return specifiers;
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  return [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base].find((f) => existsSync(f));
}

/** Every bare package reached through static imports from `entry`, with the chain that reaches it. */
function reachablePackages(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const here = [...chain, relative(ROOT, file)];
    for (const specifier of staticImports(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) {
        const target = resolveLocal(file, specifier);
        if (target) visit(target, here);
      } else if (!specifier.startsWith('node:') && !packages.has(specifier)) {
        packages.set(specifier, here);
      }
    }
  };
  visit(entry, []);
  return packages;
}

describe('Module graph: cli/main.ts', () => {
  it('loads no ink, React or AWS SDK client through static imports', () => {
    // Act
    const reached = reachablePackages(join(ROOT, 'cli/main.ts'));
    const forbidden = [...reached]
      .filter(([name]) => FORBIDDEN.test(name))
      .map(([name, chain]) => `${name} via ${chain.join(' > ')}`);

    // Assess
    expect(reached.has('commander')).toBe(true);
    expect(forbidden).toEqual([]);
  });

  it('loads commander and no other package through static imports (b2a --help, issue 14)', () => {
    // Prepare: before issue 14, zod (the backfill's checkpoint), string-width and cli-truncate (the
    // tables) and @smithy/core/retry (the error classification) loaded at every start: 140 ms more.
    const allowed = new Set(['commander']);

    // Act
    const reached = reachablePackages(join(ROOT, 'cli/main.ts'));
    const others = [...reached]
      .filter(([name]) => !allowed.has(name))
      .map(([name, chain]) => `${name} via ${chain.join(' > ')}`);

    // Assess
    expect(others).toEqual([]);
  });

  it('would notice a static ink import (the scan itself works)', () => {
    expect(
      staticImports(
        `import { render } from 'ink';\nimport type { X } from 'react';\nconst v = await import('@aws-sdk/client-s3');`,
      ),
    ).toEqual(['ink']);
    expect(reachablePackages(join(ROOT, 'cli/interactive.tsx')).has('ink')).toBe(true);
  });
});
