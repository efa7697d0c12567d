/** Formatting of times, sizes and job outcomes, shared by the plain renderers and the ink views. */
import type { Job } from '../../pipeline-functions/core/model.js';

/** An ISO-8601 time as `2026-11-21 12:00:03Z` (UTC, to the second), or `-`. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '-';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Seconds as `45s`, `3m 20s`, `2h 5m`, `3d 4h`. */
export function formatAge(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** Bytes as `512 B`, `1.5 KiB`, `12.0 MiB`. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** What the job's last attempt got: `HTTP 503 <error>`, the error alone, `HTTP 200`, or `-`. */
export function lastOutcome(job: Pick<Job, 'status' | 'lastHttpStatus' | 'lastError'>): string {
  const http = job.lastHttpStatus !== undefined ? `HTTP ${job.lastHttpStatus}` : '';
  const error = job.status !== 'SUCCEEDED' && job.lastError ? job.lastError : '';
  if (http && error.startsWith(http)) return error;
  return [http, error].filter(Boolean).join(' ') || '-';
}

/** The object version a job is about: its version id, else its ETag, else `-`. */
export function formatVersion(job: Pick<Job, 'versionId' | 'etag'>): string {
  return job.versionId ?? (job.etag ? `etag ${job.etag.replace(/"/g, '')}` : '-');
}

/** A word quoted for a POSIX shell when it needs quoting, for commands suggested to the admin. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
