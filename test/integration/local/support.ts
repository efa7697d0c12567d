/** Helpers of the local runtime's integration tests: data directories, files, waiting, an idempotent API stub. */
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LocalConfigInput } from '../../../pipeline-functions/local/settings.js';
import type { RecordedRequest, StubResponse } from '../../support/http-stub.js';

/** Timings that keep the suite fast: 200 ms backoffs, 1 s visibility timeout, 50 ms scans. */
export const FAST_CONFIG: LocalConfigInput = {
  api: { timeoutMs: 400, maxConcurrentCalls: 4 },
  retry: { maxAttempts: 6, baseDelaySeconds: 1, maxDelaySeconds: 1 },
  batch: { size: 5, windowSeconds: 0 },
  flag: { cacheSeconds: 0 },
  local: {
    timeScale: 0.2,
    inbox: { scanIntervalMs: 50, stableMs: 50 },
    queue: { pollIntervalMs: 50, visibilityTimeoutSeconds: 1, durable: false },
  },
};

export const tempDataDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'b2a-it-'));

/** Writes a file into an inbox under a key (creating its prefixes). */
export async function putObject(inboxDir: string, key: string, content: string | Buffer): Promise<void> {
  const path = join(inboxDir, ...key.split('/'));
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

/** Polls `probe` until it returns true. @throws after `timeoutMs`, with `describe()`'s text */
export async function waitFor(
  probe: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string | Promise<string> = () => 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for: ${await describe()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** One successful delivery the API model committed. */
export interface Commit {
  readonly idempotencyKey: string;
  readonly key: string;
  readonly sha256: string;
}

/**
 * A downstream API that honours Idempotency-Key (a key that already succeeded is a replay, not a
 * new delivery) and fails about a third of the calls in every way b2a must survive: 5xx, 429 with
 * Retry-After, timeouts (with and without having committed), connection resets. A key never fails
 * more than `maxFailuresPerKey` times in a row, so every object gets through within the retry budget.
 */
export class FlakyIdempotentApi {
  public readonly commits = new Map<string, Commit>();
  public replays = 0;
  public failures = 0;
  /** Idempotency keys seen per object key. */
  public readonly keysByObject = new Map<string, Set<string>>();
  private readonly failuresInARow = new Map<string, number>();
  private seed: number;

  public constructor(
    private readonly options: {
      readonly timeoutMs: number;
      readonly maxFailuresPerKey?: number;
      readonly seed?: number;
    },
  ) {
    this.seed = options.seed ?? 42;
  }

  /** The stub handler. */
  public readonly handle = (request: RecordedRequest): StubResponse => {
    const idempotencyKey = String(request.headers['idempotency-key'] ?? '');
    const key = decodeURIComponent(String(request.headers['b2a-key'] ?? ''));
    const keys = this.keysByObject.get(key) ?? new Set<string>();
    keys.add(idempotencyKey);
    this.keysByObject.set(key, keys);
    const row = this.failuresInARow.get(idempotencyKey) ?? 0;
    if (row < (this.options.maxFailuresPerKey ?? 3) && this.random() < 1 / 3) {
      this.failuresInARow.set(idempotencyKey, row + 1);
      this.failures++;
      return this.failure(idempotencyKey, key, request.body);
    }
    this.failuresInARow.set(idempotencyKey, 0);
    return this.commit(idempotencyKey, key, request.body);
  };

  /** Commits successful deliveries per object key. */
  public commitsFor(key: string): Commit[] {
    return [...this.commits.values()].filter((c) => c.key === key);
  }

  private commit(idempotencyKey: string, key: string, body: Buffer): StubResponse {
    if (this.commits.has(idempotencyKey)) {
      this.replays++;
      return { status: 200, headers: { 'idempotent-replayed': 'true' }, body: '{"status":"replay"}' };
    }
    this.commits.set(idempotencyKey, { idempotencyKey, key, sha256: sha256(body) });
    return { status: 201, body: '{"status":"accepted"}' };
  }

  private failure(idempotencyKey: string, key: string, body: Buffer): StubResponse {
    const late = this.options.timeoutMs + 300;
    switch (Math.floor(this.random() * 5)) {
      case 0:
        return { status: 503, body: 'unavailable' };
      case 1:
        return { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' };
      case 2:
        return { delayMs: late, status: 201 };
      case 3:
        // The API did the work but the answer came too late: the retry must be a replay.
        this.commit(idempotencyKey, key, body);
        return { delayMs: late, status: 201 };
      default:
        return { destroySocket: true };
    }
  }

  /** A small deterministic PRNG (mulberry32), so a failing run can be reasoned about. */
  private random(): number {
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
