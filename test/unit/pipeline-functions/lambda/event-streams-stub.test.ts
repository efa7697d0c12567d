import { describe, expect, it } from '@jest/globals';
import {
  EventStreamSerde,
  EventStreamsNotBundledError,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../../../pipeline-functions/lambda/event-streams-stub.js';

describe('Module: lambda/event-streams-stub', () => {
  it('lets a client wire its marshaller at construction, as the SDK config step does', () => {
    // Act
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider, region: 'eu-west-1' });

    // Assess
    expect(config.region).toBe('eu-west-1');
    expect(config.eventStreamMarshaller).toEqual({
      serialize: expect.any(Function),
      deserialize: expect.any(Function),
    });
  });

  it('fails with a typed error naming the aliases if an event-stream operation ever runs', () => {
    // Prepare
    const marshaller = eventStreamSerdeProvider();

    // Act and assess
    expect(() => new EventStreamSerde()).toThrow(EventStreamsNotBundledError);
    expect(() => marshaller.serialize()).toThrow(/LAMBDA_ALIASES/);
    expect(() => marshaller.deserialize()).toThrow(EventStreamsNotBundledError);
  });
});
