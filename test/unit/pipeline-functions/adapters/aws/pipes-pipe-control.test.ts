import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConflictException,
  DescribePipeCommand,
  PipesClient,
  StartPipeCommand,
  StopPipeCommand,
} from '@aws-sdk/client-pipes';
import { mockClient } from 'aws-sdk-client-mock';
import { PipeBusyError } from '../../../../../pipeline-functions/adapters/aws/errors.js';
import { PipesPipeControl } from '../../../../../pipeline-functions/adapters/aws/pipes-pipe-control.js';

const pipes = mockClient(PipesClient);
const subject = new PipesPipeControl(new PipesClient({ region: 'eu-west-1' }), { pipeName: 'b2a-dev' });

describe('Class: PipesPipeControl', () => {
  beforeEach(() => {
    pipes.reset();
  });

  it('stops the pipe and returns STOPPING: StopPipe is asynchronous', async () => {
    // StopPipe answers with CurrentState STOPPING and DesiredState STOPPED; the pipe gets to STOPPED
    // on its own (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StopPipe.html).
    pipes.on(StopPipeCommand, { Name: 'b2a-dev' }).resolves({
      Name: 'b2a-dev',
      CurrentState: 'STOPPING',
      DesiredState: 'STOPPED',
    });
    await expect(subject.stop()).resolves.toBe('STOPPING');
  });

  it('starts the pipe and returns STARTING', async () => {
    // https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StartPipe.html
    pipes.on(StartPipeCommand, { Name: 'b2a-dev' }).resolves({
      Name: 'b2a-dev',
      CurrentState: 'STARTING',
      DesiredState: 'RUNNING',
    });
    await expect(subject.start()).resolves.toBe('STARTING');
  });

  it('reports a pipe that is changing state (ConflictException, HTTP 409) as PipeBusyError with its state', async () => {
    // ConflictException: "An action you attempted resulted in an exception", HTTP 409
    // (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StopPipe.html#API_StopPipe_Errors).
    pipes.on(StopPipeCommand).rejects(
      new ConflictException({
        message: 'Pipe b2a-dev is in state STARTING',
        $metadata: { httpStatusCode: 409 },
        resourceId: 'b2a-dev',
        resourceType: 'pipe',
      }),
    );
    pipes.on(DescribePipeCommand, { Name: 'b2a-dev' }).resolves({ CurrentState: 'STARTING' });

    const stopping = subject.stop();

    await expect(stopping).rejects.toBeInstanceOf(PipeBusyError);
    await expect(stopping).rejects.toThrow('could not stop the pipe b2a-dev: it is STARTING');
  });

  it('lets other errors through (AccessDenied is decided at the CLI edge)', async () => {
    // AccessDeniedException is one of the errors common to all Pipes actions
    // (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/CommonErrors.html).
    const denied = Object.assign(new Error('not authorized to perform: pipes:StopPipe'), {
      name: 'AccessDeniedException',
    });
    pipes.on(StopPipeCommand).rejects(denied);
    await expect(subject.stop()).rejects.toBe(denied);
  });
});
