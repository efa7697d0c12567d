/** What the local runtime says while it runs: entries for a sink (plain lines, JSON lines, or the dashboard). */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** One thing that happened. */
export interface LogEntry {
  readonly at: string;
  readonly level: LogLevel;
  /** A stable name for scripts, e.g. `job`, `object-created`, `dead-letter`. */
  readonly event: string;
  readonly message: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Where entries go. */
export type LogSink = (entry: LogEntry) => void;

/** Logs through a sink, stamping the time. */
export class RuntimeLog {
  public constructor(private readonly sink: LogSink = () => undefined) {}

  public debug(event: string, message: string, data?: Record<string, unknown>): void {
    this.write('debug', event, message, data);
  }

  public info(event: string, message: string, data?: Record<string, unknown>): void {
    this.write('info', event, message, data);
  }

  public warn(event: string, message: string, data?: Record<string, unknown>): void {
    this.write('warn', event, message, data);
  }

  public error(event: string, message: string, data?: Record<string, unknown>): void {
    this.write('error', event, message, data);
  }

  private write(level: LogLevel, event: string, message: string, data?: Record<string, unknown>): void {
    this.sink({ at: new Date().toISOString(), level, event, message, ...(data ? { data } : {}) });
  }
}

/** Describes an error in one line: its name and message, and its cause's. */
export function describeError(error: unknown): string {
  // Duck-typed: errors from Node's realm are not `instanceof Error` under a VM (jest).
  if (typeof error !== 'object' || error === null || !('message' in error)) return String(error);
  const name = 'name' in error ? String(error.name) : 'Error';
  const cause =
    'cause' in error && typeof error.cause === 'object' && error.cause !== null && 'message' in error.cause
      ? ` (cause: ${String(error.cause.message)})`
      : '';
  return `${name}: ${String(error.message)}${cause}`;
}

/**
 * One plain log line: `12:00:01.234 INFO  job  SUCCEEDED local-inbox/a.csv`.
 * @example process.stdout.write(`${formatLogLine(entry)}\n`)
 */
export function formatLogLine(entry: LogEntry): string {
  const time = entry.at.slice(11, 23);
  return `${time} ${entry.level.toUpperCase().padEnd(5)} ${entry.message}`;
}
