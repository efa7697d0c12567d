/** The local pipeline as admins watch it: queue depths from the queue directories, the runtime's liveness. */
import type { PipelineMonitor, QueueStats } from '../../core/ports.js';
import type { DurableQueue } from './durable-queue.js';

/** The local pipe's states, as `pipeState()` reports them. */
export const LOCAL_PIPE_STATES = { running: 'RUNNING', notRunning: 'NOT_RUNNING' } as const;

/**
 * A {@link PipelineMonitor} over the local queues.
 * @example new LocalPipelineMonitor(source, deadLetters, async () => runtimeIsAlive(dataDir))
 */
export class LocalPipelineMonitor implements PipelineMonitor {
  public constructor(
    private readonly source: DurableQueue,
    private readonly deadLetters: DurableQueue,
    private readonly isRunning: () => Promise<boolean>,
  ) {}

  public async queueStats(): Promise<{ readonly source: QueueStats; readonly deadLetter: QueueStats }> {
    const [source, deadLetter] = await Promise.all([this.source.stats(), this.deadLetters.stats()]);
    return { source, deadLetter };
  }

  public async pipeState(): Promise<string> {
    return (await this.isRunning()) ? LOCAL_PIPE_STATES.running : LOCAL_PIPE_STATES.notRunning;
  }
}
