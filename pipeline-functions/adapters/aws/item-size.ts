/**
 * The size DynamoDB gives an item or an attribute value, per "Item sizes and formats"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * attribute names plus values; strings in UTF-8 bytes; numbers about one byte per two significant
 * digits plus one; binaries their raw bytes; lists and maps 3 bytes plus 1 per element. Write units
 * are billed per started KB of it, and an item may hold 400 KB.
 */
import { UnsizableValueError } from './errors.js';

/**
 * The bytes of an item (or of a map's entries): names plus values.
 * @example itemBytes({ pk: 'abc', n: 12345 }) // 5 + 5
 */
export function itemBytes(item: Readonly<Record<string, unknown>>): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    if (value !== undefined) bytes += Buffer.byteLength(name) + valueBytes(value);
  }
  return bytes;
}

/**
 * The bytes of one attribute value, its name not included.
 * @throws UnsizableValueError for a value DynamoDB cannot store
 */
export function valueBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/[.e+-]/g, '')
      .replace(/^0+/, '').length;
    return Math.ceil(Math.max(1, digits) / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (Array.isArray(value)) return 3 + value.reduce((total: number, v) => total + 1 + valueBytes(v), 0);
  if (value instanceof Uint8Array) return value.byteLength;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return 3 + entries.length + itemBytes(Object.fromEntries(entries));
  }
  throw new UnsizableValueError(`DynamoDB has no type for a ${typeof value}`);
}
