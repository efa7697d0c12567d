/** A loopback stand-in for the SSM API (JSON 1.1 protocol), enough for discovery and the flag. */
import { startHttpStub, type HttpStub, type StubResponse } from '../../../support/http-stub.js';

/** What the stub answers for one SSM operation, by the request's body. */
export type SsmAnswer = (operation: string, body: Record<string, unknown>) => StubResponse | undefined;

/** An SSM success. */
export const ok = (body: unknown): StubResponse => ({
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify(body),
});

/** An SSM error, as AWS sends it (`__type` names the error). */
export const fail = (type: string, message: string, status = 400): StubResponse => ({
  status,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: JSON.stringify({ __type: type, message }),
});

/** Starts the stub; operations `answer` leaves out get a 400 `ValidationException`. */
export async function startSsmStub(answer: SsmAnswer): Promise<HttpStub> {
  return startHttpStub((request) => {
    const operation = String(request.headers['x-amz-target'] ?? '').replace('AmazonSSM.', '');
    const body = JSON.parse(request.body.toString('utf8') || '{}') as Record<string, unknown>;
    return answer(operation, body) ?? fail('ValidationException', `the stub does not answer ${operation}`);
  });
}
