/**
 * Acknowledging cdk-nag findings precisely: a wildcard finding is acknowledged for one resource
 * pattern, named the way cdk-nag names it, so that any other wildcard still fails synth.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges AwsSolutions-IAM5 for one wildcard resource (e.g. `bucket.arnForObjects('*')`) on the
 * policy or role `scope`, giving the reason b2a needs it.
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const flat = flattenReference(Stack.of(scope).resolve(resourceArn));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flat}]`, reason });
}

/**
 * Acknowledges AwsSolutions-IAM4 for one AWS-managed policy (e.g.
 * `service-role/AWSLambdaBasicExecutionRole`) attached to a role in `scope`.
 */
export function acknowledgeAwsManagedPolicy(scope: IConstruct, policyName: string, reason: string): void {
  const arn = iam.ManagedPolicy.fromAwsManagedPolicyName(policyName).managedPolicyArn;
  const flat = flattenReference(Stack.of(scope).resolve(arn));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM4[Policy::${flat}]`, reason });
}

/** Renders a resolved CloudFormation value as cdk-nag does in finding ids (`<Logical.Attr>`, `<Logical>`). */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const value = node as Record<string, unknown>;
    const join = value['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    if ('Fn::Sub' in value) return flattenReference(value['Fn::Sub']);
    const getAtt = value['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${flattenReference(getAtt[0])}.${flattenReference(getAtt[1])}>`;
    if ('Ref' in value) return `<${flattenReference(value['Ref'])}>`;
  }
  return JSON.stringify(node);
}
