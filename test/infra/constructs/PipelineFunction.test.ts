import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLING } from '../../../infra/constructs/PipelineFunction.js';
import { LAMBDA_ENTRIES } from '../../../infra/paths.js';
import { esbuildOptionsOf } from '../../bench/bundles.js';

/** Bundles each function as NodejsFunction would with the stack's BUNDLING and returns esbuild's metafile. */
async function metafiles(): Promise<Record<keyof typeof LAMBDA_ENTRIES, Metafile>> {
  const dir = await mkdtemp(join(tmpdir(), 'b2a-bundle-test-'));
  try {
    const bundle = async (name: keyof typeof LAMBDA_ENTRIES): Promise<Metafile> => {
      const options = esbuildOptionsOf(LAMBDA_ENTRIES[name], join(dir, name, 'index.mjs'));
      return (await build({ ...options, metafile: true, write: false })).metafile;
    };
    return { enrichment: await bundle('enrichment'), target: await bundle('target') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The npm packages whose files are in a bundle. */
function packagesIn(metafile: Metafile): Set<string> {
  const names = Object.keys(metafile.inputs).flatMap((input) => {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    return match?.[1] ? [match[1]] : [];
  });
  return new Set(names);
}

describe('Construct: PipelineFunction bundling', () => {
  it('keeps zod and undici out of both bundles: mTLS goes through node:https', async () => {
    // Act
    const { enrichment, target } = await metafiles();

    // Assess: the stack validated the configuration at synth (core/shipped-config.ts)
    for (const metafile of [enrichment, target]) {
      expect(packagesIn(metafile)).not.toContain('zod');
      expect(packagesIn(metafile)).not.toContain('undici');
    }
    const imports = Object.values(enrichment.inputs).flatMap((input) => input.imports);
    expect(imports.some((imported) => imported.path === 'node:https')).toBe(true);
  });

  it('bundles the AWS SDK (one file to read at a cold start) and ships no source map', () => {
    // Assess
    expect(BUNDLING).toMatchObject({ externalModules: [], sourceMap: false, minify: true, format: 'esm' });
  });
});
