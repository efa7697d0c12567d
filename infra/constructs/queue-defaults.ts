/**
 * Pure sizing rules of the source queue, kept apart from the construct so that they read (and test)
 * as the AWS guidance they implement.
 */

/** AWS advises a visibility timeout of at least six times the pipe's execution time. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** SQS refuses a visibility timeout above 12 hours. */
const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/**
 * The source queue's visibility timeout: six times the longest a pipe execution can take (the
 * enrichment's timeout plus the target's), so that a message is not handed out again while a slow
 * execution still holds it.
 * @example visibilityTimeoutSeconds(120, 60) === 1080
 */
export function visibilityTimeoutSeconds(
  enrichmentTimeoutSeconds: number,
  targetTimeoutSeconds: number,
): number {
  const pipeExecutionSeconds = enrichmentTimeoutSeconds + targetTimeoutSeconds;
  return Math.min(VISIBILITY_TIMEOUT_FACTOR * pipeExecutionSeconds, MAX_VISIBILITY_TIMEOUT_SECONDS);
}
