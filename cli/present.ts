/**
 * How a command shows what it did, written once for every command: `--json` prints one JSON
 * document, a person at a terminal gets the ink view (loaded only then, so scripts, `--json` and
 * `--help` never load ink or React), and pipes and files get plain text.
 */
import type * as Interactive from './interactive.js';
import type { LiveView } from './interactive.js';
import type { Output } from './terminal.js';

/** The ink side of the CLI, as `cli/interactive.tsx` exports it. */
export type InteractiveViews = typeof Interactive;

/** The ways one kind of result is shown. */
export interface Presentation<T> {
  /** The `--json` document. @default the result itself */
  readonly json?: (result: T) => unknown;
  /** Prints the result with an ink view. @default none: plain text in a terminal too */
  readonly ink?: (views: InteractiveViews, output: Output, result: T) => void;
  /** Whether the ink view suits this result (e.g. not for an empty table). @default always */
  readonly inkIf?: (result: T) => boolean;
  /**
   * The result as plain text. It may load its renderer first: the renderers measure text with
   * string-width, which `--json` and `--help` should not load.
   */
  readonly plain: (result: T, output: Output) => string | Promise<string>;
}

/**
 * Shows `result` the way `output` calls for.
 * @example await present(output, jobs, { ink: (v, o, j) => v.printJobs(o, j), plain: (j, o) => renderJobs(j, o.columns) })
 */
export async function present<T>(output: Output, result: T, how: Presentation<T>): Promise<void> {
  if (output.json) {
    output.jsonValue(how.json ? how.json(result) : result);
  } else if (output.interactive && how.ink && (how.inkIf?.(result) ?? true)) {
    how.ink(await import('./interactive.js'), output, result);
  } else {
    output.line(await how.plain(result, output));
  }
}

/**
 * Runs `work` under a live ink view on stderr (a progress bar, spinners) when a person is watching
 * and `open` gives one, handing `work` the function that redraws it; otherwise runs `work` alone.
 * The view draws its last frame and stops however `work` ends.
 */
export async function withLiveView<P, R>(
  output: Output,
  open: ((views: InteractiveViews, output: Output) => LiveView<P>) | undefined,
  work: (update?: (props: P) => void) => Promise<R>,
): Promise<R> {
  if (!output.interactive || !open) return work();
  const view = open(await import('./interactive.js'), output);
  try {
    return await work((props) => view.update(props));
  } finally {
    await view.stop();
  }
}
