/**
 * The object server behind local presigned URLs: GETs one object version from the inbox when the
 * URL's HMAC signature checks out and it has not expired, the way S3 answers a presigned GET.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { DirectoryObjectSource } from '../adapters/local/directory-object-source.js';
import { InvalidObjectUrlError } from '../adapters/local/errors.js';
import { verifyObjectUrl } from '../adapters/local/object-url-signer.js';
import { ObjectNotFoundError } from '../core/errors.js';
import { systemClock, type Clock } from '../core/ports.js';
import { LocalRuntimeError } from './errors.js';
import { describeError, type RuntimeLog } from './log.js';
import { closeServer, listenOnLoopback, type Service } from './service.js';

/** Options of {@link ObjectServer}. */
export interface ObjectServerOptions {
  readonly source: DirectoryObjectSource;
  readonly secret: Uint8Array;
  /** 0 picks a free port. */
  readonly port: number;
  readonly log: RuntimeLog;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** The object server as a runtime service. */
export class ObjectServer implements Service {
  public readonly name = 'object-server';
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private readonly clock: Clock;

  public constructor(private readonly options: ObjectServerOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** `http://127.0.0.1:<port>`, once started. */
  public get url(): string {
    if (!this.baseUrl) throw new LocalRuntimeError('the object server is not started');
    return this.baseUrl;
  }

  public async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.answer(req, res).catch((error: unknown) => {
        this.options.log.error('object-server', `GET ${req.url ?? ''} failed: ${describeError(error)}`);
        res.destroy();
      });
    });
    this.baseUrl = await listenOnLoopback(
      server,
      this.options.port,
      'the object server (presigned URLs)',
      'local.ports.objects',
    );
    this.server = server;
  }

  public async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = undefined;
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    let signed;
    try {
      signed = verifyObjectUrl(this.options.secret, req.url ?? '/', this.clock.now());
    } catch (error) {
      if (!(error instanceof InvalidObjectUrlError)) throw error;
      res.writeHead(403, { 'content-type': 'text/plain' }).end(`${error.message}\n`);
      return;
    }
    let opened;
    try {
      opened = await this.options.source.open({ bucket: signed.bucket, key: signed.key, etag: signed.etag });
    } catch (error) {
      if (!(error instanceof ObjectNotFoundError)) throw error;
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`${error.message}\n`);
      return;
    }
    res.writeHead(200, {
      'content-type': opened.info.contentType,
      'content-length': String(opened.info.size),
      etag: `"${opened.info.etag ?? signed.etag}"`,
    });
    if (req.method === 'HEAD') {
      opened.stream.destroy();
      res.end();
      return;
    }
    await pipeline(opened.stream, res);
  }
}
