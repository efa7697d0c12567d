import { beforeEach, describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../../pipeline-functions/core/config.js';
import { DownstreamTimeoutError } from '../../../../../pipeline-functions/core/errors.js';
import { encodeEnvelope } from '../../../../../pipeline-functions/core/messages.js';
import { jobIdOf, type ObjectRef } from '../../../../../pipeline-functions/core/model.js';
import {
  deliverBatch,
  type DeliverDeps,
  type ObjectReferencePayload,
} from '../../../../../pipeline-functions/core/use-cases/deliver-object.js';
import { CircuitBreaker } from '../../../../../pipeline-functions/core/admission/circuit-breaker.js';
import { RateLimiter } from '../../../../../pipeline-functions/core/admission/rate-limiter.js';
import {
  FakeAdmissionStore,
  FakeApi,
  FakeClock,
  FakeFlag,
  FakeJobs,
  FakeNotifier,
  FakeObjects,
  s3Event,
} from '../../../../support/fakes.js';

/** A reprocess envelope for `object`, asked at `at`. */
const reprocessOf = (object: ObjectRef, at: string, requestedBy?: string): string =>
  encodeEnvelope({
    kind: 'reprocess',
    object,
    run: { id: 'r-1', startedAt: at },
    attempt: 1,
    ...(requestedBy ? { requestedBy } : {}),
    sentAt: at,
  });

const message = (messageId: string, body: unknown) => ({
  messageId,
  body: typeof body === 'string' ? body : JSON.stringify(body),
  sentAt: '2026-11-21T11:59:30.000Z',
});

describe('Function: deliverBatch', () => {
  let deps: DeliverDeps & {
    flag: FakeFlag;
    jobs: FakeJobs;
    objects: FakeObjects;
    api: FakeApi;
    clock: FakeClock;
  };

  beforeEach(() => {
    deps = {
      config: parsePipelineConfig({ api: { url: 'http://127.0.0.1:1/in', maxConcurrentCalls: 2 } }),
      bucket: 'inbox',
      flag: new FakeFlag(true),
      jobs: new FakeJobs(),
      objects: new FakeObjects(),
      api: new FakeApi(),
      clock: new FakeClock(),
    };
    deps.objects.clock = deps.clock;
  });

  it('calls the API with the content, its type and the identifying headers', async () => {
    // Prepare
    deps.objects.put('inbox', 'dir/a b+ü.json', '{"x":1}', 'application/json');
    // Act
    const [item] = await deliverBatch(deps, [
      message('m1', s3Event('dir/a b+ü.json', { size: 7, versionId: 'v1' })),
    ]);
    // Assess
    expect(item).toMatchObject({ messageId: 'm1', result: { kind: 'delivered', httpStatus: 200 } });
    const call = deps.api.calls[0]!;
    expect(new TextDecoder().decode(call.body as Uint8Array)).toBe('{"x":1}');
    expect(call.headers).toMatchObject({
      'content-type': 'application/json',
      'b2a-bucket': 'inbox',
      'b2a-key': encodeURIComponent('dir/a b+ü.json'),
      'b2a-version-id': 'v1',
      'b2a-attempt': '1',
      'idempotency-key': item!.request!.idempotencyKey,
    });
  });

  it('returns one result per message, in order, and never throws for one bad message', async () => {
    deps.objects.put('inbox', 'ok', 'hello');
    deps.api.script.push(new DownstreamTimeoutError('after 10000 ms'));
    const items = await deliverBatch(deps, [
      message('m1', 'garbage'),
      message('m2', s3Event('gone')),
      message('m3', s3Event('ok')),
      message('m4', s3Event('ok', { etag: 'other' })),
      message('m5', { Event: 's3:TestEvent' }),
    ]);
    expect(items.map((i) => [i.messageId, i.result.kind])).toEqual([
      ['m1', 'invalid'],
      ['m2', 'terminal'],
      ['m3', 'retryable'],
      ['m4', 'delivered'],
      ['m5', 'ignored'],
    ]);
    expect(items[1]!.result).toMatchObject({ reason: expect.stringContaining('object not found') });
  });

  it('ends a message about another bucket at once, saying so, without reading S3 or calling the API', async () => {
    // Prepare
    deps.objects.put('elsewhere', 'a.csv', 'x');
    const reprocess = reprocessOf({ bucket: 'elsewhere', key: 'b.csv' }, '2026-11-21T11:00:00.000Z');

    // Act
    const items = await deliverBatch(deps, [
      message('m1', s3Event('a.csv', { bucket: 'elsewhere' })),
      message('m2', reprocess),
    ]);

    // Assess
    for (const item of items) {
      expect(item.result).toEqual({
        kind: 'terminal',
        reason: 'bucket elsewhere is not the configured bucket inbox',
      });
    }
    expect(items[0]?.request?.object.bucket).toBe('elsewhere');
    expect([deps.objects.heads, deps.objects.reads, deps.api.calls.length]).toEqual([0, 0, 0]);
  });

  // Issue 11 changes this on purpose: a value b2a does not understand now holds (it used to skip).
  it('holds with the value as reason when the flag holds one it does not understand, telling the edge once per batch', async () => {
    // Prepare
    deps.flag.reading = { state: 'not-understood', value: 'true' };
    const told: unknown[] = [];
    deps = { ...deps, onFlagNotUnderstood: (reading) => told.push(reading) };
    deps.objects.put('inbox', 'a', 'x');

    // Act
    const items = await deliverBatch(deps, [
      message('m1', s3Event('a')),
      message('m2', s3Event('a', { etag: 'e2' })),
    ]);

    // Assess
    expect(items.map((i) => i.result)).toEqual(
      Array(2).fill({
        kind: 'deferred',
        cause: 'hold',
        reason: 'deferred: hold (flag value "true" not understood; treated as hold)',
        notBefore: '2026-11-21T12:02:00.000Z',
        spreadSeconds: 60,
      }),
    );
    expect(told).toEqual([{ state: 'not-understood', value: 'true' }]);
    expect([deps.objects.reads, deps.api.calls.length]).toEqual([0, 0]);
  });

  it('defers every object for flag.holdDeferSeconds while the flag is hold: never SKIPPED, nothing called', async () => {
    // Prepare
    deps.flag.reading = { state: 'hold' };
    deps = {
      ...deps,
      config: parsePipelineConfig({ api: { url: 'http://127.0.0.1:1/in' }, flag: { holdDeferSeconds: 300 } }),
    };
    deps.objects.put('inbox', 'a', 'x');

    // Act
    const items = await deliverBatch(deps, [message('m1', s3Event('a'))]);

    // Assess
    expect(items.map((i) => i.result)).toEqual([
      {
        kind: 'deferred',
        cause: 'hold',
        reason: 'deferred: hold',
        notBefore: '2026-11-21T12:05:00.000Z',
        spreadSeconds: 150,
      },
    ]);
    expect([deps.objects.reads, deps.api.calls.length]).toEqual([0, 0]);
  });

  it('skips without calling anything when the flag is off, reading the flag once per batch', async () => {
    deps.flag.enabled = false;
    deps.objects.put('inbox', 'a', 'x');
    const items = await deliverBatch(deps, [
      message('m1', s3Event('a')),
      message('m2', s3Event('a', { etag: 'e2' })),
    ]);
    expect(items.map((i) => i.result)).toEqual([
      { kind: 'skipped', reason: 'the enabled flag is off' },
      { kind: 'skipped', reason: 'the enabled flag is off' },
    ]);
    expect(deps.api.calls).toHaveLength(0);
    expect(deps.objects.reads).toBe(0);
    expect(deps.flag.reads).toBe(1);
  });

  /** Delivers one S3 event for `key` and records its success, as the target would. */
  async function deliverAndRecordSuccess(key: string) {
    const [first] = await deliverBatch(deps, [message('m1', s3Event(key))]);
    const { object, run, idempotencyKey } = first!.request!;
    await deps.jobs.record({
      object,
      run,
      attempt: 1,
      status: 'SUCCEEDED',
      entry: { at: first!.at, runId: run.id, attempt: 1, origin: 's3-event', outcome: 'delivered' },
      idempotencyKey,
      historyLimit: 20,
    });
    return first!;
  }

  it('does not call the API again for a version already delivered (duplicate S3 event)', async () => {
    deps.objects.put('inbox', 'a', 'x');
    await deliverAndRecordSuccess('a');
    const [second] = await deliverBatch(deps, [message('m2', s3Event('a'))]);
    expect(second!.result).toEqual({ kind: 'duplicate', reason: 'already delivered' });
    expect(deps.api.calls).toHaveLength(1);
  });

  it("reads the batch's jobs with one getMany, only for messages about its own objects, and decides each from it", async () => {
    // Prepare
    deps.objects.put('inbox', 'a', 'x');
    deps.objects.put('inbox', 'b', 'y');
    const delivered = await deliverAndRecordSuccess('a');
    deps.jobs.batchReads.length = 0;

    // Act
    const items = await deliverBatch(deps, [
      message('m2', s3Event('a')),
      message('m3', s3Event('b')),
      message('m4', s3Event('c', { bucket: 'elsewhere' })),
      message('m5', s3Event('a')),
    ]);

    // Assess
    expect(items.map((i) => i.result.kind)).toEqual(['duplicate', 'delivered', 'terminal', 'duplicate']);
    const [idA, idB] = [delivered.request!.object, items[1]!.request!.object].map(jobIdOf);
    expect(deps.jobs.batchReads).toEqual([[idA, idB, idA]]);
    expect(deps.api.calls).toHaveLength(2);
  });

  it('reads no job when no message of the batch needs one', async () => {
    // Act
    const items = await deliverBatch(deps, [
      message('m1', 'not JSON'),
      message('m2', s3Event('c', { bucket: 'elsewhere' })),
    ]);

    // Assess
    expect(items.map((i) => i.result.kind)).toEqual(['invalid', 'terminal']);
    expect(deps.jobs.batchReads).toEqual([]);
  });

  it('delivers an explicit reprocess of a delivered version, with a new Idempotency-Key', async () => {
    deps.objects.put('inbox', 'a', 'x');
    const first = await deliverAndRecordSuccess('a');
    const reprocess = reprocessOf(first.request!.object, '2026-11-21T12:30:00Z', 'arn:aws:iam::1:user/ana');
    const [again] = await deliverBatch(deps, [message('m2', reprocess)]);
    expect(again!.result.kind).toBe('delivered');
    expect(again!.request).toMatchObject({ origin: 'reprocess', requestedBy: 'arn:aws:iam::1:user/ana' });
    expect(deps.api.calls[1]!.headers['idempotency-key']).not.toBe(
      deps.api.calls[0]!.headers['idempotency-key'],
    );
  });

  it('ignores S3 events for keys outside the filters', async () => {
    deps = { ...deps, config: { ...deps.config, filters: { prefix: 'in/', suffix: '.csv' } } };
    const [item] = await deliverBatch(deps, [message('m1', s3Event('in/a.txt'))]);
    expect(item!.result).toMatchObject({
      kind: 'ignored',
      reason: expect.stringContaining('outside the filters'),
    });
  });

  describe('payload modes', () => {
    const limit = 10;
    const withPayload = (mode: 'content' | 'reference' | 'auto') => ({
      ...deps,
      config: { ...deps.config, payload: { mode, inlineLimitBytes: limit, presignExpirySeconds: 600 } },
    });

    it('sends a JSON reference with a presigned URL when auto and over the limit', async () => {
      deps.objects.put('inbox', 'big.bin', 'x'.repeat(limit + 1), 'application/octet-stream');
      const [item] = await deliverBatch(withPayload('auto'), [
        message('m1', s3Event('big.bin', { size: limit + 1 })),
      ]);
      expect(item!.result.kind).toBe('delivered');
      const call = deps.api.calls[0]!;
      expect(call.headers['content-type']).toBe('application/json');
      expect(call.headers['b2a-payload']).toBe('reference');
      const body = JSON.parse(call.body as string) as ObjectReferencePayload;
      expect(body).toMatchObject({
        type: 'reference',
        key: 'big.bin',
        size: limit + 1,
        url: expect.stringContaining('expires=600'),
      });
      expect(body.expiresAt).toBe('2026-11-21T12:10:00.000Z');
      expect(deps.objects.reads).toBe(0);
    });

    it("names the object's full SHA-256 in the reference and in B2A-Object-Checksum", async () => {
      // Prepare
      deps.objects.put('inbox', 'big.bin', 'x'.repeat(limit + 1));
      deps.objects.sha256s.set('inbox/big.bin', 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=');
      // Act
      await deliverBatch(withPayload('reference'), [message('m1', s3Event('big.bin', { size: limit + 1 }))]);
      // Assess
      const call = deps.api.calls[0]!;
      expect(JSON.parse(call.body as string)).toMatchObject({
        checksum: { algorithm: 'sha-256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' },
      });
      expect(call.headers['b2a-object-checksum']).toBe(
        'sha-256=:n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=:',
      );
    });

    it('names the ETag instead when the store holds no full-object SHA-256', async () => {
      // Prepare
      deps.objects.put('inbox', 'big.bin', 'x'.repeat(limit + 1));
      // Act
      await deliverBatch(withPayload('reference'), [
        message('m1', s3Event('big.bin', { size: limit + 1, etag: '9b2cf535f27731c974343645a3985328-2' })),
      ]);
      // Assess
      const call = deps.api.calls[0]!;
      expect(JSON.parse(call.body as string)).toMatchObject({
        checksum: { algorithm: 'etag', value: '9b2cf535f27731c974343645a3985328-2' },
      });
      expect(call.headers['b2a-object-checksum']).toBe('etag="9b2cf535f27731c974343645a3985328-2"');
    });

    it('announces the expiry the URL really has when the signing credentials expire first', async () => {
      // Prepare: a Lambda role's credentials with 5 minutes left, under the configured 10
      deps.objects.put('inbox', 'big.bin', 'x'.repeat(limit + 1));
      deps.objects.credentialSeconds = 300;
      // Act
      await deliverBatch(withPayload('reference'), [message('m1', s3Event('big.bin', { size: limit + 1 }))]);
      // Assess
      const body = JSON.parse(deps.api.calls[0]!.body as string) as ObjectReferencePayload;
      expect(body.url).toContain('expires=300');
      expect(body.expiresAt).toBe('2026-11-21T12:05:00.000Z');
    });

    it('signs a fresh URL, with its own expiry, for every attempt', async () => {
      // Prepare
      deps.objects.put('inbox', 'big.bin', 'x'.repeat(limit + 1));
      const [first] = await deliverBatch(withPayload('reference'), [
        message('m1', s3Event('big.bin', { size: limit + 1 })),
      ]);
      deps.clock.advance(20 * 3600 * 1000);
      const retry = encodeEnvelope({
        kind: 'retry',
        object: first!.request!.object,
        run: first!.request!.run,
        attempt: 2,
        sentAt: deps.clock.now().toISOString(),
      });
      // Act
      await deliverBatch(withPayload('reference'), [message('m2', retry)]);
      // Assess
      const [one, two] = deps.api.calls.map((c) => JSON.parse(c.body as string) as ObjectReferencePayload);
      expect(two!.url).not.toBe(one!.url);
      expect(one!.expiresAt).toBe('2026-11-21T12:10:00.000Z');
      expect(two!.expiresAt).toBe('2026-11-22T08:10:00.000Z');
    });

    it('fails with a clear reason when content-only and over the limit', async () => {
      deps.objects.put('inbox', 'big.bin', 'x'.repeat(limit + 1));
      const [item] = await deliverBatch(withPayload('content'), [
        message('m1', s3Event('big.bin', { size: limit + 1 })),
      ]);
      expect(item!.result).toEqual({
        kind: 'terminal',
        reason: `object is ${limit + 1} bytes, over payload.inlineLimitBytes (${limit}); set payload.mode to auto or reference`,
      });
      expect(deps.api.calls).toHaveLength(0);
    });

    it('delivers a zero-byte object as an empty body', async () => {
      deps.objects.put('inbox', 'empty', '');
      const [item] = await deliverBatch(withPayload('auto'), [message('m1', s3Event('empty', { size: 0 }))]);
      expect(item!.result.kind).toBe('delivered');
      expect((deps.api.calls[0]!.body as Uint8Array).byteLength).toBe(0);
    });
  });

  it('returns the message to the queue when the job store fails, without calling the API', async () => {
    // Changed on purpose (issue 14): the batch's jobs are read with one getMany, not a get per message.
    deps.jobs.getMany = async () => {
      throw new Error('ProvisionedThroughputExceededException');
    };
    const [item] = await deliverBatch(deps, [message('m1', s3Event('a'))]);
    expect(item!.result).toMatchObject({
      kind: 'unprocessed',
      reason: expect.stringContaining('Provisioned'),
    });
    expect(deps.api.calls).toHaveLength(0);
  });

  it('keeps at most maxConcurrentCalls calls in flight', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    deps.api.call = async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { status: 200, latencyMs: 5 };
    };
    for (let i = 0; i < 6; i++) deps.objects.put('inbox', `k${i}`, 'x');
    const items = await deliverBatch(
      deps,
      Array.from({ length: 6 }, (_, i) => message(`m${i}`, s3Event(`k${i}`))),
    );
    expect(items.every((i) => i.result.kind === 'delivered')).toBe(true);
    expect(maxInFlight).toBe(2);
  });

  describe('with admission control', () => {
    let store: FakeAdmissionStore;
    /** Waits by moving the fake clock, as a timer would. */
    const sleep = (ms: number): Promise<void> => {
      deps.clock.advance(ms);
      return Promise.resolve();
    };
    const files = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        deps.objects.put('inbox', `f${i}`, 'x');
        return message(`m${i}`, s3Event(`f${i}`));
      });
    /** Admission settings set as given (the config checks of their feasibility are tested elsewhere). */
    const withConfig = (api: Partial<DeliverDeps['config']['api']>): void => {
      const base = parsePipelineConfig({ api: { url: 'http://127.0.0.1:1/in', maxConcurrentCalls: 4 } });
      deps = { ...deps, config: { ...base, api: { ...base.api, ...api } } };
    };

    /** A breaker on the shared fake store: open after 2 failures in a row, probe every 30 s. */
    const breakerOf = (notifier: FakeNotifier): CircuitBreaker =>
      new CircuitBreaker({
        store,
        settings: { failureThreshold: 2, probeSeconds: 30 },
        clock: deps.clock,
        notifier,
        environment: 'dev',
      });

    beforeEach(() => {
      store = new FakeAdmissionStore();
    });

    it('waits in process for permits a slot at a time and calls every object when they come within maxWaitSeconds', async () => {
      // Prepare: 20/s is one or two calls per 100 ms slot
      withConfig({ rateLimit: { perSecond: 20, maxWaitSeconds: 2 } });
      const limiter = new RateLimiter(store, { perSecond: 20 }, deps.clock);
      deps = { ...deps, admission: { limiter, sleep } };
      const started = deps.clock.now().getTime();

      // Act
      const items = await deliverBatch(deps, files(8));

      // Assess
      expect(items.map((i) => i.result.kind)).toEqual(Array(8).fill('delivered'));
      expect(deps.api.calls).toHaveLength(8);
      expect(deps.clock.now().getTime() - started).toBeGreaterThanOrEqual(300);
    });

    it('defers, without calling, what gets no permit within maxWaitSeconds: not failed, back after the next permit', async () => {
      // Prepare
      withConfig({ rateLimit: { perSecond: 11, maxWaitSeconds: 0 } });
      deps = {
        ...deps,
        admission: { limiter: new RateLimiter(store, { perSecond: 11 }, deps.clock), sleep },
      };

      // Act
      const items = await deliverBatch(deps, files(3));

      // Assess: 11/s is one call per slot
      expect(items.map((i) => i.result.kind)).toEqual(['delivered', 'deferred', 'deferred']);
      expect(items[1]?.result).toEqual({
        kind: 'deferred',
        cause: 'rate limit',
        reason: 'deferred: rate limit',
        notBefore: '2026-11-21T12:00:00.100Z',
        spreadSeconds: 5,
      });
      expect(deps.api.calls).toHaveLength(1);
    });

    it('defers every call while the circuit is open and counts them, calling nothing', async () => {
      // Prepare
      withConfig({ circuitBreaker: { failureThreshold: 2, probeSeconds: 30 } });
      await store.open({
        at: deps.clock.now(),
        reason: 'HTTP 503',
        lastError: 'HTTP 503',
        nextProbeAt: new Date(deps.clock.now().getTime() + 10_000),
      });
      const breaker = breakerOf(new FakeNotifier());
      deps = { ...deps, admission: { breaker, sleep } };

      // Act
      const items = await deliverBatch(deps, files(3));

      // Assess
      expect(items.map((i) => i.result)).toEqual(
        Array(3).fill({
          kind: 'deferred',
          cause: 'circuit open',
          reason: 'deferred: circuit open (HTTP 503)',
          notBefore: '2026-11-21T12:00:10.000Z',
          spreadSeconds: 30,
        }),
      );
      expect(deps.api.calls).toHaveLength(0);
      expect(store.circuit.deferred).toBe(3);
    });

    it('stops calling the rest of a batch once its own failures open the circuit', async () => {
      // Prepare: one call at a time, every answer a 503
      withConfig({ maxConcurrentCalls: 1, circuitBreaker: { failureThreshold: 2, probeSeconds: 30 } });
      deps.api.fallback = { status: 503, latencyMs: 1 };
      const notifier = new FakeNotifier();
      const breaker = breakerOf(notifier);
      deps = {
        ...deps,
        config: { ...deps.config, api: { ...deps.config.api, maxConcurrentCalls: 1 } },
        admission: { breaker, sleep },
      };

      // Act
      const items = await deliverBatch(deps, files(5));

      // Assess
      expect(items.map((i) => i.result.kind)).toEqual([
        'retryable',
        'retryable',
        'deferred',
        'deferred',
        'deferred',
      ]);
      expect(deps.api.calls).toHaveLength(2);
      expect(notifier.circuit.map((n) => n.event)).toEqual(['circuit-open']);
    });
  });
});
