/** Errors of the local runtime, each saying what to do about it. */
import { B2aError } from '../core/errors.js';
import { STATUS_INDEX } from '../core/names.js';

/** The local runtime could not start or reach its data directory. */
export class LocalRuntimeError extends B2aError {
  public override name = 'LocalRuntimeError';
}

/** A port b2a was asked to listen on is taken. */
export class PortInUseError extends LocalRuntimeError {
  public override name = 'PortInUseError';

  public constructor(
    public readonly port: number,
    /** What wanted the port, e.g. `the demo API`. */
    public readonly service: string,
    /** How to choose another port, e.g. `--demo-api-port` or `local.ports.demoApi`. */
    public readonly setting: string,
    options?: { cause?: unknown },
  ) {
    super(
      `port ${port} on 127.0.0.1 (for ${service}) is already in use: stop what uses it, or choose another port with ${setting} (0 picks a free one)`,
      options,
    );
  }
}

/**
 * The data directory's jobs table was created by an older b2a, without the status index this one
 * queries. dynalite cannot add an index to a table, and its jobs would need rewriting for a sparse
 * index anyway, so the runtime refuses it rather than answer listings wrongly.
 */
export class JobsTableOutdatedError extends LocalRuntimeError {
  public override name = 'JobsTableOutdatedError';

  public constructor(
    public readonly tableName: string,
    public readonly indexes: readonly string[],
  ) {
    super(
      `the local jobs table ${tableName} was created by an older b2a (indexes: ${indexes.join(', ') || 'none'}; this b2a reads ${STATUS_INDEX}): ` +
        'start over with `b2a local reset --yes` (its jobs are not migrated; the inbox is kept and sent again), or use another data directory',
    );
  }
}

/** Another process holds the data directory's job store (LevelDB allows one process). */
export class StoreLockedError extends LocalRuntimeError {
  public override name = 'StoreLockedError';

  public constructor(
    public readonly dataDir: string,
    options?: { cause?: unknown },
  ) {
    super(
      `the job store in ${dataDir} is open in another process (a starting or stopping \`b2a local up\`, or another b2a command on this data directory); wait for it to finish, or stop it`,
      options,
    );
  }
}

/** A runtime already runs on this data directory. */
export class RuntimeAlreadyRunningError extends LocalRuntimeError {
  public override name = 'RuntimeAlreadyRunningError';

  public constructor(
    public readonly dataDir: string,
    public readonly pid: number,
  ) {
    super(
      `b2a local up already runs on ${dataDir} (pid ${pid}); stop it first (Ctrl-C in its terminal, or kill ${pid})`,
    );
  }
}

/** The data directory does not exist (nothing ever ran there). */
export class DataDirNotFoundError extends LocalRuntimeError {
  public override name = 'DataDirNotFoundError';

  public constructor(public readonly dataDir: string) {
    super(
      `no local data directory at ${dataDir}: start the local runtime once with \`b2a local up --data-dir ${dataDir}\`, or pass the right --data-dir`,
    );
  }
}

/** `idle()` waited longer than its timeout; the message says what was still pending. */
export class IdleTimeoutError extends LocalRuntimeError {
  public override name = 'IdleTimeoutError';
}

/** The dynalite worker thread reported a failure (its error code kept, e.g. `EADDRINUSE`). */
export class WorkerFailedError extends LocalRuntimeError {
  public override name = 'WorkerFailedError';

  public constructor(
    message: string,
    public readonly code: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
