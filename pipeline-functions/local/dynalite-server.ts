/**
 * dynalite, started on a thread of its own or on the caller's. On its own thread the store's request
 * parsing, validation and LevelDB work use the second core instead of the runtime's one JavaScript
 * thread. A worker thread, not a child process, because it dies with the runtime's process (SIGKILL
 * included) and can never outlive it holding the store's lock. Clients reach it over loopback HTTP
 * either way, so the CLI finds it the same way.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { LocalRuntimeError, PortInUseError, WorkerFailedError } from './errors.js';
import { closeServer, listenOnLoopback } from './service.js';

/**
 * The worker's code, plain CommonJS run with `eval`: a file of its own would need a second entry
 * point in the CLI's bundle and a loader for TypeScript under tsx and jest. It loads dynalite by the
 * absolute path resolved here, listens on 127.0.0.1 and posts its port back; `stop` closes the
 * server, which closes LevelDB once the requests in hand are answered.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const dynalite = require(workerData.dynalite);
const server = dynalite(workerData.options);
server.once('error', (error) => parentPort.postMessage({ type: 'failed', code: error.code, message: error.message }));
server.listen(workerData.port, '127.0.0.1', () => {
  parentPort.postMessage({ type: 'listening', port: server.address().port });
});
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  server.close((error) => parentPort.postMessage({ type: 'stopped', message: error ? error.message : undefined }));
  server.closeAllConnections();
});
`;

/** Messages from the worker. */
type WorkerReply =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'failed'; readonly code?: string; readonly message: string }
  | { readonly type: 'stopped'; readonly message?: string };

/** What dynalite is started with (its own option names). */
export interface DynaliteOptions {
  /** LevelDB directory; in memory when absent. */
  readonly path?: string;
  readonly createTableMs: number;
  readonly deleteTableMs: number;
  readonly updateTableMs: number;
}

/** A dynalite server listening on 127.0.0.1. */
export interface DynaliteServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Its worker when it has a thread of its own, for the thread's figures (`performance.eventLoopUtilization`). */
  readonly worker?: Worker;
  /** Closes the server and its store (then ends its thread). */
  stop(): Promise<void>;
}

/** Where it listens, and how errors name it. */
export interface DynaliteListen {
  /** 0 picks a free port. */
  readonly port: number;
  /** What it is, in errors, e.g. `the local DynamoDB store (dynalite)`. */
  readonly service: string;
  /** How to choose another port, for the error when `port` is taken. */
  readonly setting: string;
}

/**
 * Starts dynalite in a worker thread, listening on 127.0.0.1.
 * @throws PortInUseError when the port is taken
 * @throws LocalRuntimeError when the thread fails to start, with dynalite's message
 */
export async function startDynaliteThread(
  options: DynaliteOptions,
  { port, service, setting }: DynaliteListen,
): Promise<DynaliteServer & { readonly worker: Worker }> {
  const dynalite = createRequire(import.meta.url).resolve('dynalite');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { dynalite, options, port },
  });
  let listening: { readonly port: number };
  try {
    listening = await nextReply(worker, 'listening', service);
  } catch (error) {
    await worker.terminate();
    if (error instanceof WorkerFailedError && error.code === 'EADDRINUSE') {
      throw new PortInUseError(port, service, setting, { cause: error });
    }
    throw error;
  }
  // No 'error' listener from here on: dynalite failing on its thread ends the process with the
  // error, as it did on the main thread, rather than leave a runtime whose store is gone.
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${listening.port}`,
    worker,
    stop: () => {
      stopping ??= (async () => {
        const stopped = nextReply(worker, 'stopped', service);
        worker.postMessage('stop');
        try {
          const { message } = await stopped;
          if (message) throw new LocalRuntimeError(`${service} did not close cleanly: ${message}`);
        } finally {
          await worker.terminate();
        }
      })();
      return stopping;
    },
  };
}

/**
 * Starts dynalite on the caller's thread, listening on 127.0.0.1: for a short command, which would
 * wait longer for a thread to start and load dynalite than it gains from it.
 * @throws PortInUseError when the port is taken
 */
export async function startDynaliteHere(
  options: DynaliteOptions,
  { port, service, setting }: DynaliteListen,
): Promise<DynaliteServer> {
  const { default: dynalite } = await import('dynalite');
  const server = dynalite(options);
  const url = await listenOnLoopback(server, port, service, setting);
  return { url, stop: () => closeServer(server) };
}

/**
 * Resolves with the worker's next reply of type `type`.
 * @throws WorkerFailedError when the worker reports a failure, throws, or exits first
 */
function nextReply<T extends WorkerReply['type']>(
  worker: Worker,
  type: T,
  service: string,
): Promise<Extract<WorkerReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (reply: WorkerReply): void => {
      if (reply.type === 'failed') {
        done();
        reject(new WorkerFailedError(`${service} failed to start: ${reply.message}`, reply.code));
      } else if (reply.type === type) {
        done();
        resolve(reply as Extract<WorkerReply, { type: T }>);
      }
    };
    const onError = (error: Error): void => {
      done();
      reject(
        new WorkerFailedError(`${service} failed on its thread: ${error.message}`, codeOf(error), {
          cause: error,
        }),
      );
    };
    const onExit = (code: number): void => {
      done();
      reject(new WorkerFailedError(`${service} exited (code ${code}) before answering`, undefined));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
}

function codeOf(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
