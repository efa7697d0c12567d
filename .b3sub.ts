import { build } from 'esbuild';
import { join, relative } from 'node:path';
import { esbuildOptionsOf } from './test/bench/bundles.js';
import { LAMBDA_ENTRIES, PROJECT_ROOT } from './infra/paths.js';
const extra = process.argv[2] ? JSON.parse(process.argv[2]) : {};
for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
  const outfile = join('/tmp/b3', name, 'index.mjs');
  const r = await build({ ...esbuildOptionsOf(entry, outfile), ...extra, metafile: true });
  const out = r.metafile.outputs[relative(PROJECT_ROOT, outfile)]!;
  const by = new Map<string, number>();
  for (const [i, { bytesInOutput }] of Object.entries(out.inputs)) {
    const m = /node_modules\/(@smithy\/core|@aws-sdk\/core)\/dist-es\/(submodules\/)?([^/]+)(\/[^/]+)?/.exec(i);
    if (!m) continue;
    const k = `${m[1]} ${m[3]}${m[2] && m[4] ? m[4] : ''}`;
    by.set(k, (by.get(k) ?? 0) + bytesInOutput);
  }
  console.log(`== ${name}: ${(out.bytes / 1024).toFixed(1)} KiB`);
  for (const [p, b] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${(b / 1024).toFixed(1).padStart(7)} ${p}`);
}
