/**
 * The object-key part of the EventBridge rule's pattern, from the config's prefix and suffix filters
 * (the enrichment applies the same filters; the rule saves the invocations).
 */
import * as events from 'aws-cdk-lib/aws-events';

/**
 * `{ object: { key: [matcher] } }` for the filters, or `{}` when there are none.
 * @example objectKeyPattern({ prefix: 'in/', suffix: '.csv' }) // { object: { key: [{ wildcard: 'in/*.csv' }] } }
 */
export function objectKeyPattern(filters: { readonly prefix: string; readonly suffix: string }): {
  object?: { key: string[] };
} {
  const { prefix, suffix } = filters;
  if (!prefix && !suffix) return {};
  let matcher: string[];
  if (prefix && suffix) {
    // Matchers listed for one field are ORed; a wildcard ANDs the prefix and the suffix.
    matcher = events.Match.wildcard(`${escapeWildcard(prefix)}*${escapeWildcard(suffix)}`);
  } else if (prefix) {
    matcher = events.Match.prefix(prefix);
  } else {
    matcher = events.Match.suffix(suffix);
  }
  return { object: { key: matcher } };
}

/** In EventBridge wildcard patterns `*` matches anything and `\` escapes. */
function escapeWildcard(text: string): string {
  return text.replace(/[\\*]/g, (char) => `\\${char}`);
}
