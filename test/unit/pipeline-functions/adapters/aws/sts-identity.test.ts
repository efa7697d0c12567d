import { beforeEach, describe, expect, it } from '@jest/globals';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { UnexpectedAwsResponseError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import { StsIdentity } from '../../../../../pipeline-functions/adapters/aws/sts-identity.js';

const sts = mockClient(STSClient);

describe('Class: StsIdentity', () => {
  beforeEach(() => {
    sts.reset();
  });

  it("returns the caller's ARN and account", async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      Account: '123456789012',
    });

    // Act
    const identity = await new StsIdentity(new STSClient({})).whoami();

    // Assess
    expect(identity).toEqual({
      arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice',
      account: '123456789012',
    });
  });

  it('fails when STS answers without an ARN', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({});

    // Act
    const whoami = new StsIdentity(new STSClient({})).whoami();

    // Assess
    await expect(whoami).rejects.toBeInstanceOf(UnexpectedAwsResponseError);
  });
});
