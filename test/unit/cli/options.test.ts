import { describe, expect, it } from '@jest/globals';
import { InvalidArgumentError } from 'commander';
import {
  parseDuration,
  parseDurationText,
  parsePositiveInt,
  parseStatuses,
  sinceTime,
} from '../../../cli/options.js';

describe('Function: parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['7d', 604_800_000],
    ['1w', 604_800_000],
    ['2H', 7_200_000],
    ['30', 30_000],
  ])('reads %s', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each(['', '0m', '0', 'm', '1.5h', '-2h', '2 hours'])('rejects %j', (value) => {
    expect(() => parseDuration(value)).toThrow(InvalidArgumentError);
  });
});

describe('Function: parseDurationText', () => {
  it('keeps a valid duration as written, and refuses an invalid one', () => {
    expect(parseDurationText('15m')).toBe('15m');
    expect(() => parseDurationText('soon')).toThrow(InvalidArgumentError);
  });
});

describe('Function: sinceTime', () => {
  const now = new Date('2026-11-21T12:00:00.000Z');

  it('counts a duration back from now', () => {
    expect(sinceTime('2h', now)).toBe('2026-11-21T10:00:00.000Z');
  });

  it('accepts an ISO time as it is', () => {
    expect(sinceTime('2026-11-20T08:30:00Z', now)).toBe('2026-11-20T08:30:00.000Z');
  });

  it('rejects an invalid date', () => {
    expect(() => sinceTime('2026-13-45', now)).toThrow(/not a valid time/);
  });
});

describe('Function: parseStatuses', () => {
  it('reads one or several statuses in any case', () => {
    expect(parseStatuses('failed')).toEqual(['FAILED']);
    expect(parseStatuses('Retrying, FAILED,failed')).toEqual(['RETRYING', 'FAILED']);
  });

  it('names the valid statuses when one is wrong', () => {
    expect(() => parseStatuses('DONE')).toThrow('use SUCCEEDED, RETRYING, FAILED, SKIPPED');
  });
});

describe('Function: parsePositiveInt', () => {
  it('reads whole numbers from 1 up', () => {
    expect(parsePositiveInt('50')).toBe(50);
    expect(() => parsePositiveInt('0')).toThrow(InvalidArgumentError);
    expect(() => parsePositiveInt('2.5')).toThrow(InvalidArgumentError);
    expect(() => parsePositiveInt('ten')).toThrow(InvalidArgumentError);
  });
});
