/**
 * Import rules of b2a, checked by `npm run lint:imports` (part of `npm test`) and by
 * test/architecture/import-rules.test.ts. Paths are relative to the repository root.
 *
 * Violations that exist today and are being removed by issue 10's CLI/local move are listed, one
 * import or cycle each, in .dependency-cruiser-known-violations.json (`--ignore-known`): any other
 * violation fails. Regenerate that file with `npm run lint:imports:baseline` only to shrink it.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment:
        'The core (model, use cases, ports, errors) imports only the core, node built-ins and zod: no AWS SDK, CDK, ink or adapter.',
      severity: 'error',
      from: { path: '^pipeline-functions/core/' },
      to: {
        dependencyTypesNot: ['core'],
        pathNot: ['^pipeline-functions/core/', '(^|/)node_modules/zod/'],
      },
    },
    {
      name: 'adapters-not-to-runtimes',
      comment:
        'An adapter implements a port for whichever runtime builds it: it never imports a handler, a composition root, the local runtime or the CLI.',
      severity: 'error',
      from: { path: '^pipeline-functions/adapters/' },
      to: { path: ['^pipeline-functions/(handlers|lambda|local)/', '^cli/'] },
    },
    {
      name: 'pipeline-functions-not-to-cli-or-infra',
      comment: 'The functions and the local runtime are deployed or run without the CLI and the CDK app.',
      severity: 'error',
      from: { path: '^pipeline-functions/' },
      to: { path: '^(cli|infra)/' },
    },
    {
      name: 'cli-not-to-infra',
      comment:
        'The CLI ships without the CDK app: names both need live in pipeline-functions/core (names.ts, resource-names.ts).',
      severity: 'error',
      from: { path: '^cli/' },
      to: { path: '^infra/' },
    },
    {
      name: 'views-not-to-commands',
      comment:
        'Views and renderers take props and types from the core or their own modules, never from a command file.',
      severity: 'error',
      from: { path: '^cli/(views|render)/' },
      to: { path: '^cli/commands/' },
    },
    {
      name: 'no-circular',
      comment: 'A cycle makes modules load half-initialized and hides which way a dependency should point.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
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
