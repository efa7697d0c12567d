#!/usr/bin/env node
// `npm run bench`: runs the TypeScript benchmark through tsx, like bin/b2a.js runs the CLI.
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../test/bench/run.ts');
