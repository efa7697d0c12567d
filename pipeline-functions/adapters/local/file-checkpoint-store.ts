/** Checkpoints as JSON files in one directory, written atomically so a crash never leaves half of one. */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointStore } from '../../core/ports.js';
import { hasErrorCode, readJsonFile, writeJsonAtomic } from './files.js';

/**
 * A {@link CheckpointStore} over a directory: `<dir>/<name>.json`. Names are made by the core
 * (hex digests), so they are safe file names.
 * @example const checkpoints = new FileCheckpointStore('.b2a/checkpoints');
 */
export class FileCheckpointStore implements CheckpointStore {
  public constructor(private readonly dir: string) {}

  public async read(name: string): Promise<unknown> {
    return readJsonFile(this.pathOf(name));
  }

  public async write(name: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await writeJsonAtomic(this.pathOf(name), value);
  }

  public async remove(name: string): Promise<void> {
    await rm(this.pathOf(name)).catch((error: unknown) => {
      if (!hasErrorCode(error, 'ENOENT')) throw error;
    });
  }

  private pathOf(name: string): string {
    if (!/^[\w.-]+$/.test(name)) throw new RangeError(`not a checkpoint name: ${JSON.stringify(name)}`);
    return join(this.dir, `${name}.json`);
  }
}
