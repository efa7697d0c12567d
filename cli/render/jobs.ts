/** Jobs as plain text: the `b2a jobs` table, the `b2a jobs show` detail and one attempt in full. */
import type { Job } from '../../pipeline-functions/core/model.js';
import {
  numberedHistory,
  type AttemptDetail,
  type NumberedAttempt,
} from '../../pipeline-functions/core/use-cases/admin/jobs.js';
import { formatBytes, formatTime, formatVersion, lastOutcome } from './format.js';
import { renderTable, type Column } from './table.js';

/** The columns of `b2a jobs`, shared with the ink `JobsTable`. */
export const JOB_COLUMNS: readonly Column<Job>[] = [
  { header: 'KEY', value: (job) => job.key, truncate: true, minWidth: 12 },
  { header: 'STATUS', value: (job) => job.status, width: 10 },
  { header: 'ATTEMPTS', value: (job) => String(job.attempts), width: 8, align: 'right' },
  { header: 'LAST', value: lastOutcome, truncate: true, minWidth: 8 },
  { header: 'UPDATED', value: (job) => formatTime(job.updatedAt), width: 20 },
];

/** The columns of a job's attempt history, shared with the ink `JobDetail`. `N` is what `--attempt` takes. */
export const ATTEMPT_COLUMNS: readonly Column<NumberedAttempt>[] = [
  { header: 'N', value: (a) => String(a.n), align: 'right' },
  { header: 'AT', value: (a) => formatTime(a.at), width: 20 },
  { header: 'RUN', value: (a) => a.runId, truncate: true, minWidth: 8 },
  { header: '#', value: (a) => String(a.attempt), align: 'right' },
  { header: 'ORIGIN', value: (a) => a.origin },
  { header: 'OUTCOME', value: (a) => a.outcome },
  { header: 'HTTP', value: (a) => (a.httpStatus !== undefined ? String(a.httpStatus) : '-'), align: 'right' },
  {
    header: 'LATENCY',
    value: (a) => (a.latencyMs !== undefined ? `${a.latencyMs} ms` : '-'),
    align: 'right',
  },
  { header: 'ERROR', value: (a) => a.error ?? '-', truncate: true, minWidth: 8 },
  { header: 'BY', value: (a) => a.requestedBy ?? '-', truncate: true, minWidth: 8 },
];

/** What `b2a jobs` says when it found nothing while asking the index alone (no status, no prefix). */
export const NO_JOBS_NEED_ATTENTION = [
  'No jobs need attention (RETRYING, FAILED, SKIPPED or SUPERSEDED).',
  'Delivered files are listed by key prefix: b2a jobs --prefix <start of the keys>',
].join('\n');

/**
 * The `b2a jobs` table, or a line saying there is nothing: when the listing could not include the
 * SUCCEEDED jobs (`indexOnly`: no status and no prefix asked), the line says where they are.
 */
export function renderJobs(jobs: readonly Job[], maxWidth: number, indexOnly = false): string {
  if (jobs.length > 0) return renderTable(JOB_COLUMNS, jobs, maxWidth);
  return indexOnly ? NO_JOBS_NEED_ATTENTION : 'No jobs match.';
}

/** The fields shown above a job's history, as label/value pairs. */
export function jobSummary(job: Job): [string, string][] {
  return [
    ['job', job.jobId],
    ['version', formatVersion(job)],
    ['size', formatBytes(job.size)],
    ['status', `${job.status} (attempt ${job.attempt} of run ${job.runId}; ${job.attempts} in all)`],
    ['attempts', attemptTotals(job)],
    ['last', lastOutcome(job)],
    ...(job.nextAttemptAt ? ([['next attempt', formatTime(job.nextAttemptAt)]] as [string, string][]) : []),
    ['created', formatTime(job.createdAt)],
    ['updated', formatTime(job.updatedAt)],
  ];
}

/** All attempts, over all runs, and how many of them the history below lists. */
function attemptTotals(job: Job): string {
  const runs = `${job.runs} run${job.runs === 1 ? '' : 's'}`;
  const span = `${formatTime(job.firstAttemptAt)} to ${formatTime(job.lastAttemptAt)}`;
  const listed = job.history.length < job.attempts ? ` (newest ${job.history.length} listed)` : '';
  return `${job.attempts} in ${runs}, ${span}${listed}`;
}

/** `b2a jobs show`: every version's job for the key, newest first, each with its attempt history. */
export function renderJobDetail(jobs: readonly Job[], maxWidth: number): string {
  return jobs
    .map((job) => {
      const summary = jobSummary(job)
        .map(([label, value]) => `  ${label.padEnd(13)}${value}`)
        .join('\n');
      const history =
        job.history.length === 0
          ? '  (no attempts)'
          : renderTable(ATTEMPT_COLUMNS, numberedHistory(job), maxWidth);
      return `s3://${job.bucket}/${job.key}\n${summary}\n\n${history}`;
    })
    .join('\n\n');
}

/** One part of an attempt shown in full: a title, label/value rows, and the response body when kept. */
export interface AttemptSection {
  readonly title: string;
  readonly rows: readonly (readonly [string, string])[];
  readonly body?: string;
}

/** `b2a jobs show --attempt N`: the attempt, what was sent and what came back, shared with the ink `AttemptView`. */
export function attemptSections({ job, attempt }: AttemptDetail): AttemptSection[] {
  const { request, response } = attempt;
  const sections: AttemptSection[] = [
    {
      title: `s3://${job.bucket}/${job.key} · attempt ${attempt.n} of ${job.attempts}`,
      rows: [
        ['job', job.jobId],
        ['at', formatTime(attempt.at)],
        ['run', `${attempt.runId}, attempt ${attempt.attempt} (${attempt.origin})`],
        ['outcome', attempt.outcome],
        ...optional('latency', attempt.latencyMs !== undefined ? `${attempt.latencyMs} ms` : undefined),
        ...optional('error', attempt.error),
        ...optional('by', attempt.requestedBy),
      ],
    },
  ];
  if (request) {
    sections.push({
      title: 'Request',
      rows: [
        [request.method, request.url],
        ['body', formatBytes(request.bodyBytes)],
        ['sha256', request.bodySha256],
        ...Object.entries(request.headers)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([name, value]) => [`${name}:`, value] as const),
      ],
    });
  }
  sections.push(
    response
      ? {
          title: 'Response',
          rows: [
            ['status', String(response.status)],
            ...optional('content-type', response.contentType),
            ...optional('retry-after', response.retryAfter),
            ...optional(
              'request id',
              response.requestId && `${response.requestId.value} (${response.requestId.header})`,
            ),
            [
              'body',
              response.body === undefined
                ? '(none kept)'
                : response.bodyTruncated
                  ? 'its start (cut):'
                  : 'whole:',
            ],
          ],
          ...(response.body !== undefined ? { body: response.body } : {}),
        }
      : { title: 'Response', rows: [['status', request ? 'no answer' : 'no call was made']] },
  );
  return sections;
}

function optional(label: string, value: string | undefined): (readonly [string, string])[] {
  return value === undefined ? [] : [[label, value]];
}

/** `b2a jobs show --attempt N` as plain text. */
export function renderAttemptDetail(detail: AttemptDetail): string {
  return attemptSections(detail)
    .map(({ title, rows, body }) => {
      const lines = [title, ...rows.map(([label, value]) => `  ${label.padEnd(16)} ${value}`)];
      if (body !== undefined) lines.push(...body.split(/\r?\n/).map((line) => `    ${line}`));
      return lines.join('\n');
    })
    .join('\n\n');
}
