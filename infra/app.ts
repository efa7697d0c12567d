/**
 * Builds the b2a CDK app: one stack per stage (`b2a-dev`, `b2a-demo`, `b2a-prod`), every one checked
 * by cdk-nag's AWS Solutions rules when the app synthesizes (an unacknowledged finding fails synth).
 */
import { App, Tags, Validations, type AppProps } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { STAGES } from './config/index.js';
import { resolveEnvironment, type StageConfig } from './config/stage-config.js';
import { stackNameOf } from '../pipeline-functions/core/resource-names.js';
import { B2aStack } from './stacks/B2aStack.js';

/** Options of {@link buildApp}. */
export interface BuildAppOptions {
  /** The stages to create. @default every stage in infra/config */
  readonly stages?: readonly StageConfig[];
  /** Where CDK_DEFAULT_ACCOUNT and CDK_DEFAULT_REGION are read. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Passed to the App (tests set `outdir` and context). */
  readonly appProps?: AppProps;
}

/** The app with its stacks, and the stacks by stage name. */
export interface B2aApp {
  readonly app: App;
  readonly stacks: Readonly<Record<string, B2aStack>>;
}

/**
 * Creates the app and its stacks.
 * @example const { app } = buildApp(); app.synth();
 */
export function buildApp(options: BuildAppOptions = {}): B2aApp {
  const app = new App(options.appProps);
  const env = options.env ?? process.env;
  const stacks: Record<string, B2aStack> = {};
  for (const config of options.stages ?? Object.values(STAGES)) {
    const stackName = stackNameOf(config.environment);
    const stack = new B2aStack(app, stackName, {
      stackName,
      description: `b2a (bucket to API), ${config.environment} stage`,
      env: resolveEnvironment(config, env),
      config,
      terminationProtection: config.removalPolicy === 'retain',
    });
    // Dashboards are left out: cfn-lint's schema does not know their (new) Tags property yet.
    Tags.of(stack).add('b2a:environment', config.environment, {
      excludeResourceTypes: ['AWS::CloudWatch::Dashboard'],
    });
    stacks[config.environment] = stack;
  }
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stacks };
}
