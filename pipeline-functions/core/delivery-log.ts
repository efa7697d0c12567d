/**
 * The delivery log: what each attempt sent to the API and what it answered, kept in the job's
 * bounded history (config `jobs.historyLimit`). The rules of what is recorded live here, so that
 * the HTTP adapter that records and the size budgets that bound the records never drift:
 * - secrets never: credential headers and any value holding a secret read `[redacted]`, and so does
 *   every query value of the URL (a query often carries a key: Azure Functions' `code`, a SAS `sig`);
 * - bounded: each header value at most {@link LOG_VALUE_MAX_CHARS} characters, the response body at
 *   most `api.log.responseBodyBytes` bytes of text.
 *
 * The enrichment returns each attempt's record to the pipe and the target writes it into the job,
 * so the records must fit Pipes' 6 MB between steps for a whole batch
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/pipes-enrichment.html) and DynamoDB's
 * 400 KB item for a whole history
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * {@link deliveryLogBudgetIssues} checks both at synth and at start.
 */

/** What replaces a secret value in anything b2a records. */
export const REDACTED = '[redacted]';

/** The request of one attempt, as recorded. */
export interface RequestRecord {
  readonly method: string;
  /** The URL called, without credentials, every query value `[redacted]`. */
  readonly url: string;
  /** The headers as sent (lower-case names), secret values `[redacted]`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly bodyBytes: number;
  /** Hex SHA-256 of the body bytes, as `sha256sum` prints it. */
  readonly bodySha256: string;
}

/** The API's answer to one attempt, as recorded. */
export interface ResponseRecord {
  readonly status: number;
  readonly contentType?: string;
  readonly retryAfter?: string;
  /** The API's id for the request, from the first of {@link REQUEST_ID_HEADERS} it sent. */
  readonly requestId?: { readonly header: string; readonly value: string };
  /**
   * The start of the body as UTF-8 text, at most `api.log.responseBodyBytes` bytes; bytes that are
   * not text show as U+FFFD, secrets as `[redacted]`. Absent when the body is empty or none is kept.
   */
  readonly body?: string;
  /** The body was longer than what is kept. */
  readonly bodyTruncated?: boolean;
}

/** One attempt's exchange with the API: the request, and the response unless none came. */
export interface HttpExchange {
  readonly request: RequestRecord;
  readonly response?: ResponseRecord;
}

/** Response headers that carry the API's id for a request, in the order they are looked for. */
export const REQUEST_ID_HEADERS = [
  'x-request-id',
  'request-id',
  'x-amzn-requestid',
  'x-amz-request-id',
  'x-correlation-id',
  'correlation-id',
  'x-trace-id',
  'cf-ray',
] as const;

/** Header names whose values are secret whatever they hold. */
const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|api[-_]?key|token|secret|password/i;

/** Characters kept of each recorded header value (and request id); the rest is cut with `…`. */
export const LOG_VALUE_MAX_CHARS = 256;

/** The most `api.log.responseBodyBytes` may be: 8 KiB of body per attempt. */
export const MAX_RESPONSE_BODY_BYTES = 8192;

/** A header value as recorded: cut to {@link LOG_VALUE_MAX_CHARS}. */
export function recordedValue(value: string): string {
  return value.length > LOG_VALUE_MAX_CHARS ? `${value.slice(0, LOG_VALUE_MAX_CHARS - 1)}…` : value;
}

/**
 * The headers of a request as recorded: `[redacted]` for the headers that carry credentials
 * (`secretHeaders`, the usual credential names) and for any value holding one of `secrets`; every
 * other value (a signature, a digest) kept, cut to {@link LOG_VALUE_MAX_CHARS}.
 * @example recordedHeaders([['authorization', 'Bearer t0k3n'], ['webhook-signature', 'v1,abc']], ['t0k3n'])
 * // { authorization: '[redacted]', 'webhook-signature': 'v1,abc' }
 */
export function recordedHeaders(
  headers: Iterable<readonly [string, string]>,
  secrets: readonly string[],
  secretHeaders: readonly string[] = [],
): Record<string, string> {
  const named = new Set(secretHeaders.map((name) => name.toLowerCase()));
  const recorded: Record<string, string> = {};
  for (const [rawName, value] of headers) {
    const name = rawName.toLowerCase();
    const secret =
      named.has(name) || SECRET_HEADER.test(name) || secrets.some((s) => s !== '' && value.includes(s));
    recorded[name] = secret ? REDACTED : recordedValue(value);
  }
  return recorded;
}

/**
 * The URL as recorded: no user or password, every query value `[redacted]` (names kept).
 * @example recordedUrl('https://u:p@api.test/in?code=abc&tenant=a') // 'https://api.test/in?code=[redacted]&tenant=[redacted]'
 */
export function recordedUrl(url: string): string {
  const parsed = new URL(url);
  const query = [...parsed.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=${REDACTED}`);
  return `${parsed.origin}${parsed.pathname}${query.length > 0 ? `?${query.join('&')}` : ''}`;
}

/**
 * The first `maxBytes` of a body as text: UTF-8 decoded (bytes that are not text and control
 * characters other than tab and line breaks become U+FFFD), `secrets` replaced by `[redacted]`,
 * then cut at a character boundary so the text is at most `maxBytes` bytes of UTF-8.
 */
export function recordedBody(
  bytes: Uint8Array,
  maxBytes: number,
  secrets: readonly string[],
): { readonly body?: string; readonly bodyTruncated?: boolean } {
  if (maxBytes === 0 || bytes.byteLength === 0) return {};
  // Decoded a little beyond the limit so that a secret straddling it is still found and redacted.
  const longestSecret = Math.max(0, ...secrets.map((s) => Buffer.byteLength(s)));
  let text = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, maxBytes + longestSecret))
    // eslint-disable-next-line no-control-regex -- control characters are what this replaces
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
  for (const secret of secrets) if (secret) text = text.split(secret).join(REDACTED);
  const encoded = Buffer.from(text, 'utf8');
  let cut = Math.min(maxBytes, encoded.byteLength);
  // Back off to the start of a character: UTF-8 continuation bytes are 10xxxxxx.
  while (cut > 0 && cut < encoded.byteLength && ((encoded[cut] ?? 0) & 0xc0) === 0x80) cut--;
  const body = encoded.subarray(0, cut).toString('utf8');
  const truncated = cut < encoded.byteLength || bytes.byteLength > maxBytes + longestSecret;
  return { ...(body ? { body } : {}), ...(truncated ? { bodyTruncated: true } : {}) };
}

/* ---- Size budgets ---- */

/**
 * Bytes of one attempt's JSON besides the response body, the URL and the configured headers: the
 * attempt's fields, an error of a few hundred characters, the ARN of who asked, b2a's own request
 * headers (each cut to {@link LOG_VALUE_MAX_CHARS}) and the response's headers. An upper estimate,
 * checked by a test against a worst-case attempt.
 */
export const ATTEMPT_OVERHEAD_BYTES = 4 * 1024;

/** Bytes of one enriched item besides its attempt's log: the message id, the object (a 1,024-byte key), the run, the result's reason. */
export const ENRICHED_ITEM_OVERHEAD_BYTES = 4 * 1024;

/** Bytes of a job item besides its history: keys, the object, the run, totals, the last error. */
export const JOB_OVERHEAD_BYTES = 8 * 1024;

/** Lambda's and Pipes' 6 MB payload, counted in decimal megabytes to stay on the safe side. */
export const PIPE_PAYLOAD_LIMIT_BYTES = 6_000_000;

/** DynamoDB's item size limit (400 KB). */
export const DYNAMODB_ITEM_LIMIT_BYTES = 400 * 1024;

/** The configuration fields the budgets depend on. */
export interface DeliveryLogBudgetInput {
  readonly api: {
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly log: { readonly responseBodyBytes: number };
  };
  readonly batch: { readonly size: number };
  readonly jobs: { readonly historyLimit: number };
}

/** A budget the configuration breaks, with the field to change. */
export interface BudgetIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Upper estimates of one attempt's record, in bytes: as JSON between the pipe's steps (where `"`,
 * `\` and line breaks of the body take two bytes) and as stored in DynamoDB (UTF-8, the body once;
 * the job repository compresses a history only when that makes it smaller, so this bounds it too).
 */
export function attemptRecordBytes(api: DeliveryLogBudgetInput['api']): {
  readonly json: number;
  readonly stored: number;
} {
  const configured = Object.entries(api.headers).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + 2 * Buffer.byteLength(recordedValue(value)) + 6,
    0,
  );
  const fixed = ATTEMPT_OVERHEAD_BYTES + Buffer.byteLength(recordedUrl(api.url)) + configured;
  const body = api.log.responseBodyBytes;
  return { json: fixed + 2 * body, stored: fixed + body };
}

/**
 * What in the configuration would make the delivery log outgrow Pipes' 6 MB payload for a batch
 * (`batch.size` × an enriched item) or DynamoDB's 400 KB item (`jobs.historyLimit` × an attempt).
 * @example deliveryLogBudgetIssues(config) // [] when both fit
 */
export function deliveryLogBudgetIssues(config: DeliveryLogBudgetInput): BudgetIssue[] {
  const attempt = attemptRecordBytes(config.api);
  const issues: BudgetIssue[] = [];
  const batchBytes = config.batch.size * (ENRICHED_ITEM_OVERHEAD_BYTES + attempt.json);
  if (batchBytes > PIPE_PAYLOAD_LIMIT_BYTES) {
    issues.push({
      path: ['batch', 'size'],
      message:
        `batch.size × (2 × api.log.responseBodyBytes + ${ENRICHED_ITEM_OVERHEAD_BYTES + attempt.json - 2 * config.api.log.responseBodyBytes} bytes per item) ` +
        `is ${batchBytes} bytes, over the pipe's 6 MB between the enrichment and the target; lower batch.size or api.log.responseBodyBytes`,
    });
  }
  const jobBytes = JOB_OVERHEAD_BYTES + config.jobs.historyLimit * attempt.stored;
  if (jobBytes > DYNAMODB_ITEM_LIMIT_BYTES) {
    issues.push({
      path: ['jobs', 'historyLimit'],
      message:
        `jobs.historyLimit × (api.log.responseBodyBytes + ${attempt.stored - config.api.log.responseBodyBytes} bytes per attempt) + ${JOB_OVERHEAD_BYTES} ` +
        `is ${jobBytes} bytes, over DynamoDB's 400 KB item; lower jobs.historyLimit or api.log.responseBodyBytes`,
    });
  }
  return issues;
}
