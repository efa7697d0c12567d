import {
  DescribePipeCommand,
  StartPipeCommand,
  StopPipeCommand,
  type PipesClient,
} from '@aws-sdk/client-pipes';
import type { PipeControl } from '../../core/ports.js';
import { PipeBusyError } from './errors.js';

/** Options of {@link PipesPipeControl}. */
export interface PipesPipeControlOptions {
  readonly pipeName: string;
}

/**
 * Stops and starts the stage's pipe (`b2a toggle hold|on|off`). StopPipe and StartPipe are
 * asynchronous: they answer with `CurrentState` `STOPPING` or `STARTING`, and the pipe gets to
 * `STOPPED` or `RUNNING` on its own (https://docs.aws.amazon.com/eventbridge/latest/pipes-reference/API_StopPipe.html).
 * A pipe that is changing state answers `ConflictException` (HTTP 409), reported as
 * {@link PipeBusyError} with the state it is in.
 * @example const state = await new PipesPipeControl(new PipesClient({}), { pipeName }).stop(); // 'STOPPING'
 */
export class PipesPipeControl implements PipeControl {
  public constructor(
    private readonly client: PipesClient,
    private readonly options: PipesPipeControlOptions,
  ) {}

  /** @throws PipeBusyError when the pipe is changing state */
  public async stop(): Promise<string> {
    return this.request('stop', () => this.client.send(new StopPipeCommand({ Name: this.options.pipeName })));
  }

  /** @throws PipeBusyError when the pipe is changing state */
  public async start(): Promise<string> {
    return this.request('start', () =>
      this.client.send(new StartPipeCommand({ Name: this.options.pipeName })),
    );
  }

  private async request(
    verb: 'stop' | 'start',
    send: () => Promise<{ readonly CurrentState?: string }>,
  ): Promise<string> {
    try {
      return (await send()).CurrentState ?? 'UNKNOWN';
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'ConflictException') throw error;
      const { CurrentState } = await this.client.send(
        new DescribePipeCommand({ Name: this.options.pipeName }),
      );
      throw new PipeBusyError(
        `could not ${verb} the pipe ${this.options.pipeName}: it is ${CurrentState ?? 'changing state'}`,
        { cause: error },
      );
    }
  }
}
