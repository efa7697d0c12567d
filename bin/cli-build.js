#!/usr/bin/env node
// The CLI compiled ahead of time, so that `b2a` does not compile its TypeScript at every start (tsx
// costs about three times Node's own start-up). `npm ci` builds it through the `prepare` script;
// bin/b2a.js runs it while no source file it was built from has changed since, else the sources
// through tsx. `node bin/cli-build.js` rebuilds it by hand.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = new URL('..', import.meta.url);

/**
 * Where the build goes by default: a folder directly under the repository root, because the CLI
 * finds package.json and its dependencies relative to its own module, as from `cli/`.
 */
export const DEFAULT_OUT_DIR = fileURLToPath(new URL('dist/', ROOT));

const ENTRY = 'b2a-cli';
const MANIFEST = `${ENTRY}.json`;

/**
 * Bundles cli/main.ts into `outDir` (npm packages stay imports; the commands' lazy imports become
 * chunks loaded only when a command runs), and writes the list of the sources it was built from.
 * @returns false when esbuild is not installed (`npm ci --omit=dev`): b2a then runs through tsx.
 */
export async function buildCli(outDir = DEFAULT_OUT_DIR) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return false;
  }
  const startedMs = Date.now();
  mkdirSync(outDir, { recursive: true });
  // The manifest first: a build that fails half-way is never taken for a fresh one.
  rmSync(join(outDir, MANIFEST), { force: true });
  for (const file of readdirSync(outDir, { withFileTypes: true }).filter((f) => f.name.startsWith(ENTRY)))
    rmSync(join(outDir, file.name), { recursive: true, force: true });
  const { metafile } = await esbuild.build({
    entryPoints: { [ENTRY]: fileURLToPath(new URL('cli/main.ts', ROOT)) },
    outdir: outDir,
    // Beside the entry, not in a subfolder: a module finds package.json one level up wherever it lands.
    chunkNames: `${ENTRY}-[name]-[hash]`,
    absWorkingDir: fileURLToPath(ROOT),
    tsconfig: fileURLToPath(new URL('tsconfig.json', ROOT)),
    bundle: true,
    splitting: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(metafile.inputs).filter((input) => !input.includes('node_modules/'));
  // The start of the build: a source saved while it ran counts as newer.
  writeFileSync(join(outDir, MANIFEST), JSON.stringify({ builtAtMs: startedMs, inputs }));
  return true;
}

/**
 * The compiled CLI's entry, if `outDir` holds a build no source of which changed since.
 * @returns its file URL, or undefined (no build, a source newer than it, or a source gone).
 */
export function freshCli(outDir = DEFAULT_OUT_DIR) {
  try {
    const { builtAtMs, inputs } = JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8'));
    for (const input of inputs) {
      if (statSync(new URL(input, ROOT)).mtimeMs > builtAtMs) return undefined;
    }
    return pathToFileURL(join(outDir, `${ENTRY}.js`));
  } catch {
    return undefined;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildCli();
  process.stderr.write(
    built
      ? `b2a: CLI compiled to ${DEFAULT_OUT_DIR}\n`
      : 'b2a: esbuild is not installed; the CLI runs its TypeScript through tsx\n',
  );
}
