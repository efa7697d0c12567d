/** The live view of `b2a local up` (ink): loaded only when a person watches the runtime. */
import type { CircuitStatus } from '../pipeline-functions/core/admission/circuit-status.js';
import type { AttentionStatus } from '../pipeline-functions/core/model.js';
import type { FlagReading } from '../pipeline-functions/core/ports.js';
import type { LogEntry } from '../pipeline-functions/local/log.js';
import type { LocalRuntime, PendingWork } from '../pipeline-functions/local/runtime.js';
import type { Output } from './terminal.js';
import type { LocalDashboardInfo, LocalDashboardProps } from './views/LocalDashboard.js';

/** How often the live view reloads counts from the store. */
const REFRESH_MS = 1000;
/** How often the live view redraws. */
const REDRAW_MS = 250;

/** A runtime that stops on the first SIGINT or SIGTERM. */
export interface Stopping {
  /** Resolves when a signal came and the runtime has stopped. */
  readonly done: Promise<void>;
  /** Called once a signal is received, before the runtime stops. */
  onSignal(listener: () => void): void;
}

/** The live view: redrawn every {@link REDRAW_MS}, counts reloaded every {@link REFRESH_MS}. */
export async function runDashboard(
  runtime: LocalRuntime,
  info: LocalDashboardInfo,
  output: Output,
  stopping: Stopping,
  subscribe: (listener: (entry: LogEntry) => void) => void,
): Promise<void> {
  const [{ render }, { createElement }, { LocalDashboard }] = await Promise.all([
    import('ink'),
    import('react'),
    import('./views/LocalDashboard.js'),
  ]);
  const events: LogEntry[] = [];
  subscribe((entry) => {
    if (entry.event === 'batch') return;
    events.unshift(entry);
    events.length = Math.min(events.length, 20);
  });
  let counts: Record<AttentionStatus, number> | undefined;
  let flag: FlagReading['state'] | undefined;
  let circuit: CircuitStatus | undefined;
  let pending: PendingWork | undefined;
  let isStopping = false;
  const props = (): LocalDashboardProps => ({
    info,
    ...(counts ? { counts } : {}),
    ...(flag !== undefined ? { flag } : {}),
    ...(circuit ? { circuit } : {}),
    ...(pending ? { pending } : {}),
    activity: runtime.activity(),
    events: [...events],
    width: output.columns,
    stopping: isStopping,
  });
  const app = render(createElement(LocalDashboard, props()), {
    stdout: output.terminal.stdout,
    stderr: output.terminal.stderr,
    exitOnCtrlC: false,
  });
  const reload = async (): Promise<void> => {
    let reading: FlagReading;
    [counts, reading, pending, circuit] = await Promise.all([
      runtime.jobCounts(),
      runtime.flag.read(),
      runtime.pending(),
      runtime.circuit(),
    ]);
    flag = reading.state;
  };
  let reloadError: unknown;
  const reloader = setInterval(() => {
    reload().catch((error: unknown) => {
      reloadError = error;
      events.unshift({
        at: new Date().toISOString(),
        level: 'error',
        event: 'dashboard',
        message: String(error),
      });
    });
  }, REFRESH_MS);
  const redraw = setInterval(() => app.rerender(createElement(LocalDashboard, props())), REDRAW_MS);
  stopping.onSignal(() => {
    isStopping = true;
    app.rerender(createElement(LocalDashboard, props()));
  });
  try {
    await reload();
    await stopping.done;
  } finally {
    clearInterval(reloader);
    clearInterval(redraw);
    app.rerender(createElement(LocalDashboard, props()));
    app.unmount();
  }
  if (reloadError) output.note(`note: the live view could not always reload counts: ${String(reloadError)}`);
}
