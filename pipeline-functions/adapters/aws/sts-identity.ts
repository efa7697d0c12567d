import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { Identity, IdentityProvider } from '../../core/ports.js';
import { UnexpectedAwsResponseError } from './errors.js';

/**
 * Who the AWS credentials belong to (STS GetCallerIdentity needs no permission), for `b2a status`
 * and to record who asked for a reprocess.
 *
 * @example
 * const { arn } = await new StsIdentity(new STSClient({})).whoami();
 */
export class StsIdentity implements IdentityProvider {
  public constructor(private readonly client: STSClient) {}

  public async whoami(): Promise<Identity> {
    const { Arn, Account } = await this.client.send(new GetCallerIdentityCommand({}));
    if (!Arn) throw new UnexpectedAwsResponseError('GetCallerIdentity returned no Arn');
    return { arn: Arn, ...(Account ? { account: Account } : {}) };
  }
}
