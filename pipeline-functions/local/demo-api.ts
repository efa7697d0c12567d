/**
 * The built-in demo API: what `b2a local up` calls when no API URL is given. It accepts every
 * delivery, logs it, and honours Idempotency-Key: a key it already accepted is answered as a replay
 * (`Idempotent-Replayed: true`) and not counted again. A reference payload (a large object) is
 * fetched from its presigned URL, as a real API would. `GET /deliveries` lists what it accepted.
 *
 * With `scenarios` on (the demo tour), keys tell it to misbehave: a key containing `reject` is
 * answered 422 (the job FAILS), one containing `flaky` 503 with Retry-After on its first attempt
 * (the job RETRIES, then succeeds).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { appendJsonLine, readJsonLines, repairJournal } from '../adapters/local/files.js';
import type { ObjectReferencePayload } from '../core/use-cases/deliver-object.js';
import { systemClock, type Clock } from '../core/ports.js';
import { LocalRuntimeError } from './errors.js';
import { describeError, type RuntimeLog } from './log.js';
import { closeServer, listenOnLoopback, type Service } from './service.js';

/** One delivery the demo API accepted. */
export interface DemoDelivery {
  readonly at: string;
  readonly idempotencyKey: string;
  readonly bucket: string;
  readonly key: string;
  readonly attempt: number;
  readonly payload: 'content' | 'reference';
  readonly contentType: string;
  /** Bytes of the object (fetched, for a reference). */
  readonly bytes: number;
  readonly sha256: string;
}

/** Options of {@link DemoApi}. */
export interface DemoApiOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** JSON lines of accepted deliveries, kept across restarts so replays stay replays. */
  readonly logFile: string;
  readonly log: RuntimeLog;
  /** Misbehave for keys containing `reject` or `flaky` (the demo tour). @default false */
  readonly scenarios?: boolean;
  /** @default systemClock */
  readonly clock?: Clock;
}

/** The path deliveries are posted to. */
export const DEMO_API_PATH = '/deliveries';

type Answer = { readonly status: number; readonly body: unknown; readonly headers?: Record<string, string> };

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The demo API as a runtime service. */
export class DemoApi implements Service {
  public readonly name = 'demo-api';
  private server: Server | undefined;
  private baseUrl: string | undefined;
  private readonly clock: Clock;
  private readonly accepted = new Map<string, DemoDelivery>();
  /** Calls in progress by key: a concurrent duplicate waits for the first instead of racing it. */
  private readonly inProgress = new Map<string, Promise<Answer>>();

  public constructor(private readonly options: DemoApiOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** The URL deliveries go to, e.g. `http://127.0.0.1:4321/deliveries`. */
  public get url(): string {
    if (!this.baseUrl) throw new LocalRuntimeError('the demo API is not started');
    return `${this.baseUrl}${DEMO_API_PATH}`;
  }

  /** Deliveries accepted (replays not counted), oldest first. */
  public deliveries(): DemoDelivery[] {
    return [...this.accepted.values()];
  }

  public async start(): Promise<void> {
    await repairJournal(this.options.logFile);
    const lines = await readJsonLines(this.options.logFile, (n) =>
      this.options.log.warn(
        'demo-api',
        `${this.options.logFile}: line ${n} is torn (a crash mid-write), left out`,
      ),
    );
    for (const delivery of lines as DemoDelivery[]) this.accepted.set(delivery.idempotencyKey, delivery);
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.log.error('demo-api', `${req.method} ${req.url} failed: ${describeError(error)}`);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: describeError(error) }));
      });
    });
    this.baseUrl = await listenOnLoopback(
      server,
      this.options.port,
      'the demo API',
      '--demo-api-port or local.ports.demoApi',
    );
    this.server = server;
  }

  public async stop(): Promise<void> {
    if (this.server) await closeServer(this.server);
    this.server = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    let answer: Answer;
    if (req.method === 'GET' && req.url === DEMO_API_PATH) {
      answer = { status: 200, body: this.deliveries() };
    } else if (req.method === 'POST' || req.method === 'PUT') {
      answer = await this.deliver(req, body);
    } else {
      answer = { status: 405, body: { error: 'POST or PUT a delivery, or GET /deliveries' } };
    }
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(JSON.stringify(answer.body));
  }

  private async deliver(req: IncomingMessage, body: Buffer): Promise<Answer> {
    const key = header(req, 'idempotency-key');
    if (!key) return { status: 400, body: { error: 'the Idempotency-Key header is missing' } };
    // A concurrent duplicate waits for the first call's outcome (that call reports its own failure).
    await this.inProgress.get(key)?.then(
      () => undefined,
      () => undefined,
    );
    const known = this.accepted.get(key);
    if (known) {
      this.options.log.debug(
        'demo-api',
        `demo API: replay of ${known.bucket}/${known.key} (already accepted)`,
      );
      return {
        status: 200,
        body: { status: 'replay', accepted: known },
        headers: { 'idempotent-replayed': 'true' },
      };
    }
    const call = this.accept(req, key, body);
    this.inProgress.set(key, call);
    try {
      return await call;
    } finally {
      this.inProgress.delete(key);
    }
  }

  private async accept(req: IncomingMessage, idempotencyKey: string, body: Buffer): Promise<Answer> {
    const bucket = header(req, 'b2a-bucket') ?? '';
    let key: string;
    try {
      key = decodeURIComponent(header(req, 'b2a-key') ?? '');
    } catch {
      return { status: 400, body: { error: 'the B2a-Key header is not valid percent-encoding' } };
    }
    const attempt = Number(header(req, 'b2a-attempt') ?? '1');
    if (this.options.scenarios) {
      const scenario = this.scenario(key, attempt);
      if (scenario) return scenario;
    }
    let contentType = header(req, 'content-type') ?? 'application/octet-stream';
    const payload = header(req, 'b2a-payload') === 'reference' ? 'reference' : 'content';
    let bytes = body;
    if (payload === 'reference') {
      const fetched = await this.fetchReference(body);
      if ('status' in fetched) return fetched;
      ({ bytes, contentType } = fetched);
    }
    const delivery: DemoDelivery = {
      at: this.clock.now().toISOString(),
      idempotencyKey,
      bucket,
      key,
      attempt,
      payload,
      contentType,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    await appendJsonLine(this.options.logFile, delivery);
    this.accepted.set(idempotencyKey, delivery);
    this.options.log.info(
      'demo-api',
      `demo API accepted ${bucket}/${key} (${delivery.bytes} bytes, ${payload}, attempt ${attempt})`,
      { key, bytes: delivery.bytes, payload },
    );
    return { status: 201, body: { status: 'accepted', deliveries: this.accepted.size } };
  }

  private scenario(key: string, attempt: number): Answer | undefined {
    const name = key.slice(key.lastIndexOf('/') + 1).toLowerCase();
    if (name.includes('reject')) {
      return { status: 422, body: { error: 'rejected by the demo API ("reject" in the file name)' } };
    }
    if (name.includes('flaky') && attempt === 1) {
      return {
        status: 503,
        body: { error: 'the demo API is flaky on first attempts ("flaky" in the file name)' },
        headers: { 'retry-after': '1' },
      };
    }
    return undefined;
  }

  /** Fetches a reference payload's presigned URL (loopback only: the demo API never leaves the machine). */
  private async fetchReference(
    body: Buffer,
  ): Promise<{ readonly bytes: Buffer; readonly contentType: string } | Answer> {
    let reference: ObjectReferencePayload;
    try {
      reference = JSON.parse(body.toString('utf8')) as ObjectReferencePayload;
    } catch {
      return { status: 400, body: { error: 'a reference payload must be JSON' } };
    }
    let url: URL;
    try {
      url = new URL(reference.url);
    } catch {
      return { status: 400, body: { error: 'the reference has no valid url' } };
    }
    if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
      return { status: 422, body: { error: `the demo API only fetches loopback URLs, not ${url.host}` } };
    }
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      return { status: 502, body: { error: `cannot fetch the reference: ${describeError(error)}` } };
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (!response.ok) {
      // The object server says 403/404 for an expired URL or a version that is gone: retrying will not help.
      const status = response.status < 500 ? 422 : 502;
      return {
        status,
        body: {
          error: `fetching the reference answered ${response.status}: ${bytes.toString('utf8').trim()}`,
        },
      };
    }
    if (bytes.byteLength !== reference.size) {
      return {
        status: 422,
        body: { error: `the reference said ${reference.size} bytes, the URL gave ${bytes.byteLength}` },
      };
    }
    return { bytes, contentType: reference.contentType };
  }
}
