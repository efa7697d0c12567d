import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Stack, Validations } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { PLACEHOLDER_ACCOUNT, PLACEHOLDER_REGION } from '../../infra/config/stage-config.js';
import { synthesize, type Synthesized } from './support/synth.js';

interface Acknowledgment {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

let synthesized: Synthesized;

beforeAll(() => {
  synthesized = synthesize();
});

afterAll(() => synthesized.cleanup());

/** Every acknowledgment recorded in the construct tree. */
function acknowledgments(): Acknowledgment[] {
  return synthesized.app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          // aws-cdk-lib files un-namespaced ids under `Annotation::`; cdk-nag reads them without it.
          id: id.replace(/^Annotation::/, ''),
          reason,
        })),
      ),
  );
}

describe('Function: buildApp', () => {
  it('creates one stack per stage, named b2a-<stage>', () => {
    // Assess
    expect(Object.keys(synthesized.stacks).sort()).toEqual(['demo', 'dev', 'prod']);
    expect(synthesized.assembly.stacks.map((stack) => stack.stackName).sort()).toEqual([
      'b2a-demo',
      'b2a-dev',
      'b2a-prod',
    ]);
  });

  it('synthesizes offline, with placeholders where neither config nor credentials name an account', () => {
    // Assess
    const dev = synthesized.assembly.getStackByName('b2a-dev');
    expect(dev.environment.account).toBe(PLACEHOLDER_ACCOUNT);
    expect(dev.environment.region).toBe(PLACEHOLDER_REGION);
  });

  it('protects the prod stack from deletion', () => {
    // Assess
    expect(synthesized.assembly.getStackByName('b2a-prod').terminationProtection).toBe(true);
  });

  it('passes cdk-nag AwsSolutions checks, acknowledging each finding with a b2a reason', () => {
    // Act
    const all = acknowledgments();

    // Assess
    expect(all.length).toBeGreaterThan(0);
    for (const acknowledgment of all) {
      expect(acknowledgment.id).toMatch(/^AwsSolutions-/);
      expect(acknowledgment.reason).toMatch(/b2a/);
      expect(acknowledgment.reason.length).toBeGreaterThanOrEqual(60);
    }
    // Wildcard findings are acknowledged one resource at a time, never for the whole rule.
    expect(all.filter((a) => /^AwsSolutions-IAM5$/.test(a.id))).toEqual([]);
  });

  it('fails synth on a finding nobody acknowledged', () => {
    // Prepare
    const withUnsafeQueue = () =>
      synthesize({
        stages: [],
        extend: (app) => {
          const stack = new Stack(app, 'unsafe', { env: { account: '111111111111', region: 'us-east-1' } });
          new sqs.Queue(stack, 'PlainQueue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
        },
      });

    // Act and Assess
    expect(withUnsafeQueue).toThrow(/AwsSolutions-SQS/);
  });
});
