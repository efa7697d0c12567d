/**
 * The delivery log end to end on the local runtime: an API that answers 503 then 200, and the real
 * `b2a` CLI (a child process reaching the running runtime over loopback) showing both attempts.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rm } from 'node:fs/promises';
import { startLocalRuntime, type LocalRuntime } from '../../../pipeline-functions/local/runtime.js';
import { runB2a } from '../../e2e/cli/support/run-b2a.js';
import { startHttpStub, type HttpStub } from '../../support/http-stub.js';
import { FAST_CONFIG, putObject, tempDataDir } from './support.js';

describe('Local runtime: the delivery log', () => {
  let api: HttpStub;
  let runtime: LocalRuntime;
  let dataDir: string;

  beforeAll(async () => {
    api = await startHttpStub();
    api.enqueue(
      {
        status: 503,
        headers: { 'content-type': 'text/plain', 'retry-after': '1', 'x-request-id': 'req-503' },
        body: 'down for maintenance',
      },
      {
        status: 201,
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-201' },
        body: '{"id":7}',
      },
    );
    dataDir = await tempDataDir();
    runtime = await startLocalRuntime({
      dataDir,
      apiUrl: `${api.url}/ingest?key=s3cr3t`,
      config: FAST_CONFIG,
    });
    await putObject(runtime.inboxDir, 'in/a b.csv', 'id\n1\n');
    await runtime.idle({ timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await runtime.stop();
    await api.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const b2a = (...args: string[]) => runB2a(['--env', 'local', '--data-dir', dataDir, ...args]);

  it('b2a jobs show lists both attempts with their statuses', async () => {
    // Act
    const { code, stdout, stderr } = await b2a('jobs', 'show', 'in/a b.csv');

    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/status\s+SUCCEEDED \(attempt 2 of run auto; 2 in all\)/);
    expect(stdout).toMatch(/\n\s*1\s+\S+ \S+\s+auto\s+1\s+s3-event\s+retryable\s+503\s/);
    expect(stdout).toMatch(/\n\s*2\s+\S+ \S+\s+auto\s+2\s+retry\s+delivered\s+201\s/);
  });

  it('b2a jobs show --attempt 1 prints what was sent and the 503 that came back', async () => {
    // Act
    const { code, stdout } = await b2a('jobs', 'show', 'in/a b.csv', '--attempt', '1');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toContain(`POST             ${api.url}/ingest?key=[redacted]`);
    expect(stdout).toMatch(/b2a-key:\s+in%2Fa%20b\.csv/);
    expect(stdout).toMatch(/status\s+503/);
    expect(stdout).toMatch(/request id\s+req-503 \(x-request-id\)/);
    expect(stdout).toContain('    down for maintenance');
    expect(stdout).not.toContain('s3cr3t');
  });

  it('b2a jobs --http-status finds the job by its last answer', async () => {
    // Act
    // Changed on purpose (issue 14): a 2xx means SUCCEEDED, which is listed by prefix only.
    const found = await b2a('jobs', '--http-status', '2xx', '--since', '1h', '--prefix', 'in/', '--json');
    const none = await b2a('jobs', '--http-status', '5xx', '--json');

    // Assess
    expect((JSON.parse(found.stdout) as { key: string }[]).map((job) => job.key)).toEqual(['in/a b.csv']);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });
});
