import { DescribePipeCommand, type PipesClient } from '@aws-sdk/client-pipes';
import { GetQueueAttributesCommand, type QueueAttributeName, type SQSClient } from '@aws-sdk/client-sqs';
import type { PipelineMonitor, QueueStats } from '../../core/ports.js';

/** Options of {@link AwsPipelineMonitor}. */
export interface AwsPipelineMonitorOptions {
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly pipeName: string;
}

/**
 * Queue depths (SQS's approximate counters) and the pipe's state, for `b2a status`.
 * The age of the oldest message is a CloudWatch metric, which b2a does not read: it stays unknown.
 *
 * @example
 * const monitor = new AwsPipelineMonitor(new SQSClient({}), new PipesClient({}), { queueUrl, dlqUrl, pipeName });
 */
export class AwsPipelineMonitor implements PipelineMonitor {
  public constructor(
    private readonly sqs: SQSClient,
    private readonly pipes: PipesClient,
    private readonly options: AwsPipelineMonitorOptions,
  ) {}

  public async queueStats(): Promise<{ readonly source: QueueStats; readonly deadLetter: QueueStats }> {
    const [source, deadLetter] = await Promise.all([
      this.stats(this.options.queueUrl),
      this.stats(this.options.dlqUrl),
    ]);
    return { source, deadLetter };
  }

  /** The pipe's `CurrentState`, e.g. `RUNNING`, `STOPPED`, `CREATE_FAILED`; `UNKNOWN` if AWS gives none. */
  public async pipeState(): Promise<string> {
    const { CurrentState } = await this.pipes.send(new DescribePipeCommand({ Name: this.options.pipeName }));
    return CurrentState ?? 'UNKNOWN';
  }

  private async stats(queueUrl: string): Promise<QueueStats> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const count = (name: QueueAttributeName): number => Number(Attributes[name] ?? 0) || 0;
    return {
      visible: count('ApproximateNumberOfMessages'),
      inFlight: count('ApproximateNumberOfMessagesNotVisible'),
      delayed: count('ApproximateNumberOfMessagesDelayed'),
    };
  }
}
