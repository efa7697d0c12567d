/**
 * Section 4: the Lambda bundles. Each entry point is bundled with esbuild and the options of the
 * stack's `BUNDLING` (so the figures follow the stack), then imported cold in fresh Node.js processes
 * with the functions' environment set to placeholder values. The same entry is also bundled with the
 * AWS SDK left to the runtime (`@aws-sdk/*` external, resolved from node_modules as the runtime's
 * would be), the alternative the size goal would need, and imported the same way.
 */
import { readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { BUNDLING, LAMBDA_ALIASES } from '../../infra/constructs/PipelineFunction.js';
import { LAMBDA_ENTRIES, PROJECT_ROOT } from '../../infra/paths.js';
import { BenchError } from './errors.js';
import { lambdaEnvironment, prodPipelineConfig } from './lambda-environment.js';
import { median, repeat, round, runProcess, sum } from './measure.js';
import { goal, SECTIONS, type SectionResult } from './report.js';

/** Sizes of section 4. */
export interface BundleSizes {
  /** Cold imports per bundle (and `node -e 0` runs for the baseline). */
  readonly importRuns: number;
}

/** Issue 14's goals: each bundle at most this big, and imported cold within this. */
const GOAL_BUNDLE_KIB = 300;
const GOAL_COLD_IMPORT_MS = 40;

/** Imports the module named by the first argument and prints how long the import took, in ms. */
const IMPORT_SCRIPT =
  'const started = performance.now(); await import(process.argv[1]); process.stdout.write(String(performance.now() - started));';

/**
 * The phases of one cold import, timed apart in a fresh process (`--experimental-vm-modules`): read
 * the file, compile it (V8 parses the module), link it (load the `node:` built-ins it imports, which
 * the Lambda runtime has partly loaded already), evaluate its top-level code. Prints them as JSON.
 */
const PHASES_SCRIPT = `
import vm from 'node:vm';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
const file = process.argv[1];
const url = pathToFileURL(file).href;
const t0 = performance.now();
const source = readFileSync(file, 'utf8');
const t1 = performance.now();
const module = new vm.SourceTextModule(source, { identifier: url, initializeImportMeta: (meta) => { meta.url = url; } });
const t2 = performance.now();
await module.link(async (specifier) => {
  const namespace = await import(specifier);
  const names = Object.keys(namespace);
  return new vm.SyntheticModule(names, function () { for (const name of names) this.setExport(name, namespace[name]); });
});
const t3 = performance.now();
await module.evaluate();
const t4 = performance.now();
process.stdout.write(JSON.stringify({ readMs: t1 - t0, compileMs: t2 - t1, builtinsMs: t3 - t2, evaluateMs: t4 - t3 }));
`;

/** One cold import's phases, in ms. */
interface ImportPhases {
  readonly readMs: number;
  readonly compileMs: number;
  readonly builtinsMs: number;
  readonly evaluateMs: number;
}

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
    alias: { ...LAMBDA_ALIASES },
    logLevel: 'silent',
  };
}

/** What NODE_OPTIONS the deployed function runs with: source maps read at start when shipped. */
const DEPLOYED_FLAGS: readonly string[] = BUNDLING.sourceMap ? ['--enable-source-maps'] : [];

interface BundleMeasure {
  readonly name: string;
  readonly bytes: number;
  readonly gzipBytes: number;
  readonly buildMs: number;
  /** `await import()` in a fresh process, as deployed. */
  readonly importMs: number[];
  /** Spawn to exit, as deployed. */
  readonly processMs: number[];
  /** The bundle with the SDK left to the runtime: its size and cold import. */
  readonly runtimeSdkBytes: number;
  readonly runtimeSdkImportMs: number[];
  /** Bytes in the bundle by npm package (or `b2a` for the project's own code), largest first. */
  readonly packages: readonly (readonly [string, number])[];
  /** The phases of a cold import, timed apart (PHASES_SCRIPT). */
  readonly phases: readonly ImportPhases[];
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

/** The AWS SDK's packages: what the runtime would provide. */
const isSdk = (name: string): boolean => name.startsWith('@aws-sdk/') || name.startsWith('@smithy/');

/** Measures section 4. */
export async function measureBundles(
  sizes: BundleSizes,
  progress: (line: string) => void,
): Promise<SectionResult> {
  const dir = await mkdtemp(join(tmpdir(), 'b2a-bench-bundles-'));
  // Under the repository, so that the SDK left out resolves from node_modules as from the runtime's.
  const runtimeSdkDir = await mkdtemp(join(PROJECT_ROOT, '.bench-bundles-'));
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
      progress(`bundles: ${name}, esbuild and ${sizes.importRuns} cold imports, with the SDK and without`);
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
      const runtimeSdkFile = join(runtimeSdkDir, name, 'index.mjs');
      await build({ ...esbuildOptionsOf(entry, runtimeSdkFile), external: ['@aws-sdk/*'] });
      const code = await readFile(outfile);
      const importOnce = (file: string): ReturnType<typeof runProcess> =>
        runProcess(
          process.execPath,
          [...DEPLOYED_FLAGS, '--input-type=module', '-e', IMPORT_SCRIPT, pathToFileURL(file).href],
          { env },
        );
      // Alternated, so that a busy moment of the machine weighs on both alike.
      const runs = await repeat(sizes.importRuns, async () => ({
        deployed: await importOnce(outfile),
        runtimeSdk: await importOnce(runtimeSdkFile),
        phases: await runProcess(
          process.execPath,
          ['--experimental-vm-modules', '--no-warnings', '--input-type=module', '-e', PHASES_SCRIPT, outfile],
          { env },
        ),
      }));
      measures.push({
        name,
        bytes: code.byteLength,
        gzipBytes: gzipSync(code, { level: 9 }).byteLength,
        buildMs,
        importMs: runs.map((run) => parseImportMs(run.deployed.stdout)),
        processMs: runs.map((run) => run.deployed.wallMs),
        runtimeSdkBytes: (await stat(runtimeSdkFile)).size,
        runtimeSdkImportMs: runs.map((run) => parseImportMs(run.runtimeSdk.stdout)),
        packages: [...byPackage].sort((a, b) => b[1] - a[1]),
        phases: runs.map((run) => parsePhases(run.phases.stdout)),
      });
    }
    const baseline = await repeat(sizes.importRuns, () => runProcess(process.execPath, ['-e', '0'], { env }));
    return bundleSection(measures, median(baseline.map((run) => run.wallMs)), sizes);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await rm(runtimeSdkDir, { recursive: true, force: true });
  }
}

function parseImportMs(stdout: string): number {
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms))
    throw new BenchError(`the import script printed ${JSON.stringify(stdout.slice(0, 80))}, not a time`);
  return ms;
}

function parsePhases(stdout: string): ImportPhases {
  try {
    return JSON.parse(stdout) as ImportPhases;
  } catch (error) {
    throw new BenchError(`the phases script printed ${JSON.stringify(stdout.slice(0, 80))}`, {
      cause: error,
    });
  }
}

/** What a bundle holds, by kind: the SDK's service clients, its shared runtime, Powertools, b2a, the rest. */
const KINDS: readonly (readonly [string, (name: string) => boolean])[] = [
  ['SDK service clients', (name) => /^@aws-sdk\/(client-|lib-|util-dynamodb|dynamodb-codec)/.test(name)],
  ['SDK shared runtime (@smithy/*, @aws-sdk/core and middleware)', isSdk],
  [
    'Powertools logger',
    (name) => name.startsWith('@aws-lambda-powertools/') || name === '@aws/lambda-invoke-store',
  ],
  ['b2a', (name) => name === 'b2a'],
  ['other', () => true],
];

function bundleSection(
  measures: readonly BundleMeasure[],
  nodeStartMs: number,
  sizes: BundleSizes,
): SectionResult {
  const figures: Record<string, number> = {
    nodeStartMsMedian: round(nodeStartMs, 1),
    importRuns: sizes.importRuns,
  };
  const kib = (bytes: number): number => round(bytes / 1024, 1);
  const packageKib = (m: BundleMeasure, test: (name: string) => boolean): number =>
    kib(sum(m.packages.filter(([name]) => test(name)).map(([, bytes]) => bytes)));
  for (const m of measures) {
    figures[`${m.name}.bundleKiB`] = kib(m.bytes);
    figures[`${m.name}.gzipKiB`] = kib(m.gzipBytes);
    figures[`${m.name}.sdkKiB`] = packageKib(m, isSdk);
    figures[`${m.name}.buildMs`] = round(m.buildMs, 0);
    figures[`${m.name}.coldImportMsMedian`] = round(median(m.importMs), 1);
    figures[`${m.name}.processMsMedian`] = round(median(m.processMs), 1);
    figures[`${m.name}.runtimeSdk.bundleKiB`] = kib(m.runtimeSdkBytes);
    figures[`${m.name}.runtimeSdk.coldImportMsMedian`] = round(median(m.runtimeSdkImportMs), 1);
  }
  const kindsOf = (m: BundleMeasure): Map<string, number> => {
    const bytes = new Map<string, number>();
    for (const [name, size] of m.packages) {
      const kind = KINDS.find(([, test]) => test(name))?.[0] ?? 'other';
      bytes.set(kind, (bytes.get(kind) ?? 0) + size);
    }
    return bytes;
  };
  const phase = (m: BundleMeasure, key: keyof ImportPhases): number =>
    round(median(m.phases.map((p) => p[key])), 1);
  for (const m of measures) {
    for (const key of ['readMs', 'compileMs', 'builtinsMs', 'evaluateMs'] as const)
      figures[`${m.name}.coldImport.${key}Median`] = phase(m, key);
  }
  const goals = measures.flatMap((m) => {
    const held = [...kindsOf(m)].map(([kind, bytes]) => `${kind} ${kib(bytes)}`).join(', ');
    const sdk = `what it holds, KiB: ${held}; with the SDK left to the runtime, ${kib(m.runtimeSdkBytes)} KiB but a cold import of ${round(median(m.runtimeSdkImportMs), 0)} ms`;
    return [
      goal(`${m.name} bundle`, kib(m.bytes), 'KiB', { max: GOAL_BUNDLE_KIB }, { boundBy: sdk }),
      goal(
        `${m.name} cold import`,
        round(median(m.importMs), 1),
        'ms',
        { max: GOAL_COLD_IMPORT_MS },
        {
          boundBy: `V8 compiling ${kib(m.bytes)} KiB: ${phase(m, 'compileMs')} ms; evaluating its top level (SDK schemas, error registries, classes): ${phase(m, 'evaluateMs')} ms; loading the node: built-ins it imports: ${phase(m, 'builtinsMs')} ms (phases timed apart, medians)`,
        },
      ),
    ];
  });
  return {
    title: SECTIONS.bundles,
    figures,
    goals,
    tables: [
      {
        columns: [
          'function',
          'bundle KiB',
          'gzip KiB',
          'esbuild ms',
          'cold import ms',
          'process ms',
          'SDK from the runtime: KiB',
          'its cold import ms',
        ],
        rows: measures.map((m) => [
          m.name,
          kib(m.bytes),
          kib(m.gzipBytes),
          round(m.buildMs, 0),
          round(median(m.importMs), 1),
          round(median(m.processMs), 1),
          kib(m.runtimeSdkBytes),
          round(median(m.runtimeSdkImportMs), 1),
        ]),
      },
      {
        title: 'What the bundles hold (minified bytes by package)',
        columns: ['function', 'package', 'KiB'],
        rows: measures.flatMap((m) =>
          m.packages.slice(0, TOP_PACKAGES).map(([name, bytes]) => [m.name, name, kib(bytes)]),
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
      `Cold import: the time \`await import()\` of the bundle takes in a fresh process, as deployed${DEPLOYED_FLAGS.length > 0 ? ` (${DEPLOYED_FLAGS.join(' ')})` : ' (no source maps)'}; process: spawn to exit, against ${round(nodeStartMs, 0)} ms for \`node -e 0\`. Medians of ${sizes.importRuns} runs.`,
      'SDK from the runtime: the same entry with `@aws-sdk/*` external, its SDK read from node_modules as the Lambda runtime’s would be: a smaller bundle, a slower cold import (the runtime resolves and reads each package’s files; https://github.com/aws/aws-cdk/issues/25492). The stack bundles the SDK.',
      'Phases of a cold import (what bounds it): the bundle read, compiled (`vm.SourceTextModule`), linked to its `node:` built-ins and evaluated, each timed apart in a fresh process; through `vm` the sum exceeds a plain `import()`, the split is what counts. Compiling grows with the bytes; evaluating is mostly the SDK’s module-level schemas and error registries.',
      `The Lambda bundles alias \`@aws-sdk/credential-provider-node\` to the environment variables provider (Lambda sets the role’s credentials as variables), which drops the default credential chain and its nested STS/SSO clients from both, and \`@smithy/core/event-streams\` to a stub (no b2a operation streams events).`,
      `Measured on this machine’s Node.js ${process.version}; Lambda runs nodejs22.x on Arm, where the init phase also loads the runtime. Importing builds nothing: the handlers and SDK clients are created on the first invocation.`,
    ],
  };
}
