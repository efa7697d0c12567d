import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { B2aError } from '../../pipeline-functions/core/errors.js';
import type { EnvName } from '../../pipeline-functions/core/function-environment.js';
import { LOCK_FILE, PROJECT_ROOT } from '../paths.js';

/** Props of {@link PipelineFunction}. */
export interface PipelineFunctionProps {
  readonly functionName: string;
  readonly description: string;
  /** The TypeScript entry point exporting `handler`. */
  readonly entry: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Instances that may run at once. @default unreserved */
  readonly reservedConcurrency?: number;
  /**
   * The variables the handler reads (`FUNCTION_ENVIRONMENT`): each must be set by one connection
   * (see connections.ts) before synth, and no other may be.
   */
  readonly variables: readonly EnvName[];
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Modules the Lambda bundles replace (esbuild `alias`, resolved from the project root), each by a
 * small module in pipeline-functions/lambda/ that says why: the SDK clients' default credential
 * chain, which a function never uses, by the environment variables' provider; the SDK's event
 * streams, which no b2a operation uses, by a stub that fails if one ever did. The CLI and the local
 * runtime are not bundled with these settings and keep the real modules.
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './pipeline-functions/lambda/env-credential-provider.ts',
  '@smithy/core/event-streams': './pipeline-functions/lambda/event-streams-stub.ts',
};

/**
 * esbuild settings of every b2a function: the AWS SDK v3 is bundled (tree-shaken, pinned by the lock
 * file) rather than taken from the runtime, and the ESM output gets a `require` for the CommonJS
 * dependencies that call it.
 *
 * The SDK stays inside although the runtime has one: a bundled SDK imports in one file, the runtime's
 * resolves and reads hundreds (https://github.com/aws/aws-cdk/issues/25492, by the SDK's maintainers;
 * `npm run bench` measures both, docs/benchmarks.md), and the lock file, not the runtime's updates,
 * decides its version. No source map: with `--enable-source-maps` Node reads it at every cold start,
 * and the logs name errors by their `name` and message, not by stack frames.
 */
export const BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  minify: true,
  // No `keepNames` (its `__name` wrappers cost ~20 KiB in the target, ~34 in the enrichment): b2a's
  // errors write their `name` out (core/errors.ts), the SDK's exceptions too.
  keepNames: false,
  sourceMap: false,
  target: 'node22',
  format: nodejs.OutputFormat.ESM,
  mainFields: ['module', 'main'],
  externalModules: [],
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  // NodejsFunction passes each as `--alias:name=path` to the esbuild CLI, run from the project root.
  esbuildArgs: { '--alias': Object.entries(LAMBDA_ALIASES).map(([name, path]) => `${name}=${path}`) },
};

/** The stack sets a variable the function does not read, or sets one twice. */
export class FunctionEnvironmentError extends B2aError {
  public override name = 'FunctionEnvironmentError';
}

/**
 * One of the pipe's two Lambda functions: Node.js 22 on ARM64, bundled by the local esbuild, with its
 * own role (no AWS-managed policy: it may write to its own log group and nothing else until granted)
 * and an explicit log group with a retention.
 */
export class PipelineFunction extends Construct {
  public readonly function: nodejs.NodejsFunction;
  public readonly role: iam.Role;
  public readonly logGroup: logs.LogGroup;
  private readonly functionName: string;
  private readonly variables: readonly EnvName[];
  private readonly assigned = new Set<EnvName>();

  public constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    this.functionName = props.functionName;
    this.variables = props.variables;
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      // The stage schema only admits the day counts that RetentionDays enumerates.
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.removalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs ${props.functionName}`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      functionName: props.functionName,
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: LOCK_FILE,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      reservedConcurrentExecutions: props.reservedConcurrency,
      role: this.role,
      logGroup: this.logGroup,
      bundling: BUNDLING,
    });
    // The handler fails its first invocation on a missing variable: fail the synth instead.
    this.node.addValidation({
      validate: () =>
        this.variables
          .filter((name) => !this.assigned.has(name))
          .map((name) => `${props.functionName} reads ${name}, but no connection sets it`),
    });
  }

  /**
   * Sets one of the variables the function reads. Connections call it next to the grant that the
   * value needs, so a variable and its permission are added and removed together.
   * @throws FunctionEnvironmentError when the function does not read `name`, or it is set already.
   */
  public addEnvironment(name: EnvName, value: string): void {
    if (!this.variables.includes(name))
      throw new FunctionEnvironmentError(`${this.functionName} does not read ${name}`);
    if (this.assigned.has(name))
      throw new FunctionEnvironmentError(`${name} is set twice on ${this.functionName}`);
    this.assigned.add(name);
    this.function.addEnvironment(name, value);
  }
}
