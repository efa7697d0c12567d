/**
 * A jobs table in memory, behind the mocked DynamoDB document client of the cost section: it answers
 * the adapter's GetItem, BatchGetItem and conditional UpdateItem as DynamoDB would, and adds up the read and write
 * request units DynamoDB would bill, index writes included.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type {
  BatchGetCommandInput,
  BatchGetCommandOutput,
  GetCommandInput,
  GetCommandOutput,
  UpdateCommandInput,
  UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { itemBytes } from '../../pipeline-functions/adapters/aws/item-size.js';
import { JOBS_TABLE } from '../../pipeline-functions/adapters/aws/jobs-table.js';
import { isNewerThan, type Job } from '../../pipeline-functions/core/model.js';
import { writeUnitsFor } from './cost-model.js';
import { BenchError } from './errors.js';

type Item = Record<string, unknown>;

const strongReadUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 4096));

/** Request units billed so far. */
export interface ConsumedCapacity {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Writes to the status index (DynamoDB bills them as write units too). */
  readonly indexWriteUnits: number;
}

/** Options of {@link FakeJobsTable}. */
export interface FakeJobsTableOptions {
  /** Whether the table has b2a's status index (the naive design's table has none). */
  readonly statusIndex: boolean;
}

/** The in-memory table. */
export class FakeJobsTable {
  private readonly items = new Map<string, Item>();
  private consumed = { readUnits: 0, writeUnits: 0, indexWriteUnits: 0 };

  public constructor(private readonly options: FakeJobsTableOptions) {}

  public get capacity(): ConsumedCapacity {
    return { ...this.consumed };
  }

  /** The mean size of the items stored, in bytes. */
  public meanItemBytes(): number {
    const sizes = [...this.items.values()].map(itemBytes);
    return sizes.length === 0 ? 0 : sizes.reduce((a, b) => a + b, 0) / sizes.length;
  }

  /** Jobs in a status (what a periodic scan would find). */
  public itemsWithStatus(status: string): Item[] {
    return [...this.items.values()].filter((item) => item['status'] === status);
  }

  public get(input: GetCommandInput): GetCommandOutput {
    return { Item: this.readItem(input.Key, input.ConsistentRead === true), $metadata: {} };
  }

  /**
   * Answers every key at once (nothing unprocessed), billed as DynamoDB bills it: each key as its own
   * GetItem, each item rounded up to 4 KB, half for an eventually consistent read
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
   */
  public batchGet(input: BatchGetCommandInput): BatchGetCommandOutput {
    const Responses: Record<string, Item[]> = {};
    for (const [table, { Keys = [], ConsistentRead }] of Object.entries(input.RequestItems ?? {})) {
      Responses[table] = Keys.flatMap((key): Item[] => {
        const item = this.readItem(key, ConsistentRead === true);
        return item ? [item] : [];
      });
    }
    return { Responses, UnprocessedKeys: {}, $metadata: {} };
  }

  private readItem(key: Item | undefined, consistent: boolean): Item | undefined {
    const item = this.items.get(keyOf(key));
    // A read of a missing item still costs the minimum; an eventually consistent read costs half.
    const units = strongReadUnits(item ? itemBytes(item) : 0);
    this.consumed.readUnits += consistent ? units : units / 2;
    return item ? structuredClone(item) : undefined;
  }

  /**
   * Applies the adapter's UpdateItem: the condition is core `isNewerThan` (which the adapter's
   * ConditionExpression states), the update expression is interpreted clause by clause.
   * @throws ConditionalCheckFailedException when the update is stale, as DynamoDB does
   */
  public update(input: UpdateCommandInput): UpdateCommandOutput {
    const key = keyOf(input.Key);
    const before = this.items.get(key);
    const values = input.ExpressionAttributeValues ?? {};
    const names = input.ExpressionAttributeNames ?? {};
    const runId = values[':runId'];
    const startedAt = values[':runStartedAt'];
    const attempt = values[':attempt'];
    if (typeof runId !== 'string' || typeof startedAt !== 'string' || typeof attempt !== 'number') {
      throw new BenchError(
        'the adapter’s UpdateItem no longer names :runId, :runStartedAt and :attempt: update the fake table',
      );
    }
    const deferral = values[':deferral'];
    const position = typeof deferral === 'number' ? deferral : 0;
    if (!isNewerThan(before as unknown as Job | undefined, { id: runId, startedAt }, attempt, position)) {
      // A failed condition still bills the write, at the size of the item that is there.
      this.consumed.writeUnits += writeUnitsFor(before ? itemBytes(before) : 0);
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    const after: Item = structuredClone(before ?? { ...(input.Key as Item) });
    applyUpdateExpression(after, input.UpdateExpression ?? '', names, values);
    this.items.set(key, after);
    const oldBytes = before ? itemBytes(before) : 0;
    const newBytes = itemBytes(after);
    this.consumed.writeUnits += writeUnitsFor(Math.max(oldBytes, newBytes));
    if (this.options.statusIndex)
      this.consumed.indexWriteUnits += indexWrites(before, after, oldBytes, newBytes);
    return { Attributes: structuredClone(after), $metadata: {} };
  }
}

/**
 * Writes to the status index (all attributes projected): a new index entry is one write, a changed
 * index key is a delete and a put, an unchanged key with changed attributes is one write. The index
 * is sparse: an item without the key attribute (a SUCCEEDED job) has no entry, and removing the
 * attribute is one delete.
 */
function indexWrites(before: Item | undefined, after: Item, oldBytes: number, newBytes: number): number {
  const { statusIndexPartitionKey: pk, statusIndexSortKey: sk } = JOBS_TABLE;
  const inIndex = (item: Item | undefined): boolean => item?.[pk] !== undefined && item[sk] !== undefined;
  if (!inIndex(after)) return inIndex(before) ? writeUnitsFor(oldBytes) : 0;
  if (!inIndex(before)) return writeUnitsFor(newBytes);
  const keyChanged = before?.[pk] !== after[pk] || before?.[sk] !== after[sk];
  return keyChanged
    ? writeUnitsFor(oldBytes) + writeUnitsFor(newBytes)
    : writeUnitsFor(Math.max(oldBytes, newBytes));
}

function keyOf(key: Item | undefined): string {
  if (!key) throw new BenchError('a DynamoDB call without a Key');
  return `${String(key[JOBS_TABLE.partitionKey])}\u0000${String(key[JOBS_TABLE.sortKey])}`;
}

/**
 * The clause forms the adapter writes: `#a = :v`, `#a = list_append(if_not_exists(#a, :e), :v)`,
 * `#a = if_not_exists(#a, :z) + :v`, `#a = if_not_exists(#a, :v)`, and `REMOVE #a, #b`.
 * @throws BenchError on any other form, so that a changed adapter fails loudly instead of being mis-billed
 */
function applyUpdateExpression(
  item: Item,
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
): void {
  const match = /^SET (.+?)(?: REMOVE (.+))?$/.exec(expression.trim());
  if (!match?.[1]) throw new BenchError(`unexpected update expression: ${expression.slice(0, 120)}`);
  const name = (token: string): string => names[token] ?? token;
  const value = (token: string): unknown => {
    if (!(token in values)) throw new BenchError(`update expression names ${token} without a value`);
    return values[token];
  };
  for (const clause of splitTopLevel(match[1])) {
    let m: RegExpExecArray | null;
    if ((m = /^(#\w+) = (:\w+)$/.exec(clause))) {
      item[name(m[1] as string)] = value(m[2] as string);
    } else if ((m = /^(#\w+) = list_append\(if_not_exists\(\1, (:\w+)\), (:\w+)\)$/.exec(clause))) {
      const current = (item[name(m[1] as string)] ?? value(m[2] as string)) as unknown[];
      item[name(m[1] as string)] = [...current, ...(value(m[3] as string) as unknown[])];
    } else if ((m = /^(#\w+) = if_not_exists\(\1, (:\w+)\) \+ (:\w+)$/.exec(clause))) {
      const current = (item[name(m[1] as string)] ?? value(m[2] as string)) as number;
      item[name(m[1] as string)] = current + (value(m[3] as string) as number);
    } else if ((m = /^(#\w+) = if_not_exists\(\1, (:\w+)\)$/.exec(clause))) {
      item[name(m[1] as string)] ??= value(m[2] as string);
    } else {
      throw new BenchError(`unexpected update clause: ${clause}`);
    }
  }
  for (const token of match[2]?.split(',').map((t) => t.trim()) ?? [])
    Reflect.deleteProperty(item, name(token));
}

/** Splits `a, f(b, c), d` at the commas outside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
