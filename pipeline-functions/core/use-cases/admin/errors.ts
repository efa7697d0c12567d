/**
 * Typed errors of the admin use cases. They say what happened; the CLI decides at its edge what each
 * means for the admin (exit code, hint).
 */
import { B2aError } from '../../errors.js';
import type { JobStatus } from '../../model.js';

/** Keys named for a reprocess do not exist in the bucket: nothing was sent. */
export class KeysNotFoundError extends B2aError {
  public override name = 'KeysNotFoundError';

  public constructor(
    public readonly keys: readonly string[],
    public readonly bucket: string,
    public readonly environment: string,
  ) {
    super(
      `no object ${keys.map((key) => JSON.stringify(key)).join(', ')} in bucket ${bucket} (${environment}); nothing was sent`,
    );
  }
}

/**
 * SUCCEEDED jobs were asked for without a key prefix. The job store indexes only the statuses that
 * need attention (a write per success saved), so SUCCEEDED jobs are found through the bucket
 * listing under a prefix, and listing the whole bucket is not something to do by accident.
 */
export class SucceededNeedsPrefixError extends B2aError {
  public override name = 'SucceededNeedsPrefixError';

  public constructor() {
    super('SUCCEEDED jobs are not indexed: they are listed by key prefix, and no prefix was given');
  }
}

/** No job has this key (in any version). */
export class KeyHasNoJobsError extends B2aError {
  public override name = 'KeyHasNoJobsError';

  public constructor(
    public readonly key: string,
    public readonly bucket: string,
    public readonly environment: string,
  ) {
    super(`no jobs for key ${JSON.stringify(key)} in bucket ${bucket} (${environment})`);
  }
}

/** The attempt asked for is not in the job's history: not made yet, or older than the history keeps. */
export class AttemptNotKeptError extends B2aError {
  public override name = 'AttemptNotKeptError';

  public constructor(
    public readonly jobId: string,
    public readonly asked: number,
    /** The attempt numbers the history holds. */
    public readonly kept: { readonly from: number; readonly to: number },
  ) {
    super(
      asked > kept.to
        ? `job ${jobId} has ${kept.to} attempt(s); there is no attempt ${asked}`
        : `attempt ${asked} of job ${jobId} is no longer kept: the job keeps attempts ${kept.from} to ${kept.to} (jobs.historyLimit)`,
    );
  }
}

/** A reprocess tried every object, and some could not be sent (denied by S3, or an error). */
export class ObjectsNotSentError extends B2aError {
  public override name = 'ObjectsNotSentError';

  public constructor(
    public readonly counts: {
      readonly started: number;
      readonly missing: number;
      readonly denied: number;
      readonly failed: number;
    },
  ) {
    const { started, missing, denied, failed } = counts;
    const why = [...(denied > 0 ? [`${denied} denied`] : []), ...(failed > 0 ? [`${failed} failed`] : [])];
    super(
      `${denied + failed} of ${started + missing + denied + failed} object(s) not sent (${why.join(', ')}); ${started} sent`,
    );
  }
}

/** Jobs a reprocess waited for did not all succeed, or were still running when the wait ended. */
export class JobsNotSucceededError extends B2aError {
  public override name = 'JobsNotSucceededError';

  public constructor(
    message: string,
    /** The wait ended with jobs still running. */
    public readonly timedOut: boolean,
    /** The statuses of the jobs that did not succeed (`UNKNOWN` for a job not yet recorded). */
    public readonly statuses: readonly (JobStatus | 'UNKNOWN')[],
  ) {
    super(message);
  }
}

/**
 * A backfill went through the whole listing, and the queue refused some messages. Its checkpoint
 * keeps them: the same command, run again, sends those first.
 */
export class BackfillIncompleteError extends B2aError {
  public override name = 'BackfillIncompleteError';

  public constructor(
    public readonly failed: number,
    public readonly sent: number,
  ) {
    super(`${failed} backfill message(s) refused by the queue; ${sent} sent`);
  }
}
