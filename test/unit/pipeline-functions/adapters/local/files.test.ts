import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendJsonLine,
  appendJsonLines,
  hasErrorCode,
  readJsonFile,
  readJsonLines,
  repairJournal,
  syncDirectory,
  writeFileAtomic,
} from '../../../../../pipeline-functions/adapters/local/files.js';
import { LocalStoreError } from '../../../../../pipeline-functions/adapters/local/errors.js';

describe('Module: files', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-files-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces a file atomically and leaves no temporary file behind', async () => {
    // Prepare
    const path = join(dir, 'a.json');
    await writeFile(path, 'old');
    // Act
    await writeFileAtomic(path, 'new');
    // Assess
    expect(await readFile(path, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('refuses to replace an existing file when exclusive', async () => {
    // Prepare
    const path = join(dir, 'a.json');
    await writeFile(path, 'first');
    // Act
    const attempt = writeFileAtomic(path, 'second', { exclusive: true });
    // Assess
    await expect(attempt).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('first');
    expect(await readdir(dir)).toEqual(['a.json']);
  });

  it('reads a missing JSON file as undefined and a corrupt one as a LocalStoreError', async () => {
    // Prepare
    await writeFile(join(dir, 'bad.json'), '{nope');
    // Act & Assess
    expect(await readJsonFile(join(dir, 'missing.json'))).toBeUndefined();
    await expect(readJsonFile(join(dir, 'bad.json'))).rejects.toBeInstanceOf(LocalStoreError);
  });

  it('reports a torn journal line instead of failing, and repairs the journal before appending', async () => {
    // Prepare
    const path = join(dir, 'journal.jsonl');
    await appendJsonLine(path, { n: 1 });
    await appendFile(path, '{"n":2,"tor');
    const bad: number[] = [];
    // Act
    await repairJournal(path);
    await appendJsonLine(path, { n: 3 });
    const values = await readJsonLines(path, (line) => bad.push(line));
    // Assess
    expect(values).toEqual([{ n: 1 }, { n: 3 }]);
    expect(bad).toEqual([2]);
  });

  it('appends several journal lines at once, creating the directory, and nothing for none', async () => {
    // Prepare
    const path = join(dir, 'sub', 'journal.jsonl');
    // Act
    await appendJsonLines(path, [{ n: 1 }, { n: 2 }]);
    await appendJsonLines(path, []);
    await appendJsonLines(path, [{ n: 3 }]);
    // Assess
    expect(await readFile(path, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('flushes a directory, and fails for one that does not exist', async () => {
    // Act & Assess
    await expect(syncDirectory(dir)).resolves.toBeUndefined();
    await expect(syncDirectory(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('recognises errno codes', () => {
    // Prepare
    const error = Object.assign(new Error('gone'), { code: 'ENOENT' });
    // Act & Assess
    expect(hasErrorCode(error, 'EISDIR', 'ENOENT')).toBe(true);
    expect(hasErrorCode(new Error('plain'), 'ENOENT')).toBe(false);
  });
});
