/**
 * Synthesizes the b2a app for the infra tests, as `cdk synth` would (same feature flags from
 * cdk.json, cdk-nag on), into a temporary directory. Function bundling (esbuild) and CloudFormation
 * validation are off unless asked for, so most suites synthesize in about a second.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, type B2aApp } from '../../../infra/app.js';
import type { StageConfig } from '../../../infra/config/stage-config.js';
import { PROJECT_ROOT } from '../../../infra/paths.js';

export interface SynthOptions {
  /** @default every stage in infra/config */
  readonly stages?: readonly StageConfig[];
  /** Bundle the functions with esbuild. @default false */
  readonly bundle?: boolean;
  /** Run aws-cdk-lib's CloudFormation validator (about 2 s). @default false */
  readonly validate?: boolean;
  /** Extra context, e.g. strict validation flags. */
  readonly context?: Readonly<Record<string, unknown>>;
  /** Changes the app before it synthesizes (e.g. adds a construct cdk-nag must catch). */
  readonly extend?: (app: App) => void;
}

export interface Synthesized extends B2aApp {
  readonly assembly: CloudAssembly;
  readonly outdir: string;
  /** Removes the temporary output directory. */
  cleanup(): void;
}

/** The feature flags and context that cdk.json gives the CDK CLI. */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  return cdkJson.context;
}

/**
 * Builds and synthesizes the app with no AWS credentials in sight (account and region come from the
 * stage configs or the placeholders).
 * @throws whatever synth throws, e.g. the cdk-nag report of an unacknowledged finding.
 */
export function synthesize(options: SynthOptions = {}): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'b2a-cdk-'));
  const context: Record<string, unknown> = { ...cdkJsonContext(), ...options.context };
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  const previous = process.env['CDK_VALIDATION'];
  process.env['CDK_VALIDATION'] = options.validate ? 'true' : 'false';
  try {
    const b2a = buildApp({ stages: options.stages, env: {}, appProps: { outdir, context } });
    options.extend?.(b2a.app);
    const assembly = b2a.app.synth();
    return { ...b2a, assembly, outdir, cleanup: () => rmSync(outdir, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(outdir, { recursive: true, force: true });
    throw error;
  } finally {
    if (previous === undefined) delete process.env['CDK_VALIDATION'];
    else process.env['CDK_VALIDATION'] = previous;
  }
}
