/**
 * The `demo` stage: shows b2a to its users with production-like settings and disposable data.
 * Replace `api.url` with the API your demo calls.
 */
import { parseStageConfig } from './stage-config.js';

export const demo = parseStageConfig(
  {
    environment: 'demo',
    api: { url: 'https://demo.api.example.com/b2a/objects', timeoutMs: 10_000, maxConcurrentCalls: 5 },
    batch: { size: 10, windowSeconds: 5 },
    notifications: { on: ['FAILED', 'SKIPPED'] },
    logRetentionDays: 30,
    removalPolicy: 'destroy',
  },
  'infra/config/demo.ts',
);
