/**
 * File primitives the local adapters share: atomic replace (write a temporary file, flush it, rename
 * it over the target), JSON lines journals, and errno checks. A reader never sees half a file: either
 * the old one or the new one, also when the process is killed mid-write.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { appendFile, link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { LocalStoreError } from './errors.js';

/** Whether `error` is a Node.js system error with one of `codes` (e.g. `ENOENT`). */
export function hasErrorCode(error: unknown, ...codes: string[]): boolean {
  // Not `instanceof Error`: system errors come from Node's realm, which that misses under a VM (jest).
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    codes.includes(error.code)
  );
}

/** Whether a file name is one of b2a's temporary files (see {@link writeFileAtomic}). */
export const isTemporaryName = (name: string): boolean => name.startsWith('.') && name.endsWith('.tmp');

/**
 * Replaces `path` with `data` atomically: writes `.<name>.<random>.tmp` beside it, flushes it to disk
 * (`fsync`, unless `durable` is false) and renames it over `path`.
 * @param exclusive when true, fails with `EEXIST` instead of replacing an existing file.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { readonly durable?: boolean; readonly exclusive?: boolean } = {},
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
  try {
    await handle.writeFile(data);
    if (options.durable !== false) await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (options.exclusive) {
      // link() fails when the target exists, which rename() would silently replace.
      await link(temporary, path);
      await rm(temporary, { force: true });
    } else {
      await rename(temporary, path);
    }
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** Writes JSON atomically (see {@link writeFileAtomic}). */
export async function writeJsonAtomic(
  path: string,
  value: unknown,
  options: { readonly durable?: boolean; readonly exclusive?: boolean } = {},
): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value)}\n`, options);
}

/**
 * Reads a JSON file, or `undefined` when it does not exist.
 * @throws LocalStoreError when the file is not JSON.
 */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new LocalStoreError(path, 'is not valid JSON', { cause: error });
  }
}

/** Appends one JSON line to a journal, creating its directory when needed. */
export async function appendJsonLine(path: string, value: unknown): Promise<void> {
  await appendJsonLines(path, [value]);
}

/**
 * Appends JSON lines to a journal in one write, creating its directory when needed. A process killed
 * mid-write can tear the last line only, which {@link readJsonLines} leaves out.
 */
export async function appendJsonLines(path: string, values: readonly unknown[]): Promise<void> {
  if (values.length === 0) return;
  const lines = values.map((value) => `${JSON.stringify(value)}\n`).join('');
  try {
    await appendFile(path, lines, 'utf8');
  } catch (error) {
    if (!hasErrorCode(error, 'ENOENT')) throw error;
    await mkdir(dirname(path), { recursive: true });
    await appendFile(path, lines, 'utf8');
  }
}

/**
 * Flushes a directory's entries to disk (`fsync` on the directory itself): the files created or
 * renamed into it survive a power cut, not only their content.
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Makes a journal safe to append to: a process killed mid-append can leave a last line without its
 * newline, which the next append would run into. Ends such a file with a newline.
 */
export async function repairJournal(path: string): Promise<void> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return;
    throw error;
  }
  if (size === 0) return;
  const handle = await open(path, 'r');
  const last = Buffer.alloc(1);
  try {
    await handle.read(last, 0, 1, size - 1);
  } finally {
    await handle.close();
  }
  if (last[0] !== 0x0a) await appendFile(path, '\n', 'utf8');
}

/**
 * Reads a JSON lines journal. A line that is not JSON (a torn append from a killed process) is left
 * out and reported through `onBadLine`, so one torn write never makes the journal unreadable.
 */
export async function readJsonLines(
  path: string,
  onBadLine: (lineNumber: number, line: string) => void,
): Promise<unknown[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (hasErrorCode(error, 'ENOENT')) return [];
    throw error;
  }
  const values: unknown[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line) as unknown);
    } catch {
      onBadLine(index + 1, line);
    }
  }
  return values;
}
