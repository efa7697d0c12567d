/** What `b2a reprocess` is asked to send, read from its arguments and options. */
import type { Clock } from '../pipeline-functions/core/ports.js';
import type { ReprocessSelection } from '../pipeline-functions/core/use-cases/admin/reprocess.js';
import { UsageError } from './errors.js';
import { keyOf } from './object-key.js';
import { sinceTime } from './options.js';

/** The selecting options of `b2a reprocess`. */
export interface SelectionOptions {
  readonly failed?: boolean;
  readonly skipped?: boolean;
  readonly since?: string;
  readonly prefix?: string;
}

/**
 * Checks what the command line asks to reprocess, before anything is opened, and returns the
 * selection in a bucket: keys (`s3://` URLs of that bucket accepted), or a bulk selection of jobs.
 * @throws UsageError when it names both keys and a bulk selection, or neither
 * @example selectionOf([], { failed: true, since: '2h' }, clock)('inbox')
 */
export function selectionOf(
  keys: readonly string[],
  options: SelectionOptions,
  clock: Clock,
): (bucket: string) => ReprocessSelection {
  const { failed, skipped, since, prefix } = options;
  const bulk = failed === true || skipped === true;
  if (keys.length > 0 && (bulk || since || prefix)) {
    throw new UsageError('pass keys, or a bulk selection (--failed, --skipped), not both');
  }
  if (keys.length > 0) return (bucket) => ({ keys: keys.map((key) => keyOf(key, bucket)) });
  if (!bulk) {
    throw new UsageError(
      'name the objects to reprocess: keys, or --failed and/or --skipped',
      'see: b2a reprocess --help',
    );
  }
  const statuses = [...(failed ? ['FAILED' as const] : []), ...(skipped ? ['SKIPPED' as const] : [])];
  return () => ({
    jobs: {
      statuses,
      ...(since ? { since: sinceTime(since, clock.now()) } : {}),
      ...(prefix ? { prefix } : {}),
    },
  });
}
