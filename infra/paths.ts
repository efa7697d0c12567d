/**
 * Where the CDK app finds the code it bundles, independent of the directory `cdk` runs from.
 */
import { fileURLToPath } from 'node:url';

/** The repository root (it holds package-lock.json, which NodejsFunction needs). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The Lambda entry points, each exporting `handler`. */
export const LAMBDA_ENTRIES = {
  enrichment: fileURLToPath(new URL('../pipeline-functions/lambda/enrichment.ts', import.meta.url)),
  target: fileURLToPath(new URL('../pipeline-functions/lambda/target.ts', import.meta.url)),
} as const;

/** The lock file that pins what esbuild bundles. */
export const LOCK_FILE = fileURLToPath(new URL('../package-lock.json', import.meta.url));
