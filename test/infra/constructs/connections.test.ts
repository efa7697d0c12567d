import { describe, expect, it } from '@jest/globals';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  connectConfig,
  connectFlag,
  connectTable,
  type TableAccess,
} from '../../../infra/constructs/connections.js';
import { FunctionEnvironmentError, PipelineFunction } from '../../../infra/constructs/PipelineFunction.js';
import { LAMBDA_ENTRIES } from '../../../infra/paths.js';
import { parsePipelineConfig } from '../../../pipeline-functions/core/config.js';
import type { EnvName } from '../../../pipeline-functions/core/function-environment.js';
import { ENV } from '../../../pipeline-functions/core/names.js';
import {
  readShippedConfig,
  SHIPPED_CONFIG_STAMP,
  SHIPPED_CONFIG_VERSION,
} from '../../../pipeline-functions/core/shipped-config.js';
import { logicalIdOf, statementsOf, type Json } from '../support/template.js';

const CONFIG = parsePipelineConfig(
  { environment: 'test', api: { url: 'https://api.example.com/in' } },
  'test',
);

/** A stack with one pipeline function reading `variables` and a table and flag to connect it to. */
function fixture(variables: readonly EnvName[]) {
  // No bundling: these tests read the template, not the code.
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test', { env: { account: '111111111111', region: 'eu-west-1' } });
  const table = new dynamodb.Table(stack, 'Table', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  });
  const flag = new ssm.StringParameter(stack, 'Flag', {
    parameterName: '/b2a/test/enabled',
    stringValue: 'on',
  });
  const fn = new PipelineFunction(stack, 'Fn', {
    functionName: 'b2a-test-fn',
    description: 'test',
    entry: LAMBDA_ENTRIES.enrichment,
    memoryMb: 256,
    timeoutSeconds: 30,
    variables,
    logRetentionDays: 7,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  return { app, stack, table, flag, fn };
}

function variablesOf(stack: Stack, fn: PipelineFunction): Json {
  const resource = Template.fromStack(stack).toJSON()['Resources'][logicalIdOf(fn.function)] as {
    Properties: { Environment: { Variables: Json } };
  };
  return resource.Properties.Environment.Variables;
}

describe('Function: connectConfig', () => {
  it('ships the configuration validated at synth, stamped, so that the function reads it without the schema', () => {
    // Prepare
    const { stack, fn } = fixture([ENV.CONFIG]);

    // Act
    connectConfig(fn, CONFIG);

    // Assess
    const shipped = variablesOf(stack, fn)[ENV.CONFIG] as string;
    expect(JSON.parse(shipped)).toMatchObject({ [SHIPPED_CONFIG_STAMP]: SHIPPED_CONFIG_VERSION });
    expect(readShippedConfig(shipped, ENV.CONFIG)).toEqual(CONFIG);
  });
});

describe('Function: connectTable', () => {
  it.each<[TableAccess, string, string[]]>([
    // Changed on purpose (issue 14): both functions read a batch's jobs with one BatchGetItem.
    ['read', 'ReadJobs', ['dynamodb:BatchGetItem', 'dynamodb:GetItem']],
    ['record', 'RecordJobs', ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem']],
  ])('sets B2A_TABLE_NAME and grants %s access only (%s: %s)', (access, sid, actions) => {
    // Prepare
    const { stack, table, fn } = fixture([ENV.TABLE_NAME]);

    // Act
    connectTable(fn, table, access);

    // Assess
    expect(variablesOf(stack, fn)[ENV.TABLE_NAME]).toEqual({ Ref: logicalIdOf(table) });
    const policy = logicalIdOf(fn.role.node.findChild('DefaultPolicy'));
    const statements = statementsOf(Template.fromStack(stack), policy).filter((s) => s.Sid);
    expect(statements).toEqual([
      {
        Sid: sid,
        Effect: 'Allow',
        Action: actions,
        Resource: [{ 'Fn::GetAtt': [logicalIdOf(table), 'Arn'] }],
      },
    ]);
  });
});

describe('Class: PipelineFunction', () => {
  it('fails the synth naming each variable the function reads that no connection set', () => {
    // Prepare
    const { app, fn } = fixture([ENV.CONFIG, ENV.TABLE_NAME, ENV.FLAG_PARAMETER]);
    connectConfig(fn, CONFIG);

    // Act
    const synth = () => app.synth();

    // Assess
    expect(synth).toThrow(/b2a-test-fn reads B2A_TABLE_NAME, but no connection sets it/);
    expect(synth).toThrow(/B2A_FLAG_PARAMETER/);
  });

  it('refuses a connection that sets a variable the function does not read', () => {
    // Prepare
    const { fn, flag } = fixture([ENV.CONFIG]);

    // Act
    const connect = () => connectFlag(fn, flag);

    // Assess
    expect(connect).toThrow(FunctionEnvironmentError);
    expect(connect).toThrow('b2a-test-fn does not read B2A_FLAG_PARAMETER');
  });

  it('refuses a variable set twice, so that two connections cannot disagree', () => {
    // Prepare
    const { fn, table } = fixture([ENV.TABLE_NAME]);
    connectTable(fn, table, 'read');

    // Act
    const again = () => connectTable(fn, table, 'record');

    // Assess
    expect(again).toThrow(new FunctionEnvironmentError('B2A_TABLE_NAME is set twice on b2a-test-fn'));
  });

  it('synthesizes once every variable it reads is set', () => {
    // Prepare
    const { app, stack, fn, table, flag } = fixture([ENV.CONFIG, ENV.TABLE_NAME, ENV.FLAG_PARAMETER]);

    // Act
    connectConfig(fn, CONFIG);
    connectTable(fn, table, 'read');
    connectFlag(fn, flag);

    // Assess
    expect(() => app.synth()).not.toThrow();
    expect(Object.keys(variablesOf(stack, fn)).sort()).toEqual(
      // Changed on purpose (issue 14): no NODE_OPTIONS, the bundles ship without source maps.
      [ENV.CONFIG, ENV.FLAG_PARAMETER, ENV.TABLE_NAME].sort(),
    );
  });
});
