import { describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { BUNDLING, LAMBDA_ALIASES } from '../../../infra/constructs/PipelineFunction.js';
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

/** The default credential chain of the SDK and what it pulls in: none of it runs on Lambda. */
const CREDENTIAL_CHAIN = [
  '@aws-sdk/credential-provider-node',
  '@aws-sdk/credential-provider-ini',
  '@aws-sdk/credential-provider-sso',
  '@aws-sdk/credential-provider-process',
  '@aws-sdk/credential-provider-web-identity',
  '@aws-sdk/credential-provider-login',
  '@aws-sdk/credential-provider-http',
  '@aws-sdk/token-providers',
  '@aws-sdk/nested-clients',
  '@smithy/credential-provider-imds',
];

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

  it('replaces the SDK default credential chain by the environment variables provider in both bundles', async () => {
    // Act
    const { enrichment, target } = await metafiles();

    // Assess: Lambda sets the role's credentials as variables
    // (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime)
    for (const metafile of [enrichment, target]) {
      const packages = packagesIn(metafile);
      for (const chain of CREDENTIAL_CHAIN) expect(packages).not.toContain(chain);
      expect(packages).toContain('@aws-sdk/credential-provider-env');
      expect(Object.keys(metafile.inputs)).toContain('pipeline-functions/lambda/env-credential-provider.ts');
    }
  });

  it('passes the alias to NodejsFunction as the esbuild CLI flag, from the project root', () => {
    // Assess: aws-cdk-lib renders `--alias` values as `--alias:name=path` (aws/aws-cdk#25385)
    expect(BUNDLING.esbuildArgs).toEqual({
      '--alias': ['@aws-sdk/credential-provider-node=./pipeline-functions/lambda/env-credential-provider.ts'],
    });
    expect(LAMBDA_ALIASES).toEqual({
      '@aws-sdk/credential-provider-node': './pipeline-functions/lambda/env-credential-provider.ts',
    });
  });

  it('bundles the AWS SDK (one file to read at a cold start) and ships no source map', () => {
    // Assess
    expect(BUNDLING).toMatchObject({ externalModules: [], sourceMap: false, minify: true, format: 'esm' });
  });
});
