import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../../../infra/paths.js';

/** The trees whose error classes extend B2aError (or Error), and so must name themselves. */
const TREES = ['pipeline-functions', 'cli', 'infra', 'test/bench'];

/** `class X extends Y`, as the sources declare their classes. */
const CLASS_DECLARATION = /\bclass (\w+) extends (\w+)/g;

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(join(PROJECT_ROOT, dir), { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => relative(PROJECT_ROOT, join(entry.parentPath, entry.name)));
}

/** Every class extending Error (directly or through another such class), with the file declaring it. */
async function errorClasses(): Promise<Map<string, string>> {
  const declarations: { name: string; base: string; file: string }[] = [];
  for (const file of (await Promise.all(TREES.map(sourceFiles))).flat()) {
    const source = await readFile(join(PROJECT_ROOT, file), 'utf8');
    for (const [, name, base] of source.matchAll(CLASS_DECLARATION)) {
      if (name && base) declarations.push({ name, base, file });
    }
  }
  const errors = new Map<string, string>();
  for (let grown = true; grown;) {
    grown = false;
    for (const { name, base, file } of declarations) {
      if (!errors.has(name) && (base === 'Error' || errors.has(base))) {
        errors.set(name, file);
        grown = true;
      }
    }
  }
  return errors;
}

/**
 * Builds an instance whatever the constructor's parameters: strings first, then arrays (an array also
 * reads as a string and destructures like an object).
 */
function instanceOf(errorClass: new (...args: never[]) => Error): Error {
  try {
    return Reflect.construct(errorClass, ['x', 'x', 'x', 'x']) as Error;
  } catch {
    return Reflect.construct(errorClass, [['x'], ['x'], ['x'], ['x']]) as Error;
  }
}

describe('Class: B2aError and its subclasses', () => {
  it('names every error class explicitly: a bundle minified without keepNames keeps each name', async () => {
    // Prepare: every module declaring an error class, bundled as the Lambda bundles are minified
    // (identifiers renamed, esbuild's keepNames off), packages left to node_modules
    const classes = await errorClasses();
    const files = [...new Set(classes.values())].sort();
    const dir = await mkdtemp(join(PROJECT_ROOT, '.error-names-'));
    try {
      const outfile = join(dir, 'errors.mjs');
      await build({
        stdin: {
          contents: files.map((file, i) => `export * as m${i} from './${file}';`).join('\n'),
          resolveDir: PROJECT_ROOT,
          loader: 'ts',
        },
        outfile,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        minify: true,
        keepNames: false,
        packages: 'external',
        logLevel: 'silent',
      });
      const modules = (await import(pathToFileURL(outfile).href)) as Record<string, Record<string, unknown>>;

      // Act: one instance of each exported error class, by the name it is exported under
      const names = new Map<string, string>();
      for (const exports of Object.values(modules)) {
        for (const [exported, value] of Object.entries(exports)) {
          if (typeof value === 'function' && value.prototype instanceof Error) {
            names.set(exported, instanceOf(value as new (...args: never[]) => Error).name);
          }
        }
      }

      // Assess: every declared class is exported (so checked), and names itself, not as `e` or its parent
      expect([...names.keys()].sort()).toEqual([...classes.keys()].sort());
      for (const [exported, name] of names) expect({ exported, name }).toEqual({ exported, name: exported });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
