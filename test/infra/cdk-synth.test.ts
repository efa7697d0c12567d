import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { STAGES } from '../../infra/config/index.js';
import type { StageConfig } from '../../infra/config/stage-config.js';
import { synthesize, type Synthesized } from './support/synth.js';

/**
 * The one synth that does everything `cdk synth` does: esbuild bundles the functions, and aws-cdk-lib's
 * CloudFormation validator runs, strictly (its warnings fail synth too).
 */
let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize({
    stages: [STAGES['dev'] as StageConfig],
    bundle: true,
    validate: true,
    context: { '@aws-cdk/core:strictCfnValidateErrors': true },
  });
});

afterAll(() => synthesized.cleanup());

/** The directory of a function's bundled code: the asset named by its code's S3 key. */
function bundleOf(functionName: string): string {
  const stack = synthesized.assembly.getStackByName('b2a-dev');
  const resources = Object.values(
    stack.template.Resources as Record<
      string,
      { Properties: { FunctionName?: string; Code?: { S3Key?: string } } }
    >,
  );
  const key = resources.find((resource) => resource.Properties.FunctionName === functionName)?.Properties.Code
    ?.S3Key;
  if (!key) throw new Error(`no function ${functionName} with code in an S3 asset`);
  return join(synthesized.outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

describe('Synth: like the CDK CLI', () => {
  it('reports no CloudFormation validation finding', () => {
    // Prepare
    const report = JSON.parse(readFileSync(join(synthesized.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: unknown[] }[];
    };

    // Assess
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);
  });

  it.each(['b2a-dev-enrichment', 'b2a-dev-target'])(
    'bundles %s into one ESM file exporting handler',
    async (name) => {
      // Prepare
      const bundle = join(bundleOf(name), 'index.mjs');

      // Act
      const module = (await import(pathToFileURL(bundle).href)) as { handler?: unknown };

      // Assess
      expect(typeof module.handler).toBe('function');
    },
  );

  it.each(['b2a-dev-enrichment', 'b2a-dev-target'])(
    'bundles %s with the environment variables credential provider, not the default chain',
    (name) => {
      // Prepare: the debug messages each provider logs name it, and survive minification
      const code = readFileSync(join(bundleOf(name), 'index.mjs'), 'utf8');

      // Assess
      expect(code).toContain('@aws-sdk/credential-provider-env - fromEnv');
      expect(code).not.toContain('@aws-sdk/credential-provider-process - fromProcess');
      expect(code).not.toContain('@aws-sdk/credential-provider-ini - fromIni');
      expect(code).not.toContain('@aws-sdk/credential-provider-sso - fromSSO');
    },
  );

  it.each(['b2a-dev-enrichment', 'b2a-dev-target'])(
    'bundles %s with the event streams stub, not the SDK event stream codec',
    (name) => {
      // Prepare
      const code = readFileSync(join(bundleOf(name), 'index.mjs'), 'utf8');

      // Assess: the codec's header name, and the stub's message
      expect(code).not.toContain(':message-type');
      expect(code).toContain('event streams are not in the Lambda bundles');
    },
  );
});
