/**
 * Parsing of option values shared by the commands. Parsers throw commander's InvalidArgumentError,
 * which the program reports as a usage error (exit 2) naming the option.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { JOB_STATUSES, type JobStatus } from '../pipeline-functions/core/model.js';
import type { HttpStatusRange } from '../pipeline-functions/core/ports.js';
import type { GlobalOptions } from './global-options.js';

/** The environments `--env` accepts. `local` is the embedded runtime; the others are deployed stages. */
export const ENVIRONMENTS = ['local', 'dev', 'demo', 'prod'] as const;

/** The environment where bulk and destructive commands ask for confirmation (or `--yes`). */
export const CONFIRMED_ENVIRONMENT = 'prod';

/** The global options as resolved for the command that runs. */
export function globalOptions(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Parses a duration such as `90s`, `30m`, `2h`, `7d` or `1w` into milliseconds; a bare number is
 * seconds (as for `timeout 30`).
 * @throws InvalidArgumentError
 * @example parseDuration('30m') // 1_800_000
 */
export function parseDuration(value: string): number {
  const match = /^(\d+)\s*([smhdw]?)$/i.exec(value.trim());
  const amount = match ? Number(match[1]) : NaN;
  const unit = match ? UNIT_MS[(match[2] || 's').toLowerCase()] : undefined;
  if (!unit || !Number.isSafeInteger(amount) || amount <= 0) {
    throw new InvalidArgumentError(`"${value}" is not a duration: use e.g. 90s, 30m, 2h, 7d`);
  }
  return amount * unit;
}

/**
 * Validates a duration option at parse time and keeps its text (as the command shows it back).
 * @throws InvalidArgumentError
 * @example parseDurationText('15m') // '15m'
 */
export function parseDurationText(value: string): string {
  parseDuration(value);
  return value;
}

/**
 * Turns `--since` (a duration back from now, or an ISO-8601 time) into an ISO-8601 time.
 * @throws InvalidArgumentError
 * @example sinceTime('2h', new Date('2026-11-21T12:00:00Z')) // '2026-11-21T10:00:00.000Z'
 */
export function sinceTime(value: string, now: Date): string {
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) {
    const time = new Date(value);
    if (Number.isNaN(time.getTime())) throw new InvalidArgumentError(`"${value}" is not a valid time`);
    return time.toISOString();
  }
  return new Date(now.getTime() - parseDuration(value)).toISOString();
}

/** Validates `--since` at parse time; the time is computed when the command runs. */
export function parseSince(value: string): string {
  sinceTime(value, new Date(0));
  return value;
}

/**
 * Parses one status or a comma-separated list, case-insensitively.
 * @throws InvalidArgumentError naming the valid statuses
 * @example parseStatuses('failed,retrying') // ['FAILED', 'RETRYING']
 */
export function parseStatuses(value: string): JobStatus[] {
  const statuses = value.split(',').map((s) => s.trim().toUpperCase());
  const invalid = statuses.filter((s) => !(JOB_STATUSES as readonly string[]).includes(s));
  if (invalid.length > 0 || statuses.length === 0) {
    throw new InvalidArgumentError(`"${value}" is not a status: use ${JOB_STATUSES.join(', ')}`);
  }
  return [...new Set(statuses as JobStatus[])];
}

/**
 * Parses a whole number >= 1.
 * @throws InvalidArgumentError
 */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`"${value}" is not a whole number >= 1`);
  }
  return n;
}

/**
 * Parses HTTP statuses for `--http-status`: codes (`429`) and classes (`4xx`), comma-separated.
 * @throws InvalidArgumentError
 * @example parseHttpStatuses('4xx,503') // [{ from: 400, to: 499 }, { from: 503, to: 503 }]
 */
export function parseHttpStatuses(value: string): HttpStatusRange[] {
  return value.split(',').map((part) => {
    const token = part.trim().toLowerCase();
    const match = /^([1-5])(xx|\d\d)$/.exec(token);
    if (!match) {
      throw new InvalidArgumentError(
        `"${value}" is not an HTTP status: use e.g. 429, 503, 4xx or 5xx (comma-separated)`,
      );
    }
    const hundreds = Number(match[1]) * 100;
    return match[2] === 'xx'
      ? { from: hundreds, to: hundreds + 99 }
      : { from: Number(token), to: Number(token) };
  });
}
