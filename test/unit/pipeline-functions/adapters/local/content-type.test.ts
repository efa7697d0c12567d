import { describe, expect, it } from '@jest/globals';
import { contentTypeOf } from '../../../../../pipeline-functions/adapters/local/content-type.js';

describe('Function: contentTypeOf', () => {
  it('maps known extensions case-insensitively and falls back to octet-stream', () => {
    // Act & Assess
    expect(contentTypeOf('in/report.CSV')).toBe('text/csv; charset=utf-8');
    expect(contentTypeOf('a.json')).toBe('application/json');
    expect(contentTypeOf('no-extension')).toBe('application/octet-stream');
    expect(contentTypeOf('dir.json/.hidden')).toBe('application/octet-stream');
    expect(contentTypeOf('x.unknownext')).toBe('application/octet-stream');
  });
});
