/**
 * Import rules of b2a, checked by `npm run lint:imports` (part of `npm test`) and by
 * test/architecture/import-rules.test.ts. Paths are relative to the repository root.
 *
 * .dependency-cruiser-known-violations.json (`--ignore-known`) is empty, and a test keeps it so:
 * every violation fails. Fix an import rather than regenerating it (`npm run lint:imports:baseline`).
 * @type {import('dependency-cruiser').IConfiguration}
 */

/** A rule that fails `npm test`: no import from a module matching `from` of one matching `to`. */
const forbid = (name, comment, from, to) => ({ name, comment, severity: 'error', from, to });

module.exports = {
  forbidden: [
    forbid(
      'core-is-pure',
      'The core (model, use cases, ports, errors) imports only the core, node built-ins and zod: no AWS SDK, CDK, ink or adapter.',
      { path: '^pipeline-functions/core/' },
      { dependencyTypesNot: ['core'], pathNot: ['^pipeline-functions/core/', '(^|/)node_modules/zod/'] },
    ),
    forbid(
      'adapters-not-to-runtimes',
      'An adapter implements a port for whichever runtime builds it: it never imports a handler, a composition root, the local runtime or the CLI.',
      { path: '^pipeline-functions/adapters/' },
      { path: ['^pipeline-functions/(handlers|lambda|local)/', '^cli/'] },
    ),
    forbid(
      'pipeline-functions-not-to-cli-or-infra',
      'The functions and the local runtime are deployed or run without the CLI and the CDK app.',
      { path: '^pipeline-functions/' },
      { path: '^(cli|infra)/' },
    ),
    forbid(
      'cli-not-to-infra',
      'The CLI ships without the CDK app: names both need live in pipeline-functions/core (names.ts, resource-names.ts).',
      { path: '^cli/' },
      { path: '^infra/' },
    ),
    forbid(
      'views-not-to-commands',
      'Views and renderers take props and types from the core or their own modules, never from a command file.',
      { path: '^cli/(views|render)/' },
      { path: '^cli/commands/' },
    ),
    forbid(
      'no-circular',
      'A cycle makes modules load half-initialized and hides which way a dependency should point.',
      {},
      { circular: true },
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // The rules are about the shipped layers; bin/bench.js reaches into test/bench, which is not one.
    exclude: { path: ['^test/', '^(cdk\\.out|dist|coverage)/'] },
    // Type-only imports count: a core file importing an SDK type still depends on the SDK.
    tsPreCompilationDeps: true,
    // NodeNext resolution: `./x.js` in a TypeScript file means `./x.ts`.
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
