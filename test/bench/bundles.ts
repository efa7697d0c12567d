/**
 * Section 4: the Lambda bundles. Each entry point is bundled with esbuild and the options of the
 * stack's `BUNDLING` (so the figures follow the stack), then imported cold in fresh Node.js processes
 * with the functions' environment set to placeholder values.
 */
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { BUNDLING } from '../../infra/constructs/PipelineFunction.js';
import { LAMBDA_ENTRIES, PROJECT_ROOT } from '../../infra/paths.js';
import { BenchError } from './errors.js';
import { lambdaEnvironment, prodPipelineConfig } from './lambda-environment.js';
import { median, repeat, round, runProcess } from './measure.js';
import { SECTIONS, type SectionResult } from './report.js';

/** Sizes of section 4. */
export interface BundleSizes {
  /** Cold imports per bundle (and `node -e 0` runs for the baseline). */
  readonly importRuns: number;
}

/** What PipelineFunction sets in the functions' NODE_OPTIONS: stack traces through the source maps. */
const DEPLOYED_NODE_OPTIONS = '--enable-source-maps';

/** Imports the module named by the first argument and prints how long the import took, in ms. */
const IMPORT_SCRIPT =
  'const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started));';

/** The esbuild options the CDK's NodejsFunction derives from the stack's `BUNDLING`. */
export function esbuildOptionsOf(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    platform: 'node',
    target: BUNDLING.target,
    format: BUNDLING.format === 'esm' ? 'esm' : 'cjs',
    minify: BUNDLING.minify ?? false,
    keepNames: BUNDLING.keepNames ?? false,
    sourcemap: BUNDLING.sourceMap ?? false,
    sourcesContent: BUNDLING.sourcesContent ?? true,
    mainFields: BUNDLING.mainFields ?? ['module', 'main'],
    external: BUNDLING.externalModules ?? ['@aws-sdk/*'],
    ...(BUNDLING.banner ? { banner: { js: BUNDLING.banner } } : {}),
    logLevel: 'silent',
  };
}

interface BundleMeasure {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly sourceMapBytes: number;
  readonly buildMs: number;
  /** `await import()` in a fresh process, as deployed (with source maps on). */
  readonly importMs: number[];
  /** The same without `--enable-source-maps`. */
  readonly importNoMapsMs: number[];
  /** Spawn to exit, as deployed. */
  readonly processMs: number[];
  /** Bytes in the bundle by npm package (or `b2a` for the project's own code), largest first. */
  readonly packages: readonly (readonly [string, number])[];
}

/** Packages shown per bundle in the table of what the bundles hold. */
const TOP_PACKAGES = 6;

/** The npm package a bundled input path belongs to (`b2a` for the project's own files). */
function packageOf(input: string): string {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return 'b2a';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? input);
}

/** Measures section 4. */
export async function measureBundles(
  sizes: BundleSizes,
  progress: (line: string) => void,
): Promise<SectionResult> {
  const dir = await mkdtemp(join(tmpdir(), 'b2a-bench-bundles-'));
  try {
    const env = {
      PATH: process.env['PATH'] ?? '',
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'bench',
      AWS_SECRET_ACCESS_KEY: 'bench',
      ...lambdaEnvironment(prodPipelineConfig('https://api.example.com/b2a/objects')),
    };
    const measures: BundleMeasure[] = [];
    for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
      progress(`bundles: ${name}, esbuild and ${sizes.importRuns} cold imports`);
      const outfile = join(dir, name, 'index.mjs');
      const started = performance.now();
      const { metafile } = await build({ ...esbuildOptionsOf(entry, outfile), metafile: true });
      const buildMs = performance.now() - started;
      const byPackage = new Map<string, number>();
      for (const [input, { bytesInOutput }] of Object.entries(
        metafile.outputs[relative(PROJECT_ROOT, outfile)]?.inputs ?? {},
      )) {
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
      const code = await readFile(outfile);
      const mapBytes = BUNDLING.sourceMap ? (await stat(`${outfile}.map`)).size : 0;
      const importOnce = (flags: readonly string[]): ReturnType<typeof runProcess> =>
        runProcess(
          process.execPath,
          [...flags, '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(outfile).href],
          { env },
        );
      // Alternated, so that a busy moment of the machine weighs on both alike.
      const runs = await repeat(sizes.importRuns, async () => ({
        deployed: await importOnce([DEPLOYED_NODE_OPTIONS]),
        noMaps: await importOnce([]),
      }));
      measures.push({
        name,
        bytes: code.byteLength,
        gzipBytes: gzipSync(code, { level: 9 }).byteLength,
        sourceMapBytes: mapBytes,
        buildMs,
        importMs: runs.map((run) => parseImportMs(run.deployed.stdout)),
        importNoMapsMs: runs.map((run) => parseImportMs(run.noMaps.stdout)),
        processMs: runs.map((run) => run.deployed.wallMs),
        packages: [...byPackage].sort((a, b) => b[1] - a[1]),
      });
    }
    const baseline = await repeat(sizes.importRuns, () => runProcess(process.execPath, ['-e', '0'], { env }));
    return bundleSection(measures, median(baseline.map((run) => run.wallMs)), sizes);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function parseImportMs(stdout: string): number {
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms))
    throw new BenchError(`the import script printed ${JSON.stringify(stdout.slice(0, 80))}, not a time`);
  return ms;
}

function bundleSection(
  measures: readonly BundleMeasure[],
  nodeStartMs: number,
  sizes: BundleSizes,
): SectionResult {
  const figures: Record<string, number> = {
    nodeStartMsMedian: round(nodeStartMs, 1),
    importRuns: sizes.importRuns,
  };
  for (const m of measures) {
    figures[`${m.name}.bundleKiB`] = round(m.bytes / 1024, 1);
    figures[`${m.name}.gzipKiB`] = round(m.gzipBytes / 1024, 1);
    figures[`${m.name}.sourceMapKiB`] = round(m.sourceMapBytes / 1024, 1);
    figures[`${m.name}.buildMs`] = round(m.buildMs, 0);
    figures[`${m.name}.coldImportMsMedian`] = round(median(m.importMs), 1);
    figures[`${m.name}.coldImportWithoutSourceMapsMsMedian`] = round(median(m.importNoMapsMs), 1);
    figures[`${m.name}.processMsMedian`] = round(median(m.processMs), 1);
  }
  return {
    title: SECTIONS.bundles,
    figures,
    tables: [
      {
        columns: [
          'function',
          'bundle KiB',
          'gzip KiB',
          'source map KiB',
          'esbuild ms',
          'cold import ms',
          'without source maps',
          'process ms',
        ],
        rows: measures.map((m) => [
          m.name,
          round(m.bytes / 1024, 1),
          round(m.gzipBytes / 1024, 1),
          round(m.sourceMapBytes / 1024, 1),
          round(m.buildMs, 0),
          round(median(m.importMs), 1),
          round(median(m.importNoMapsMs), 1),
          round(median(m.processMs), 1),
        ]),
      },
      {
        title: 'What the bundles hold (minified bytes by package)',
        columns: ['function', 'package', 'KiB'],
        rows: measures.flatMap((m) =>
          m.packages.slice(0, TOP_PACKAGES).map(([name, bytes]) => [m.name, name, round(bytes / 1024, 1)]),
        ),
      },
    ],
    setup: {
      bundling: {
        minify: BUNDLING.minify,
        format: BUNDLING.format,
        target: BUNDLING.target,
        keepNames: BUNDLING.keepNames ?? false,
        sourceMap: BUNDLING.sourceMap,
        externalModules: BUNDLING.externalModules,
      },
      importRuns: sizes.importRuns,
      node: process.version,
    },
    notes: [
      `Cold import: the time \`await import()\` of the bundle takes in a fresh process with ${DEPLOYED_NODE_OPTIONS} (as deployed), and without it; process: spawn to exit, against ${round(nodeStartMs, 0)} ms for \`node -e 0\`. Medians of ${sizes.importRuns} runs.`,
      `Measured on this machine’s Node.js ${process.version}; Lambda runs nodejs22.x on Arm, where the init phase also loads the runtime. Importing builds nothing: the handlers and SDK clients are created on the first invocation.`,
    ],
  };
}
