/**
 * The local runtime as a list of services, the way Architect's sandbox runs: started in order,
 * stopped in reverse, and a failed start stops what already started.
 */
import { createServer, type AddressInfo, type Server as NetServer } from 'node:net';
import type { Server } from 'node:http';
import { hasErrorCode } from '../adapters/local/files.js';
import { PortInUseError } from './errors.js';

/** One moving part of the runtime. */
export interface Service {
  /** Shown in logs and errors, e.g. `dynamodb`. */
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts services in order. If one fails, those started are stopped in reverse and the start error
 * is thrown (errors while stopping are attached as `suppressed`).
 * @returns a function that stops them all in reverse; it throws an AggregateError if any stop failed.
 */
export async function startServices(services: readonly Service[]): Promise<() => Promise<void>> {
  const started: Service[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const service of [...started].reverse()) {
      try {
        await service.stop();
      } catch (error) {
        errors.push(error);
      }
    }
    started.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, `${errors.length} service(s) failed to stop`);
  };
  for (const service of services) {
    try {
      await service.start();
      started.push(service);
    } catch (error) {
      try {
        await stopAll();
      } catch (stopError) {
        if (error instanceof Error) Object.assign(error, { suppressed: stopError });
      }
      throw error;
    }
  }
  return stopAll;
}

/**
 * A service built when its turn to start comes, for one that needs what the services before it made
 * (a client, a URL).
 * @example deferredService('pipe', () => root.pipeline.pipe)
 */
export function deferredService(name: string, build: () => Service): Service {
  let built: Service | undefined;
  return {
    name,
    start: async () => {
      built = build();
      await built.start();
    },
    stop: async () => {
      await built?.stop();
    },
  };
}

/**
 * A step of the start sequence that leaves nothing running (so stopping it does nothing), e.g.
 * composing what the next services are built from.
 */
export function startStep(name: string, run: () => void | Promise<void>): Service {
  return {
    name,
    start: async () => {
      await run();
    },
    stop: async () => undefined,
  };
}

/**
 * Listens on 127.0.0.1 (never another interface).
 * @returns the server's base URL, e.g. `http://127.0.0.1:43127`
 * @throws PortInUseError when the port is taken
 */
export async function listenOnLoopback(
  server: Server | NetServer,
  port: number,
  service: string,
  setting: string,
): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      reject(
        hasErrorCode(error, 'EADDRINUSE')
          ? new PortInUseError(port, service, setting, { cause: error })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port: bound } = server.address() as AddressInfo;
  return `http://127.0.0.1:${bound}`;
}

/** Closes a server, dropping idle and open connections so that stop never hangs on keep-alive. */
export async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  await new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * Fails fast when a fixed port is taken, for servers that cannot be cleaned up after a failed
 * listen (dynalite keeps its store open). Port 0 is always free.
 * @throws PortInUseError
 */
export async function assertPortFree(port: number, service: string, setting: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listenOnLoopback(probe, port, service, setting);
  await new Promise<void>((resolve, reject) => probe.close((error) => (error ? reject(error) : resolve())));
}
