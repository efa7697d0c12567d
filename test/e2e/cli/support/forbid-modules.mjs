// Loaded with `node --import`: makes loading any package named in B2A_FORBIDDEN_MODULES (comma-
// separated) fail, so a test can prove that a command never loads them: through `import` (the
// resolve hook) and through `require()` (the compiled CLI requires the CommonJS packages).
import { createRequire, register } from 'node:module';

const forbidden = (process.env.B2A_FORBIDDEN_MODULES ?? '').split(',').filter(Boolean);

register('./forbid-hooks.mjs', { parentURL: import.meta.url, data: { forbidden } });

const Module = createRequire(import.meta.url)('node:module');
const load = Module._load;
Module._load = function loadUnlessForbidden(request, parent, isMain) {
  if (forbidden.some((name) => request === name || request.startsWith(`${name}/`))) {
    throw new Error(`forbidden module required: ${request} (from ${parent?.filename})`);
  }
  return load.call(this, request, parent, isMain);
};
