import { describe, expect, it } from '@jest/globals';
import { Stack } from 'aws-cdk-lib';
import { objectKeyPattern } from '../../../infra/constructs/object-key-filter.js';

/** Matchers are tokens until a stack resolves them into the rule's JSON. */
const resolved = (filters: { prefix: string; suffix: string }): unknown =>
  new Stack().resolve(objectKeyPattern(filters));

describe('Function: objectKeyPattern', () => {
  it('matches every key when there is no filter', () => {
    // Act
    const pattern = resolved({ prefix: '', suffix: '' });

    // Assess
    expect(pattern).toEqual({});
  });

  it.each([
    [{ prefix: 'in/', suffix: '' }, [{ prefix: 'in/' }]],
    [{ prefix: '', suffix: '.csv' }, [{ suffix: '.csv' }]],
    [{ prefix: 'in/', suffix: '.csv' }, [{ wildcard: 'in/*.csv' }]],
  ])('turns %j into one key matcher', (filters, key) => {
    // Act
    const pattern = resolved(filters);

    // Assess
    expect(pattern).toEqual({ object: { key } });
  });

  it('escapes wildcard characters in a prefix and suffix', () => {
    // Act
    const pattern = resolved({ prefix: 'a*b\\', suffix: '*.txt' });

    // Assess
    expect(pattern).toEqual({ object: { key: [{ wildcard: 'a\\*b\\\\*\\*.txt' }] } });
  });
});
