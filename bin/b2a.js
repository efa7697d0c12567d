#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx b2a` works straight after `npm ci`, with no build step.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

// b2a supports Node.js 20; the SDK's notice that future SDK versions will need Node.js 22 would
// otherwise print eight lines before every command. Set the variable to `false` to see it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `b2a jobs | head`: the reader went away; stop quietly, as other command-line tools do.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// tsx reads tsconfig.json from the working directory unless told: b2a runs from anywhere.
register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
