/**
 * The stub API's process (see api-stub.ts): `node --import tsx api-stub-process.ts <latencyMs>`.
 * Talks to its parent over the IPC channel and exits when the channel closes.
 */
import { startHttpStub } from '../support/http-stub.js';
import { FAIL_ONCE_MARK, type StubCommand, type StubReply } from './api-stub.js';

const latencyMs = Number(process.argv[2]);
let calls = 0;
let inFlight = 0;
let maxInFlight = 0;

const stub = await startHttpStub(async (request) => {
  calls++;
  inFlight++;
  maxInFlight = Math.max(maxInFlight, inFlight);
  try {
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
  } finally {
    inFlight--;
  }
  const key = decodeURIComponent(String(request.headers['b2a-key'] ?? ''));
  if (key.includes(FAIL_ONCE_MARK) && request.headers['b2a-attempt'] === '1') {
    return { status: 503, body: 'busy, try again' };
  }
  return { status: 200, headers: { 'content-type': 'application/json' }, body: '{"accepted":true}' };
});

const reply = (message: StubReply): void => {
  process.send?.(message);
};

process.on('message', (message: StubCommand) => {
  // The stub keeps every request for tests; a benchmark only needs the counters.
  stub.requests.length = 0;
  if (message.type === 'stats') reply({ type: 'stats', calls, maxInFlight, inFlight });
  if (message.type === 'reset') {
    calls = 0;
    maxInFlight = inFlight;
    reply({ type: 'reset' });
  }
});

process.once('disconnect', () => {
  void stub.close().finally(() => process.exit(0));
});

reply({ type: 'ready', url: stub.url });
