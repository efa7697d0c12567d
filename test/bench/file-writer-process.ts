/**
 * The burst's writer (see `startFileWriter` in local-pipeline.ts): `node --import tsx
 * file-writer-process.ts <root> <prefix> <count>`. It writes the sample files when its parent says
 * `write`, and answers with the epoch time (ms) each write finished, then exits.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileKey, sampleDocument } from './sample-files.js';

const [root = '', prefix = '', count = '0'] = process.argv.slice(2);

process.once('message', () => {
  void (async () => {
    await mkdir(join(root, prefix), { recursive: true });
    const writtenAt: number[] = [];
    for (let i = 0; i < Number(count); i++) {
      await writeFile(join(root, ...fileKey(prefix, i).split('/')), sampleDocument(i));
      writtenAt.push(performance.timeOrigin + performance.now());
    }
    process.send?.({ type: 'written', writtenAt }, () => process.disconnect());
  })();
});

process.send?.({ type: 'ready' });
