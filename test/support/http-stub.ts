import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTlsServer, type ServerOptions as TlsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** One request the stub received, fully read. */
export interface RecordedRequest {
  readonly method: string;
  /** Path and query, as sent (not decoded). */
  readonly url: string;
  /** Header names are lower-case (Node's `IncomingHttpHeaders`). */
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The client certificate's subject CN, on a TLS stub that asked for one. */
  readonly clientCertificate?: string;
  /** The client's port: requests that share one are on one (reused) connection. */
  readonly remotePort?: number;
}

/** What the stub answers with. */
export interface StubResponse {
  /** @default 200 */
  readonly status?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** @default '' */
  readonly body?: string | Buffer;
  /** Wait this long before answering (to provoke client timeouts). */
  readonly delayMs?: number;
  /** Destroy the socket instead of answering (the client sees a connection reset). */
  readonly destroySocket?: boolean;
}

/** Decides the answer for one request; used when no queued response is left. */
export type StubHandler = (request: RecordedRequest) => StubResponse | Promise<StubResponse>;

/** A programmable HTTP server on 127.0.0.1. */
export interface HttpStub {
  /** `http://127.0.0.1:<port>` (`https://` with `tls`) */
  readonly url: string;
  readonly port: number;
  /** Every request received, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Queues responses, answered first-in first-out before the handler is consulted. */
  enqueue(...responses: StubResponse[]): void;
  /** Replaces the handler used when the queue is empty. */
  setHandler(handler: StubHandler): void;
  /** Forgets recorded requests and queued responses and restores the default handler. */
  reset(): void;
  /** Closes the server, dropping open connections and pending delayed answers. */
  close(): Promise<void>;
}

const defaultHandler: StubHandler = () => ({ status: 200 });

/**
 * Starts a loopback HTTP server that records requests and answers from a queue or a handler.
 *
 * With `tls`, an HTTPS server (e.g. `requestCert` and `rejectUnauthorized` to demand a client certificate).
 *
 * @example
 * const api = await startHttpStub();
 * api.enqueue({ status: 503, headers: { 'retry-after': '5' } });
 * afterAll(() => api.close());
 */
export async function startHttpStub(
  handler: StubHandler = defaultHandler,
  options: { readonly tls?: TlsServerOptions } = {},
): Promise<HttpStub> {
  const requests: RecordedRequest[] = [];
  const queue: StubResponse[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let current = handler;

  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const peer = options.tls ? (req.socket as TLSSocket).getPeerCertificate() : undefined;
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: req.headers,
      body: Buffer.concat(chunks),
      ...(peer?.subject?.CN ? { clientCertificate: String(peer.subject.CN) } : {}),
      ...(req.socket.remotePort !== undefined ? { remotePort: req.socket.remotePort } : {}),
    };
    requests.push(recorded);
    const response = queue.shift() ?? (await current(recorded));
    if (response.delayMs !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, response.delayMs);
        timers.add(timer);
      });
    }
    if (res.destroyed) return;
    if (response.destroySocket) {
      req.socket.destroy();
      return;
    }
    res.writeHead(response.status ?? 200, { ...response.headers });
    res.end(response.body ?? '');
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    answer(req, res).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  };
  const server = options.tls ? createTlsServer(options.tls, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    enqueue: (...responses) => queue.push(...responses),
    setHandler: (next) => {
      current = next;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
      current = handler;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
