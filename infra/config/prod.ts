/**
 * The `prod` stage. Keeps its bucket, jobs table and logs when the stack is deleted, and starts with
 * the enabled flag off: check the deployment, then turn it on with `b2a --env prod toggle on`.
 * Replace `api.url` with your production API and `api.auth.secretId` with the secret holding its token.
 */
import { parseStageConfig } from './stage-config.js';

export const prod = parseStageConfig(
  {
    environment: 'prod',
    api: {
      url: 'https://api.example.com/b2a/objects',
      timeoutMs: 10_000,
      maxConcurrentCalls: 10,
      auth: { type: 'secret', secretId: 'b2a/prod/api-token' },
    },
    batch: { size: 10, windowSeconds: 5 },
    retry: { maxAttempts: 17, baseDelaySeconds: 60, maxDelaySeconds: 21_600 },
    // prod starts with the flag off: a mail per SKIPPED object would flood the inbox until `toggle on`.
    // `b2a status` counts them and `b2a jobs --status SKIPPED` lists them; add 'SKIPPED' here to be mailed.
    notifications: { on: ['FAILED'] },
    logRetentionDays: 365,
    alarms: { queueAgeSeconds: 1800 },
    initialFlag: 'off',
    removalPolicy: 'retain',
  },
  'infra/config/prod.ts',
);
