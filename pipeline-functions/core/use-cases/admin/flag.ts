/**
 * The enabled flag as admins use it (`b2a toggle`): read it, set it to on, off or hold, and see who
 * changed it. Hold also stops the pipe where there is one (AWS), so that messages wait in the source
 * queue instead of going round the scheduler; on and off start it again.
 */
import { flagHoldDetail } from '../../flag.js';
import type { AdminPorts, FlagChange, FlagReading, FlagValue } from '../../ports.js';

/** The pipe states in which it is stopped, or on its way there (Pipes `CurrentState`). */
const STOPPED_STATES: ReadonlySet<string> = new Set(['STOPPED', 'STOPPING']);

/** The flag as `b2a toggle` shows it. */
export interface FlagState {
  readonly environment: string;
  /** What is in force: `on`, `off`, `hold`, or `not-understood` (the pipeline holds). */
  readonly value: FlagReading['state'];
  readonly enabled: boolean;
  /** Why deliveries are held beyond the flag saying so (a value b2a does not understand). */
  readonly detail?: string;
  /** The newest change, when the backend keeps a history. */
  readonly lastChange?: FlagChange;
}

/** What `b2a toggle on|off|hold` did to the pipe. */
export interface PipeChange {
  readonly action: 'stopped' | 'started';
  /** The state the pipe reported after the request, e.g. `STOPPING`. */
  readonly state: string;
}

/** What `b2a toggle on|off|hold` did. */
export interface FlagSetResult {
  readonly environment: string;
  readonly value: FlagValue;
  readonly enabled: boolean;
  /** What was in force before. */
  readonly previous: FlagReading['state'];
  /** False when the flag already had that value (nothing was written). */
  readonly changed: boolean;
  /** Set when the pipe was stopped or started. */
  readonly pipe?: PipeChange;
}

/** Reads the flag and its last change. */
export async function readFlag(ports: AdminPorts): Promise<FlagState> {
  const [reading, [lastChange]] = await Promise.all([ports.flag.read(), ports.flag.history(1)]);
  const detail = flagHoldDetail(reading);
  return {
    environment: ports.environment,
    value: reading.state,
    enabled: reading.state === 'on',
    ...(detail ? { detail } : {}),
    ...(lastChange ? { lastChange } : {}),
  };
}

/**
 * Sets the flag, writing only when it changes, then stops the pipe for `hold` or starts it for `on`
 * and `off` when it is not already so (the flag first: a pipe started under hold would only defer).
 * @example const { changed, pipe } = await setFlag(ports, 'hold');
 */
export async function setFlag(ports: AdminPorts, value: FlagValue): Promise<FlagSetResult> {
  const previous = (await ports.flag.read()).state;
  const changed = previous !== value;
  if (changed) await ports.flag.set(value);
  const pipe = ports.pipe ? await movePipe(ports, ports.pipe, value === 'hold') : undefined;
  return {
    environment: ports.environment,
    value,
    enabled: value === 'on',
    previous,
    changed,
    ...(pipe ? { pipe } : {}),
  };
}

async function movePipe(
  ports: AdminPorts,
  control: NonNullable<AdminPorts['pipe']>,
  stop: boolean,
): Promise<PipeChange | undefined> {
  const stopped = STOPPED_STATES.has(await ports.monitor.pipeState());
  if (stop === stopped) return undefined;
  return stop
    ? { action: 'stopped', state: await control.stop() }
    : { action: 'started', state: await control.start() };
}

/** Who changed the flag and when, newest first. */
export async function readFlagHistory(ports: AdminPorts, limit: number): Promise<FlagChange[]> {
  return ports.flag.history(limit);
}
