/** How admins name objects on the command line. */
import { UsageError } from './errors.js';

/**
 * Accepts a key as stored, or as `s3://<bucket>/<key>` when it names the environment's bucket.
 * @throws UsageError for an `s3://` URL of another bucket
 * @example keyOf('s3://inbox/a b.csv', 'inbox') // 'a b.csv'
 */
export function keyOf(argument: string, bucket: string): string {
  const prefix = `s3://${bucket}/`;
  if (argument.startsWith(prefix)) return argument.slice(prefix.length);
  if (argument.startsWith('s3://')) {
    throw new UsageError(
      `${argument} is not in the source bucket ${bucket}`,
      'pass keys of the source bucket',
    );
  }
  return argument;
}
