/**
 * Reading synthesized templates in the infra tests: IAM statements in a comparable form, and the
 * CloudFormation references of constructs.
 */
import { CfnElement, Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';

export type Json = Record<string, unknown>;

/** One IAM statement with its actions sorted and its resources as an array. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: unknown[];
  readonly Condition?: Json;
}

/** The logical id of a construct's CloudFormation resource. */
export function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  const stack = Stack.of(element);
  return stack.resolve(stack.getLogicalId(element)) as string;
}

/** What a token (an ARN, a name) becomes in the template of `scope`'s stack. */
export function cfn(scope: IConstruct, value: unknown): unknown {
  return Stack.of(scope).resolve(value);
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

const byJson = (a: unknown, b: unknown): number => JSON.stringify(a).localeCompare(JSON.stringify(b));

/**
 * Statements with their actions and resources in a stable order (CDK sorts and merges them), and the
 * statements themselves too: the stack adds them connection by connection, and IAM gives their order
 * no meaning (it looks for any applicable Allow, and any explicit Deny wins:
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html).
 */
export function canonical(statements: readonly Statement[]): Statement[] {
  return statements
    .map((statement) => ({
      ...statement,
      Action: [...statement.Action].sort(),
      Resource: [...statement.Resource].sort(byJson),
    }))
    .sort(byJson);
}

/** The statements of a policy document, normalized for comparison. */
export function normalize(document: unknown): Statement[] {
  const statements = (document as { Statement: Json[] }).Statement;
  return canonical(
    statements.map((statement) => ({
      ...(statement['Sid'] ? { Sid: statement['Sid'] as string } : {}),
      Effect: statement['Effect'] as string,
      Action: asArray(statement['Action']) as string[],
      Resource: asArray(statement['Resource']),
      ...(statement['Condition'] ? { Condition: statement['Condition'] as Json } : {}),
    })),
  );
}

/** The statements of the AWS::IAM::Policy or AWS::IAM::ManagedPolicy with this logical id. */
export function statementsOf(template: Template, logicalId: string): Statement[] {
  const resource = template.toJSON()['Resources'][logicalId] as { Properties: Json } | undefined;
  if (!resource) throw new Error(`no resource ${logicalId} in the template`);
  return normalize(resource.Properties['PolicyDocument']);
}

/** Every identity policy of the template (AWS::IAM::Policy, AWS::IAM::ManagedPolicy), by logical id. */
export function identityPolicies(template: Template): Record<string, Statement[]> {
  const policies: Record<string, Statement[]> = {};
  for (const type of ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy']) {
    for (const [id, resource] of Object.entries(template.findResources(type))) {
      policies[id] = normalize((resource as { Properties: Json }).Properties['PolicyDocument']);
    }
  }
  return policies;
}
