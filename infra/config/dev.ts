/**
 * The `dev` stage: a playground that can be torn down. Replace `api.url` with your development API.
 */
import { parseStageConfig } from './stage-config.js';

export const dev = parseStageConfig(
  {
    environment: 'dev',
    api: { url: 'https://dev.api.example.com/b2a/objects', timeoutMs: 10_000, maxConcurrentCalls: 5 },
    batch: { size: 10, windowSeconds: 5 },
    retry: { maxAttempts: 5, baseDelaySeconds: 60, maxDelaySeconds: 3600 },
    logRetentionDays: 14,
    removalPolicy: 'destroy',
  },
  'infra/config/dev.ts',
);
