import { describe, expect, it } from '@jest/globals';
import { costPerMillionFiles, lambdaGbSeconds, PRICES, type UsagePerFile } from './cost-model.js';

const nothing = Object.fromEntries(Object.keys(PRICES).map((kind) => [kind, 0])) as UsagePerFile;

describe('Module: cost-model', () => {
  it('prices usage per file as USD per million files', () => {
    // Act
    const cost = costPerMillionFiles({ ...nothing, s3GetRequest: 1, dynamodbWriteUnit: 2 });

    // Assess
    expect(cost.byKind.s3GetRequest).toBeCloseTo(0.4, 6);
    expect(cost.byKind.dynamodbWriteUnit).toBeCloseTo(1.25, 6);
    expect(cost.total).toBeCloseTo(1.65, 6);
  });

  it('bills Lambda by the millisecond rounded up, times the memory in GB', () => {
    // Act
    const gbSeconds = lambdaGbSeconds([99.2, 0.4], 512);

    // Assess: (100 + 1) ms × 0.5 GB
    expect(gbSeconds).toBeCloseTo(0.0505, 6);
  });
});
