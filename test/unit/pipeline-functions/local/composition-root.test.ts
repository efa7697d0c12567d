import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import type { EnrichedItem } from '../../../../pipeline-functions/core/outcome.js';
import { LocalCompositionRoot } from '../../../../pipeline-functions/local/composition-root.js';
import { LocalRuntimeError } from '../../../../pipeline-functions/local/errors.js';
import type { RuntimeEvent } from '../../../../pipeline-functions/local/events.js';
import type { LocalConfigInput } from '../../../../pipeline-functions/local/settings.js';
import { prepareRuntime } from '../../../../pipeline-functions/local/setup.js';

const delivered = (messageId: string): EnrichedItem => ({
  messageId,
  request: {
    object: { bucket: 'local-inbox', key: 'a.csv', etag: 'e1', size: 3 },
    run: { id: 'auto', startedAt: '2026-11-21T12:00:00.000Z' },
    attempt: 1,
    origin: 's3-event',
    idempotencyKey: 'idem',
  },
  result: { kind: 'delivered', httpStatus: 200, latencyMs: 5 },
  at: '2026-11-21T12:00:01.000Z',
});

describe('Class: LocalCompositionRoot', () => {
  let dataDir: string;
  let stop: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'b2a-root-'));
  });

  afterEach(async () => {
    await stop?.();
    stop = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  /** A root whose store is started, as the service list does before composing the pipeline. */
  const rootWithStore = async (options: { apiUrl?: string; config?: LocalConfigInput } = {}) => {
    const root = new LocalCompositionRoot(await prepareRuntime({ dataDir, ...options }));
    await root.store.start();
    stop = () => root.store.stop();
    return root;
  };

  it('builds the demo API only when no API URL is given', async () => {
    // Act
    const withDemo = new LocalCompositionRoot(await prepareRuntime({ dataDir }));
    const withApi = new LocalCompositionRoot(
      await prepareRuntime({ dataDir, apiUrl: 'http://127.0.0.1:9/ingest' }),
    );
    // Assess
    expect(withDemo.demoApi).toBeDefined();
    expect(withApi.demoApi).toBeUndefined();
    expect(withApi.apiUrl).toBe('http://127.0.0.1:9/ingest');
  });

  it('has no pipeline before it is composed', async () => {
    // Prepare
    const root = new LocalCompositionRoot(await prepareRuntime({ dataDir }));
    // Act
    const read = () => root.pipeline;
    // Assess
    expect(read).toThrow(LocalRuntimeError);
  });

  it('reports each job the target records through the onRecorded hook', async () => {
    // Prepare
    const root = await rootWithStore({ apiUrl: 'http://127.0.0.1:9/ingest' });
    const heard: RuntimeEvent[] = [];
    root.events.on((event) => heard.push(event));
    await root.composePipeline();
    // Act
    const output = await root.pipeline.target([delivered('m1')]);
    // Assess
    expect(output.batchItemFailures).toEqual([]);
    expect(heard.filter((event) => event.type === 'job')).toEqual([
      { type: 'job', job: expect.objectContaining({ key: 'a.csv', status: 'SUCCEEDED' }) },
    ]);
    expect(heard.map((event) => event.type)).toEqual(['job', 'notification']);
    expect(root.activity.snapshot().recordedSinceStart.SUCCEEDED).toBe(1);
  });

  it('refuses a Secrets Manager credential, which only exists on AWS', async () => {
    // Prepare
    const root = await rootWithStore({
      apiUrl: 'http://127.0.0.1:9/ingest',
      config: { api: { auth: { type: 'secret', secretId: 'api-token' } } },
    });
    // Act
    const compose = root.composePipeline();
    // Assess
    await expect(compose).rejects.toThrow(ConfigError);
    await expect(compose).rejects.toThrow(/AWS-only/);
  });
});
