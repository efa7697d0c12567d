/**
 * The checks config `versions: latest` and `dedupe: content` add before a call: is a newer version
 * of the key recorded (SUPERSEDED), and is the content the same as the last delivered version's
 * (SUCCEEDED, `unchanged`). Each answers with the reason nothing is sent, or `undefined` to go on.
 */
import { jobIdOf, versionToken, type Job, type ObjectRef } from '../model.js';
import type { JobRepository, LatestVersions } from '../ports.js';
import { compareSequencers } from '../versions.js';

/**
 * Records the object as its key's newest version, unless a newer one is recorded: then says which.
 * An object without a sequencer (a backfill's, or a job recorded before b2a kept them) cannot be
 * ordered: it is neither superseded nor recorded.
 * @example await supersededBy(versions, object, now) // 'a newer version (v2) of the key was recorded at …'
 */
export async function supersededBy(
  versions: LatestVersions,
  object: ObjectRef,
  now: Date,
): Promise<string | undefined> {
  const { sequencer } = object;
  if (sequencer === undefined) return undefined;
  const latest = await versions.advance({ ...object, sequencer }, now.toISOString());
  if (latest.version === versionToken(object) || compareSequencers(latest.sequencer, sequencer) <= 0) {
    return undefined;
  }
  return `a newer version (${latest.version}) of the key was recorded at ${latest.seenAt}`;
}

/**
 * Whether the object's ETag equals that of the key's last delivered version (the SUCCEEDED job
 * attempted last), read from the key's jobs (one Query). Without an ETag nothing is known: undefined.
 */
export async function unchangedSince(
  jobs: Pick<JobRepository, 'listByKey'>,
  object: ObjectRef,
): Promise<string | undefined> {
  const etag = normalEtag(object.etag);
  if (!etag) return undefined;
  const self = jobIdOf(object);
  const delivered = (await jobs.listByKey(object.bucket, object.key))
    .filter((job) => job.status === 'SUCCEEDED' && job.jobId !== self)
    .reduce<Job | undefined>(
      (last, job) => (!last || job.lastAttemptAt > last.lastAttemptAt ? job : last),
      undefined,
    );
  if (!delivered || normalEtag(delivered.etag) !== etag) return undefined;
  return `content unchanged since version ${versionToken(delivered)} (ETag ${etag}): not sent`;
}

/** ETags arrive with quotes (HEAD, listings) or without (events): compared without. */
function normalEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/"/g, '') || undefined;
}
