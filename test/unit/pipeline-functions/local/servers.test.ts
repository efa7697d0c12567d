import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DirectoryObjectSource,
  etagOf,
} from '../../../../pipeline-functions/adapters/local/directory-object-source.js';
import { DemoApi, type DemoDelivery } from '../../../../pipeline-functions/local/demo-api.js';
import { RuntimeLog } from '../../../../pipeline-functions/local/log.js';
import { ObjectServer } from '../../../../pipeline-functions/local/object-server.js';

const secret = Buffer.alloc(32, 7);

describe('Local servers', () => {
  let dir: string;
  let source: DirectoryObjectSource;
  let objects: ObjectServer;
  let api: DemoApi;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'b2a-servers-'));
    source = new DirectoryObjectSource({
      root: dir,
      bucket: 'local-inbox',
      signer: { secret, baseUrl: () => objects.url },
    });
    objects = new ObjectServer({ source, secret, port: 0, log: new RuntimeLog() });
    api = new DemoApi({
      port: 0,
      logFile: join(dir, 'demo', 'deliveries.jsonl'),
      log: new RuntimeLog(),
      scenarios: true,
    });
    await objects.start();
    await api.start();
  });

  afterEach(async () => {
    await api.stop();
    await objects.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (headers: Record<string, string>, body: string): Promise<Response> =>
    fetch(api.url, {
      method: 'POST',
      headers: { 'b2a-bucket': 'local-inbox', 'b2a-attempt': '1', ...headers },
      body,
    });

  describe('Class: ObjectServer', () => {
    it('serves a presigned object version and refuses altered URLs and overwritten versions', async () => {
      // Prepare
      await writeFile(join(dir, 'a b.txt'), 'hello');
      const { url } = await source.presign(
        { bucket: 'local-inbox', key: 'a b.txt', etag: etagOf(Buffer.from('hello')) },
        60,
      );
      // Act
      const ok = await fetch(url);
      const okBody = await ok.text();
      const tampered = await fetch(url.replace('signature=', 'signature=x'));
      await writeFile(join(dir, 'a b.txt'), 'changed');
      const stale = await fetch(url);
      // Assess
      expect(ok.status).toBe(200);
      expect(okBody).toBe('hello');
      expect(ok.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(tampered.status).toBe(403);
      expect(stale.status).toBe(404);
      expect(await stale.text()).toContain('overwritten');
    });
  });

  describe('Class: DemoApi', () => {
    it('accepts a delivery once and answers a repeated Idempotency-Key as a replay', async () => {
      // Act
      const first = await post(
        { 'idempotency-key': 'k1', 'b2a-key': encodeURIComponent('a b+ü.csv') },
        'x,y',
      );
      const again = await post(
        { 'idempotency-key': 'k1', 'b2a-key': encodeURIComponent('a b+ü.csv') },
        'x,y',
      );
      // Assess
      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(api.deliveries()).toEqual([
        expect.objectContaining({ key: 'a b+ü.csv', bytes: 3, payload: 'content', idempotencyKey: 'k1' }),
      ]);
    });

    it('keeps replays replays across a restart', async () => {
      // Prepare
      await post({ 'idempotency-key': 'k1', 'b2a-key': 'a' }, 'x');
      await api.stop();
      api = new DemoApi({ port: 0, logFile: join(dir, 'demo', 'deliveries.jsonl'), log: new RuntimeLog() });
      await api.start();
      // Act
      const again = await post({ 'idempotency-key': 'k1', 'b2a-key': 'a' }, 'x');
      // Assess
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(api.deliveries()).toHaveLength(1);
    });

    it('fetches a reference payload from its presigned URL', async () => {
      // Prepare
      const content = Buffer.alloc(10_000, 1);
      await writeFile(join(dir, 'big.bin'), content);
      const { url } = await source.presign({ bucket: 'local-inbox', key: 'big.bin' }, 60);
      const reference = {
        b2a: 1,
        type: 'reference',
        bucket: 'local-inbox',
        key: 'big.bin',
        size: 10_000,
        contentType: 'application/octet-stream',
        url,
      };
      // Act
      const response = await post(
        {
          'idempotency-key': 'k2',
          'b2a-key': 'big.bin',
          'b2a-payload': 'reference',
          'content-type': 'application/json',
        },
        JSON.stringify(reference),
      );
      // Assess
      expect(response.status).toBe(201);
      const delivery = api.deliveries()[0] as DemoDelivery;
      expect(delivery).toMatchObject({ payload: 'reference', bytes: 10_000 });
      expect(delivery.sha256).toBe(createHash('sha256').update(content).digest('hex'));
    });

    it('misbehaves on purpose for "reject" and "flaky" keys when scenarios are on', async () => {
      // Act
      const rejected = await post({ 'idempotency-key': 'k3', 'b2a-key': 'in/reject-me.json' }, '{}');
      const flaky = await post({ 'idempotency-key': 'k4', 'b2a-key': 'flaky.csv' }, 'a');
      const flakyAgain = await post(
        { 'idempotency-key': 'k4', 'b2a-key': 'flaky.csv', 'b2a-attempt': '2' },
        'a',
      );
      // Assess
      expect(rejected.status).toBe(422);
      expect(flaky.status).toBe(503);
      expect(flaky.headers.get('retry-after')).toBe('1');
      expect(flakyAgain.status).toBe(201);
    });

    it('requires an Idempotency-Key', async () => {
      // Act
      const response = await post({ 'b2a-key': 'a' }, 'x');
      // Assess
      expect(response.status).toBe(400);
      expect(api.deliveries()).toEqual([]);
    });
  });
});
