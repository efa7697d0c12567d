import { describe, expect, it } from '@jest/globals';
import { parsePipelineConfig } from '../../../../pipeline-functions/core/config.js';
import { ConfigError } from '../../../../pipeline-functions/core/errors.js';
import {
  readShippedConfig,
  shipPipelineConfig,
  SHIPPED_CONFIG_STAMP,
  SHIPPED_CONFIG_VERSION,
} from '../../../../pipeline-functions/core/shipped-config.js';

const validated = parsePipelineConfig({
  environment: 'prod',
  api: { url: 'https://api.example.com/in', auth: { type: 'secret', secretId: 'b2a/prod/api' } },
  retry: { maxAttempts: 3 },
});

/** The shipped JSON with one change made to it, as someone editing the variable in the console would. */
function edited(change: (shipped: Record<string, unknown>) => void): string {
  const shipped = JSON.parse(shipPipelineConfig(validated)) as Record<string, unknown>;
  change(shipped);
  return JSON.stringify(shipped);
}

describe('Function: readShippedConfig', () => {
  it('reads back exactly the configuration the stack validated', () => {
    // Act
    const config = readShippedConfig(shipPipelineConfig(validated), 'B2A_CONFIG');

    // Assess
    expect(config).toEqual(validated);
    expect(config).not.toHaveProperty(SHIPPED_CONFIG_STAMP);
  });

  it.each([
    ['text that is not JSON', '{api:', 'is not JSON'],
    ['JSON without the stamp', JSON.stringify(validated), 'deploy the stack again'],
    [
      'another version of the format',
      edited((c) => (c[SHIPPED_CONFIG_STAMP] = SHIPPED_CONFIG_VERSION + 1)),
      'deploy the stack again',
    ],
    ['a missing section', edited((c) => delete c['retry']), 'retry must be an object, not undefined'],
    [
      'a field of the wrong type',
      edited((c) => ((c['api'] as Record<string, unknown>)['timeoutMs'] = '10s')),
      'api.timeoutMs must be a number, not string',
    ],
  ])('fails on %s, naming the variable', (_, json, message) => {
    // Act
    const read = () => readShippedConfig(json, 'B2A_CONFIG');

    // Assess
    expect(read).toThrow(ConfigError);
    expect(read).toThrow(/^B2A_CONFIG: /);
    expect(read).toThrow(message);
  });
});
