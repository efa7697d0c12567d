#!/usr/bin/env node
// Runs the CLI compiled at install (bin/cli-build.js, the `prepare` script of `npm ci`) while it is
// fresh, else its TypeScript through tsx: `npx b2a` works straight after `npm ci`, and right after an
// edit too. B2A_FROM_SOURCE=1 always takes the sources.
import { fileURLToPath } from 'node:url';
import { freshCli } from './cli-build.js';

// b2a supports Node.js 20; the SDK's notice that future SDK versions will need Node.js 22 would
// otherwise print eight lines before every command. Set the variable to `false` to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `b2a jobs | head`: the reader went away; stop quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const compiled = process.env.B2A_FROM_SOURCE ? undefined : freshCli();
let main;
if (compiled) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  // tsx reads tsconfig.json from the working directory unless told: b2a runs from anywhere.
  register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv);
