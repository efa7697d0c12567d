import { describe, expect, it } from '@jest/globals';
import {
  costPerMillionFiles,
  jobWriteUnits,
  lambdaGbSeconds,
  lookupReadUnitsFor,
  listRequestsFor,
  PRICES,
  rateLimiterWritesPerFile,
  writeUnitsFor,
  type UsagePerFile,
} from './cost-model.js';

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

  it('bills a write per started KB of the whole item (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html)', () => {
    // Act and assess: a job with a delivery log entry is over 1 KB
    expect(writeUnitsFor(0)).toBe(1);
    expect(writeUnitsFor(1024)).toBe(1);
    expect(writeUnitsFor(1233)).toBe(2);
  });

  it('bills a SUCCEEDED job its item only, and a job that needs attention its index entry too (a sparse index)', () => {
    // Act and assess: the compressed job of the bench's success path, and the same job retrying
    expect(jobWriteUnits(788, 'SUCCEEDED')).toBe(1);
    expect(jobWriteUnits(788, 'RETRYING')).toBe(2);
    expect(jobWriteUnits(1812, 'SUCCEEDED')).toBe(2);
    expect(jobWriteUnits(1812, 'FAILED')).toBe(4);
  });

  it('bills a listed object version one strongly consistent read to look up its job', () => {
    // Act and assess: 1,000 objects, ten BatchGetItem calls of 100 items under 4 KB
    expect(lookupReadUnitsFor(1000)).toBe(1000);
  });

  it('counts the rate limiter’s slot acquisitions per file as docs/admission-control.md does', () => {
    // Act: a batch of 10 at 50 calls/s, slots worth 50/11 permits
    const writes = rateLimiterWritesPerFile(10, 50, 11);

    // Assess: 3 acquisitions per batch
    expect(writes).toBeCloseTo(0.3, 6);
  });

  it('lists a million objects in a thousand ListObjectVersions pages, $0.005 (https://aws.amazon.com/s3/pricing/)', () => {
    // Act
    const requests = listRequestsFor(1e6);

    // Assess
    expect(requests).toBe(1000);
    expect(requests * PRICES.s3ListRequest.usdPerUnit).toBeCloseTo(0.005, 9);
  });
});
