/** The enabled flag as admins use it: read it, set it, and see who changed it (`b2a toggle`). */
import type { AdminPorts, FlagChange } from '../../ports.js';

/** The flag as `b2a toggle` shows it. */
export interface FlagState {
  readonly environment: string;
  readonly enabled: boolean;
  /** The newest change, when the backend keeps a history. */
  readonly lastChange?: FlagChange;
}

/** What `b2a toggle on|off` did. */
export interface FlagSetResult {
  readonly environment: string;
  readonly enabled: boolean;
  readonly previous: boolean;
  /** False when the flag already had that value (nothing was written). */
  readonly changed: boolean;
}

/** Reads the flag and its last change. */
export async function readFlag(ports: AdminPorts): Promise<FlagState> {
  const [enabled, [lastChange]] = await Promise.all([ports.flag.isEnabled(), ports.flag.history(1)]);
  return { environment: ports.environment, enabled, ...(lastChange ? { lastChange } : {}) };
}

/**
 * Sets the flag, writing only when it changes (every write adds a history entry).
 * @example const { changed } = await setFlag(ports, false);
 */
export async function setFlag(ports: AdminPorts, enabled: boolean): Promise<FlagSetResult> {
  const previous = await ports.flag.isEnabled();
  if (previous !== enabled) await ports.flag.setEnabled(enabled);
  return { environment: ports.environment, enabled, previous, changed: previous !== enabled };
}

/** Who changed the flag and when, newest first. */
export async function readFlagHistory(ports: AdminPorts, limit: number): Promise<FlagChange[]> {
  return ports.flag.history(limit);
}
