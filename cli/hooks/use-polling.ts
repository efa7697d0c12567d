import { useEffect, useState } from 'react';

/** What a poll has produced so far. */
export interface Polled<T> {
  /** The last value loaded; absent until the first load finishes. */
  readonly data?: T;
  /** The error of the last load; polling stops at the first one. */
  readonly error?: Error;
  /** When `data` was loaded. */
  readonly loadedAt?: Date;
}

/**
 * Loads now, then again `intervalMs` after each load finishes (never two loads at once), until the
 * component unmounts or a load fails. `load` must be stable (a prop or a memoised callback).
 *
 * @example const { data, error } = usePolling(loadJobs, 3000);
 */
export function usePolling<T>(load: () => Promise<T>, intervalMs: number): Polled<T> {
  const [state, setState] = useState<Polled<T>>({});
  useEffect(() => {
    let active = true;
    let timer: NodeJS.Timeout | undefined;
    const tick = async (): Promise<void> => {
      try {
        const data = await load();
        if (!active) return;
        setState({ data, loadedAt: new Date() });
        timer = setTimeout(() => void tick(), intervalMs);
      } catch (error) {
        if (active)
          setState((previous) => ({
            ...previous,
            error: error instanceof Error ? error : new Error(String(error)),
          }));
      }
    };
    void tick();
    return () => {
      active = false;
      clearTimeout(timer);
    };
  }, [load, intervalMs]);
  return state;
}
