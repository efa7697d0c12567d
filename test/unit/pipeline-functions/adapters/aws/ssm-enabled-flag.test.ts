import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  InternalServerError,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { FlagParameterNotFoundError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
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
    // Prepare: GetParameter answers a missing name with ParameterNotFound, HTTP 400
    // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html#API_GetParameter_Errors).
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: { httpStatusCode: 400 } }))
      .resolves({ Parameter: { Value: 'on' } });
    const { flag: subject } = flag();

    // Act
    const failed = subject.isEnabled();

    // Assess
    await expect(failed).rejects.toBeInstanceOf(FlagParameterNotFoundError);
    await expect(failed).rejects.toThrow(NAME);
    await expect(subject.isEnabled()).resolves.toBe(true);
  });

  it.each([
    [' ON ', 'on'],
    ['Off', 'off'],
    ['oN\n', 'on'],
    ['hold', 'hold'],
    [' HOLD', 'hold'],
  ])('reads %j as %s: the documented words in any case, trimmed', async (value, state) => {
    // Prepare
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: value } });
    const { flag: subject } = flag();

    // Act
    const reading = await subject.read();

    // Assess
    expect(reading).toEqual({ state });
  });

  it('reads any other value as not understood, without throwing', async () => {
    // Prepare: someone typed `true` in the SSM console
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'true' } });
    const { flag: subject } = flag();

    // Act
    const reading = await subject.read();
    const enabled = await subject.isEnabled();

    // Assess
    expect(reading).toEqual({ state: 'not-understood', value: 'true' });
    expect(enabled).toBe(false);
  });

  // As SSM answers them: a throttled GetParameter is a ThrottlingException with HTTP 400
  // (https://docs.aws.amazon.com/botocore/latest/reference/services/ssm/client/exceptions/ThrottlingException.html,
  // https://repost.aws/knowledge-center/ssm-parameter-store-rate-exceeded), a server failure an
  // InternalServerError with HTTP 500 (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
  it.each([
    [
      'ThrottlingException',
      new ThrottlingException({
        message: 'Rate exceeded',
        Message: 'Rate exceeded',
        $metadata: { httpStatusCode: 400 },
      }),
    ],
    ['InternalServerError', new InternalServerError({ message: 'oops', $metadata: { httpStatusCode: 500 } })],
  ])(
    'keeps using the value it read when SSM answers %s, and asks again a period later',
    async (_, failure) => {
      // Prepare
      ssm
        .on(GetParameterCommand)
        .resolvesOnce({ Parameter: { Value: 'on' } })
        .rejectsOnce(failure)
        .resolves({ Parameter: { Value: 'off' } });
      const { flag: subject, clock } = flag();
      await subject.read();
      clock.advance(5);

      // Act
      const during = await subject.read();
      clock.advance(5);
      const after = await subject.read();

      // Assess
      expect([during, after]).toEqual([{ state: 'on' }, { state: 'off' }]);
      expect(ssm).toHaveReceivedCommandTimes(GetParameterCommand, 3);
    },
  );

  it('passes a transient failure on when it has never read a value', async () => {
    // Prepare
    const throttled = new ThrottlingException({
      message: 'Rate exceeded',
      Message: 'Rate exceeded',
      $metadata: { httpStatusCode: 400 },
    });
    ssm.on(GetParameterCommand).rejects(throttled);
    const { flag: subject } = flag();

    // Act
    const reading = subject.read();

    // Assess
    await expect(reading).rejects.toBe(throttled);
  });

  it('passes on a failure that is not transient, even with a value read before', async () => {
    // Prepare
    ssm
      .on(GetParameterCommand)
      .resolvesOnce({ Parameter: { Value: 'on' } })
      .rejects(new ParameterNotFound({ message: 'not found', $metadata: { httpStatusCode: 400 } }));
    const { flag: subject, clock } = flag();
    await subject.read();
    clock.advance(5);

    // Act
    const reading = subject.read();

    // Assess
    await expect(reading).rejects.toBeInstanceOf(FlagParameterNotFoundError);
  });

  it('sets the flag with an overwrite and trusts what it wrote', async () => {
    // Prepare
    ssm.on(PutParameterCommand).resolves({ Version: 2 });
    const { flag: subject } = flag();

    // Act
    await subject.set('off');
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

  it('sets hold as the word hold, which it then reads as hold', async () => {
    // PutParameter of a String parameter stores the value as given
    // (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
    ssm.on(PutParameterCommand).resolves({ Version: 3 });
    const { flag: subject } = flag();

    await subject.set('hold');

    expect(ssm).toReceiveCommandWith(PutParameterCommand, { Name: NAME, Value: 'hold', Overwrite: true });
    expect(await subject.read()).toEqual({ state: 'hold' });
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
    // The stored value is kept too, since hold (issue 11): added to the assertion on purpose.
    expect(history).toEqual([
      { enabled: true, value: 'on', at: '2026-01-03T00:00:00.000Z' },
      { enabled: false, value: 'off', at: '2026-01-02T00:00:00.000Z', by: 'arn:aws:iam::1:user/b' },
    ]);
    expect(ssm).toReceiveCommandWith(GetParameterHistoryCommand, { Name: NAME, NextToken: 'page-2' });
  });
});
