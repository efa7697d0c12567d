#!/usr/bin/env node
// `npm run demo`: the scripted tour of the local runtime (cli/demo.ts), through tsx.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// The project's tsconfig wherever the tour is started from: the CLI's ink views need its JSX setting.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { runDemo } = await import('../cli/demo.ts');
try {
  await runDemo();
} catch (error) {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
