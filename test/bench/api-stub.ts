/**
 * The downstream API the benchmark calls: the loopback HTTP stub of the tests, run in a process of its
 * own so that its CPU is not counted as b2a's and it competes for the cores as a remote API would not.
 * It answers every call after a fixed latency and counts the calls in flight. The first attempt of a
 * key containing {@link FAIL_ONCE_MARK} is answered 503 (the retry scenario of the cost section).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BenchError, BenchTimeoutError } from './errors.js';

/** Keys containing this fail with a 503 on their first attempt, and succeed on the next. */
export const FAIL_ONCE_MARK = 'fail-once';

/** What the stub counted since it started or was last reset. */
export interface ApiStubStats {
  readonly calls: number;
  readonly maxInFlight: number;
  readonly inFlight: number;
}

/** Messages from the parent to the stub process. */
export type StubCommand = { readonly type: 'stats' } | { readonly type: 'reset' };

/** Messages from the stub process to the parent. */
export type StubReply =
  | { readonly type: 'ready'; readonly url: string }
  | ({ readonly type: 'stats' } & ApiStubStats)
  | { readonly type: 'reset' };

/** A running stub API. */
export interface ApiStub {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  readonly latencyMs: number;
  stats(): Promise<ApiStubStats>;
  /** Zeroes the counters. */
  reset(): Promise<void>;
  /** Stops the stub process. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 15_000;
const REPLY_TIMEOUT_MS = 5_000;

/**
 * Starts the stub in a child process (Node with the tsx loader) on 127.0.0.1 and a free port.
 * @throws BenchError when it cannot start
 */
export async function startApiStub(options: { readonly latencyMs: number }): Promise<ApiStub> {
  const child = fork(
    fileURLToPath(new URL('./api-stub-process.ts', import.meta.url)),
    [String(options.latencyMs)],
    { execArgv: ['--import', import.meta.resolve('tsx')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] },
  );
  const ready = await nextReply(child, 'ready', START_TIMEOUT_MS);
  const ask = async <T extends StubReply['type']>(
    command: StubCommand,
    expect: T,
  ): Promise<Extract<StubReply, { type: T }>> => {
    const reply = nextReply(child, expect, REPLY_TIMEOUT_MS);
    child.send(command);
    return reply;
  };
  return {
    url: `${ready.url}/`,
    latencyMs: options.latencyMs,
    stats: async () => {
      const { calls, maxInFlight, inFlight } = await ask({ type: 'stats' }, 'stats');
      return { calls, maxInFlight, inFlight };
    },
    reset: async () => {
      await ask({ type: 'reset' }, 'reset');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => resolve());
        // The stub closes its server and exits when the channel closes.
        child.disconnect();
      }),
  };
}

function nextReply<T extends StubReply['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<StubReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: unknown): void => {
      if ((message as StubReply).type !== type) return;
      cleanup();
      resolve(message as Extract<StubReply, { type: T }>);
    };
    const onExit = (code: number | null): void => {
      cleanup();
      reject(new BenchError(`the API stub process exited (${code ?? 'signal'}) before answering "${type}"`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new BenchTimeoutError(`the API stub process did not answer "${type}" within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
