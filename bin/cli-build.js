#!/usr/bin/env node
// The CLI compiled ahead of time, so that `b2a` does not compile its TypeScript at every start (tsx
// costs about three times Node's own start-up). `npm ci` builds it through the `prepare` script;
// bin/b2a.js runs it while no source file it was built from has changed since, else the sources
// through tsx. `node bin/cli-build.js` rebuilds it by hand.
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = new URL('..', import.meta.url);

/**
 * Where the build goes by default: a folder directly under the repository root, because the CLI
 * finds package.json and its dependencies relative to its own module, as from `cli/`.
 */
export const DEFAULT_OUT_DIR = fileURLToPath(new URL('dist/', ROOT));

const ENTRY = 'b2a-cli';
const MANIFEST = `${ENTRY}.json`;

/** The name of the namespace of {@link requireCommonJs}'s modules. */
const REQUIRED = 'b2a-required';

/** Whether Node.js loads `file` as CommonJS: a `.cjs` file, or a `.js` file of a package not marked `"type": "module"`. */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (!file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).type !== 'module';
    } catch {
      // No package.json here: look one folder up.
    }
  }
  return true;
}

/**
 * An esbuild plugin that leaves every package out of the bundle, and has the ones Node.js would load
 * as CommonJS loaded with `require()`, not `import`: imported from an ES module, Node.js 20 lexes
 * every file of a CommonJS package for its exports, and the DynamoDB client takes about 95 ms of CPU
 * that way against 45 ms through `require()`. The other packages (ES modules, or with an ES module
 * entry for `import`), and every dynamic `import()`, stay imports.
 * Node.js on the lexer's cost: https://github.com/nodejs/node/issues/59913; on the `require` of a
 * CommonJS module loaded through the ES module loader: https://github.com/nodejs/node/pull/47999
 */
const requireCommonJs = {
  name: 'require-commonjs',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      // The plugin's own call below: esbuild's resolution, as for a bundled package.
      if (args.pluginData === REQUIRED) return undefined;
      // A dynamic import stays one: esbuild cannot give the named exports of a `require()` to it.
      const keep =
        args.namespace === REQUIRED || args.kind !== 'import-statement' || args.path.startsWith('node:');
      if (keep) return { path: args.path, external: true };
      // Resolved as Node.js resolves an import (the build sets no `module` condition).
      const entry = await build.resolve(args.path, {
        kind: 'import-statement',
        resolveDir: args.resolveDir,
        pluginData: REQUIRED,
      });
      const required = entry.errors.length === 0 && !entry.external && isCommonJs(entry.path);
      return required ? { path: args.path, namespace: REQUIRED } : { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: REQUIRED }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/** Gives each output file the `require` that esbuild's `require()` calls expect of an ES module. */
const REQUIRE_BANNER =
  "import { createRequire as __b2aCreateRequire } from 'node:module';\n" +
  'const require = __b2aCreateRequire(import.meta.url);';

/**
 * Bundles cli/main.ts into `outDir` (npm packages stay imports, or `require()` calls for CommonJS
 * ones; the commands' lazy imports become chunks loaded only when a command runs), and writes the
 * list of the sources it was built from.
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
    // Packages stay out of the bundle (the plugin), resolved with Node.js's conditions for `import`.
    plugins: [requireCommonJs],
    conditions: [],
    banner: { js: REQUIRE_BANNER },
    platform: 'node',
    format: 'esm',
    target: 'node20',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(metafile.inputs).filter(
    (input) => !input.includes('node_modules/') && !input.startsWith(`${REQUIRED}:`),
  );
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
