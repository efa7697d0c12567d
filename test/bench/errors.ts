/** Errors of the benchmark: each says which measurement could not be made, and why. */
import { B2aError } from '../../pipeline-functions/core/errors.js';

/** A measurement could not be made (a setup step failed, or the system under test misbehaved). */
export class BenchError extends B2aError {
  public override name = 'BenchError';
}

/** Work the benchmark waited for did not finish in time. */
export class BenchTimeoutError extends BenchError {
  public override name = 'BenchTimeoutError';
}

/** A process the benchmark started exited with a failure. */
export class ChildProcessError extends BenchError {
  public override name = 'ChildProcessError';

  public constructor(
    public readonly command: string,
    public readonly exitCode: number | null,
    public readonly stderr: string,
  ) {
    super(
      `${command} exited with ${exitCode ?? 'a signal'}${stderr ? `: ${stderr.trim().slice(-400)}` : ''}`,
    );
  }
}

/** The command line was not understood. */
export class BenchUsageError extends BenchError {
  public override name = 'BenchUsageError';
}
