import { describe, expect, it } from '@jest/globals';
import { ListMessageMoveTasksCommand, SQSClient, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { SqsDeadLetterQueue } from '../../../../pipeline-functions/adapters/aws/sqs-dead-letter-queue.js';
import { moveTaskAlreadyRunning } from '../../../support/aws-answers.js';
import { DEAD_LETTER_BODIES, FakeAdmin, runCli } from '../support/fake-admin.js';

const { s3Event, retry } = DEAD_LETTER_BODIES;

describe('Command: b2a dlq', () => {
  it('lists the dead letters with what they are about', async () => {
    // Prepare
    const admin = new FakeAdmin();
    admin.deadLetters.letters.push(
      { messageId: 'm1', body: s3Event, receiveCount: 5, sentAt: '2026-11-21T10:00:01.000Z' },
      { messageId: 'm3', body: 'garbage' },
    );

    // Act
    const { code, stdout } = await runCli(['dlq'], admin);

    // Assess
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^SENT\s+RECEIVES\s+KIND\s+OBJECT\s+MESSAGE ID$/);
    expect(lines[1]).toMatch(/^2026-11-21 10:00:01Z\s+5\s+s3-event\s+s3:\/\/inbox\/a b\.csv\s+m1$/);
    expect(lines[2]).toMatch(/^-\s+-\s+invalid\s+message body is not JSON: "garbage"\s+m3$/);
  });

  it('says when the queue is empty', async () => {
    const { stdout } = await runCli(['dlq'], new FakeAdmin());
    expect(stdout).toBe('The dead-letter queue is empty.\n');
  });

  it('prints JSON with --json', async () => {
    const admin = new FakeAdmin();
    admin.deadLetters.letters.push({ messageId: 'm2', body: retry });
    const { stdout } = await runCli(['dlq', '--json', '--limit', '5'], admin);
    expect(JSON.parse(stdout)).toEqual([
      expect.objectContaining({ messageId: 'm2', kind: 'retry', bucket: 'inbox', key: 'r.csv' }),
    ]);
  });
});

describe('Command: b2a dlq redrive', () => {
  it('redrives outside prod without asking', async () => {
    const admin = new FakeAdmin('dev');
    admin.deadLetters.letters.push({ messageId: 'm1', body: s3Event });
    const { code, stdout } = await runCli(['dlq', 'redrive'], admin);
    expect(code).toBe(0);
    expect(stdout).toBe('Moving 1 message(s) back to the source queue in dev. Watch them with: b2a status\n');
    expect(admin.deadLetters.redrives).toBe(1);
  });

  it('needs --yes in prod when nobody can be asked (exit 2)', async () => {
    // Prepare
    const admin = new FakeAdmin('prod');

    // Act
    const refused = await runCli(['dlq', 'redrive'], admin);
    const confirmed = await runCli(['dlq', 'redrive', '--yes', '--json'], admin);

    // Assess
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('redrive the dead-letter queue in prod needs confirmation');
    expect(confirmed.code).toBe(0);
    expect(JSON.parse(confirmed.stdout)).toEqual({ environment: 'prod', moved: 0 });
    expect(admin.deadLetters.redrives).toBe(1);
  });

  it('says in one line that a redrive is already running, with its progress, and exits 4', async () => {
    // Prepare: the SQS answer to a second move task on a queue (see sqs-dead-letter-queue.test.ts)
    const sqs = mockClient(SQSClient);
    sqs.on(StartMessageMoveTaskCommand).rejects(moveTaskAlreadyRunning());
    sqs.on(ListMessageMoveTasksCommand).resolves({
      Results: [
        { Status: 'RUNNING', ApproximateNumberOfMessagesMoved: 120, ApproximateNumberOfMessagesToMove: 500 },
      ],
    });
    const admin = Object.assign(new FakeAdmin('dev'), {
      deadLetters: new SqsDeadLetterQueue(new SQSClient({ region: 'eu-west-1' }), {
        dlqUrl: 'https://sqs.eu-west-1.amazonaws.com/1/b2a-dev-dlq',
        dlqArn: 'arn:aws:sqs:eu-west-1:1:b2a-dev-dlq',
        sourceArn: 'arn:aws:sqs:eu-west-1:1:b2a-dev-source',
      }),
    });

    // Act
    const { code, stdout, stderr } = await runCli(['dlq', 'redrive', '--env', 'dev'], admin);
    sqs.restore();

    // Assess
    expect(code).toBe(4);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      'b2a: a redrive of the dead-letter queue is already running (120 of 500 message(s) moved); SQS runs one at a time\n' +
        '  hint: watch it with: b2a status; redrive again once it has finished\n',
    );
  });
});
