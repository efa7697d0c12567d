// Loaded with `node --import`: makes importing any package named in B2A_FORBIDDEN_MODULES (comma-
// separated) fail, so a test can prove that a command never loads them.
import { register } from 'node:module';

register('./forbid-hooks.mjs', {
  parentURL: import.meta.url,
  data: { forbidden: (process.env.B2A_FORBIDDEN_MODULES ?? '').split(',').filter(Boolean) },
});
