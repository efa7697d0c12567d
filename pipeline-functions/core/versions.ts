/**
 * The order of one key's versions. S3 gives each PUT and DELETE event a sequencer: "If you compare
 * the sequencer strings from two event notifications on the same object key, the event notification
 * with the greater sequencer hexadecimal value is the event that occurred later", and "the sequencers
 * can be of different lengths. So, to compare these values, first right pad the shorter value with
 * zeros, and then do a lexicographical comparison"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html).
 * Sequencers of different keys say nothing about each other.
 */

/**
 * Width every sequencer is right-padded to before it is stored or compared: S3's are 16 to 18 hex
 * digits today; a longer one is compared as it is.
 */
export const SEQUENCER_WIDTH = 32;

/**
 * A sequencer as stored and compared: upper-case hex (so that string order is hex order),
 * right-padded with zeros to {@link SEQUENCER_WIDTH}.
 * @example sequencerOrder('0062e99a88dc407460') // '0062E99A88DC4074600000000000000000'
 */
export function sequencerOrder(sequencer: string): string {
  return sequencer.toUpperCase().padEnd(SEQUENCER_WIDTH, '0');
}

/**
 * Compares two sequencers of the same key, the way S3 documents: negative when `a` came first,
 * positive when `b` did, 0 for the same event.
 * @example compareSequencers('0062E99A88DC407460', '0062E99A88DC4074') > 0 // '…4074' pads to '…407400'
 */
export function compareSequencers(a: string, b: string): number {
  const width = Math.max(a.length, b.length, SEQUENCER_WIDTH);
  const left = a.toUpperCase().padEnd(width, '0');
  const right = b.toUpperCase().padEnd(width, '0');
  return left < right ? -1 : left > right ? 1 : 0;
}
