import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  FlagParameterNotFoundError,
  InvalidFlagValueError,
} from '../../../../../pipeline-functions/adapters/aws/errors.js';
import { SsmEnabledFlag } from '../../../../../pipeline-functions/adapters/aws/ssm-enabled-flag.js';

const NAME = '/b2a/test/enabled';
const ssm = mockClient(SSMClient);

class ManualClock {
  private ms = Date.parse('2026-03-01T00:00:00Z');
  public now(): Date {
    return new Date(this.ms);
  }
  public advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

function flag(clock = new ManualClock(), cacheSeconds = 5) {
  return { flag: new SsmEnabledFlag(new SSMClient({}), { parameterName: NAME, cacheSeconds, clock }), clock };
}

describe('Class: SsmEnabledFlag', () => {
  beforeEach(() => {
    ssm.reset();
  });

  it('reads the parameter once per cache period, however often it is asked', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'on' } });
    const { flag: subject, clock } = flag();

    // Act
    const answers: boolean[] = [];
    for (let i = 0; i < 50; i++) {
      answers.push(await subject.isEnabled());
      clock.advance(0.09);
    }

    // Assess
    expect(answers.every(Boolean)).toBe(true);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
    expect(ssm).toReceiveCommandWith(GetParameterCommand, { Name: NAME });
  });

  it('shares one request between concurrent callers', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'off' } });
    const { flag: subject } = flag();

    // Act
    const answers = await Promise.all(Array.from({ length: 20 }, () => subject.isEnabled()));

    // Assess
    expect(answers).toEqual(Array(20).fill(false));
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 1);
  });

  it('reads again once the cache period is over', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'on' } })
      .resolves({ Parameter: { Value: 'off' } });
    const { flag: subject, clock } = flag();

    // Act
    const first = await subject.isEnabled();
    clock.advance(5);
    const second = await subject.isEnabled();

    // Assess
    expect([first, second]).toEqual([true, false]);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 2);
  });

  it('names the parameter when it does not exist, and does not cache the failure', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: {} }))
      .resolves({ Parameter: { Value: 'on' } });
    const { flag: subject } = flag();

    // Act
    const failed = subject.isEnabled();

    // Assess
    await expect(failed).rejects.toBeInstanceOf(FlagParameterNotFoundError);
    await expect(failed).rejects.toThrow(NAME);
    await expect(subject.isEnabled()).resolves.toBe(true);
  });

  it('rejects a value that is neither on nor off', async () => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'yes' } });
    const { flag: subject } = flag();

    // Act
    const read = subject.isEnabled();

    // Assess
    await expect(read).rejects.toBeInstanceOf(InvalidFlagValueError);
    await expect(read).rejects.toThrow('"yes"');
  });

  it('sets the flag with an overwrite and trusts what it wrote', async () => {
    // Prepare
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    const { flag: subject } = flag();

    // Act
    await subject.setEnabled(false);
    const enabled = await subject.isEnabled();

    // Assess
    expect(ssm).toReceiveCommandWith(PutParameterCommand, {
      Name: NAME,
      Value: 'off',
      Type: 'String',
      Overwrite: true,
    });
    expect(enabled).toBe(false);
    expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 0);
  });

  it('lists the history newest first, across pages, with who changed it', async () => {
    // Prepare
    ssm
      .on(GetParameterHistoryCommand)
      .resolvesOnce({
        Parameters: [
          {
            Value: 'on',
            LastModifiedDate: new Date('2026-01-01T00:00:00Z'),
            LastModifiedUser: 'arn:aws:iam::1:user/a',
          },
          {
            Value: 'off',
            LastModifiedDate: new Date('2026-01-02T00:00:00Z'),
            LastModifiedUser: 'arn:aws:iam::1:user/b',
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Parameters: [{ Value: 'on', LastModifiedDate: new Date('2026-01-03T00:00:00Z') }] });
    const { flag: subject } = flag();

    // Act
    const history = await subject.history(2);

    // Assess
    expect(history).toEqual([
      { enabled: true, at: '2026-01-03T00:00:00.000Z' },
      { enabled: false, at: '2026-01-02T00:00:00.000Z', by: 'arn:aws:iam::1:user/b' },
    ]);
    expect(ssm).toReceiveCommandWith(GetParameterHistoryCommand, { Name: NAME, NextToken: 'page-2' });
  });
});
