/**
 * Stands in for `@smithy/core/event-streams` in the Lambda bundles only (an esbuild alias in the
 * stack's `BUNDLING`): about 20 KiB of each bundle for operations that stream events (S3
 * SelectObjectContent, Bedrock, Transcribe…), which b2a never calls. The SDK loads that module
 * lazily for such an operation, and S3's client wires a marshaller at construction: this keeps the
 * names they import, and the marshaller fails if anything ever uses it. The CLI and the local
 * runtime import the real module.
 */
import { B2aError } from '../core/errors.js';

/** An operation that streams events ran in a Lambda bundle, which leaves event streams out. */
export class EventStreamsNotBundledError extends B2aError {
  public override name = 'EventStreamsNotBundledError';
}

function notBundled(): never {
  throw new EventStreamsNotBundledError(
    'event streams are not in the Lambda bundles (LAMBDA_ALIASES): no b2a operation streams events',
  );
}

/** What the SDK calls to (de)serialize an event stream: fails. */
export interface UnbundledMarshaller {
  readonly serialize: () => never;
  readonly deserialize: () => never;
}

/** The event stream (de)serializer of the SDK's protocols, loaded for event-stream operations only: fails. */
export class EventStreamSerde {
  public constructor() {
    notBundled();
  }

  /** Never reached: the constructor fails. */
  public deserializeEventStream(): never {
    return notBundled();
  }
}

/** The marshaller a client with event-stream operations (S3) creates at construction. */
export function eventStreamSerdeProvider(): UnbundledMarshaller {
  return { serialize: notBundled, deserialize: notBundled };
}

/** The client config step that creates the marshaller, as the SDK's own does. */
export function resolveEventStreamSerdeConfig<T extends { eventStreamSerdeProvider: (config: T) => unknown }>(
  input: T,
): T & { readonly eventStreamMarshaller: unknown } {
  return Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
}
