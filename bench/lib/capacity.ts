/**
 * DynamoDB on-demand request units, computed from the requests the store really sends.
 *
 * dynalite answers every call but reports no index write units, so this meter sits on the SDK
 * client as middleware, keeps a shadow copy of every item it saw written (keyed by table key)
 * and prices each write the way DynamoDB's documentation describes:
 *   - a table write costs one WRU per started 1 KB of the larger of the old and new item;
 *   - each global secondary index costs one WRU per started 1 KB of the projected entry it
 *     writes: a new entry is one put, a removed entry one delete, a changed index key a delete
 *     and a put, and nothing at all when neither the index key nor a projected attribute changed;
 *   - a write rejected by its condition still pays the table write;
 *   - a strongly consistent read costs one RRU per started 4 KB per item (GetItem, BatchGetItem),
 *     a Query one per started 4 KB of everything it returned, half of that when eventually
 *     consistent (every index read).
 * Item size follows the documented rule: attribute name bytes plus value bytes (strings as
 * UTF-8, numbers about one byte per two digits plus one, binary as is).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { keyPrefix, type TableIndex, tableIndexes, tableKeys } from '../../shared/store/table';

type Item = Record<string, AttributeValue>;

export interface CapacityTotals {
  /** Write units by where they were spent: `table` or an index name. */
  wru: Record<string, number>;
  rru: number;
  /** Puts whose new item was byte-for-byte the item already stored. */
  unchangedWrites: number;
  /**
   * Conditional puts whose condition failed, by entity: they change nothing and still cost the
   * write units of the stored item (charged in `wru` like any put).
   */
  failedConditionalWrites: Record<string, number>;
  /** Bytes of every item written to the table, to report typical sizes. */
  itemBytesWritten: Record<string, { count: number; bytes: number }>;
  /** Write units by entity (`interview`, `event`…) and where they were spent. */
  wruByEntity: Record<string, Record<string, number>>;
  /** Write requests by entity (puts, conditional puts that failed, deletes). */
  writesByEntity: Record<string, number>;
  /** The largest item written of each entity: its size and each attribute's share (name + value). */
  largestItem: Record<string, { bytes: number; attributes: Record<string, number> }>;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S, 'utf8');
  if (value.N !== undefined) {
    const digits = value.N.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
    return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
  }
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.L !== undefined) return 3 + value.L.reduce((sum, v) => sum + 1 + valueSize(v), 0);
  if (value.M !== undefined) return 3 + itemSize(value.M) + Object.keys(value.M).length;
  if (value.SS !== undefined) return value.SS.reduce((s, v) => s + Buffer.byteLength(v), 0);
  if (value.NS !== undefined) return value.NS.reduce((s, v) => s + v.length, 0);
  return 0;
}

/** DynamoDB's item size in bytes. */
export function itemSize(item: Item): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name, 'utf8') + valueSize(value);
  }
  return size;
}

/** Each attribute's share of the item size (name bytes plus value bytes), largest first. */
function attributeSizes(item: Item): Record<string, number> {
  return Object.fromEntries(
    Object.entries(item)
      .map(([name, value]) => [name, Buffer.byteLength(name, 'utf8') + valueSize(value)] as const)
      .sort((a, b) => b[1] - a[1]),
  );
}

const kb = (bytes: number, unit: number) => Math.max(1, Math.ceil(bytes / unit));

/**
 * The kind of item (its `entity` attribute), to report write units by entity. Interview items
 * no longer store one: their sort key names them.
 */
function entityOf(item: Item): string {
  if (item.entity?.S) return item.entity.S;
  return item[tableKeys.sortKey]?.S?.startsWith(keyPrefix.interview) ? 'interview' : 'other';
}

function keyOf(item: Item): string {
  return `${item[tableKeys.partitionKey]?.S}\u0000${item[tableKeys.sortKey]?.S}`;
}

/** The entry `item` has in `index`, or undefined when it is not in it (sparse). */
function indexEntry(item: Item | undefined, index: TableIndex): Item | undefined {
  if (!item?.[index.partitionKey] || !item[index.sortKey]) return undefined;
  if (index.projection === 'ALL') return item;
  const names = new Set([
    tableKeys.partitionKey,
    tableKeys.sortKey,
    index.partitionKey,
    index.sortKey,
    ...(index.projection === 'INCLUDE' ? (index.nonKeyAttributes ?? []) : []),
  ]);
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

const same = (a: Item | undefined, b: Item | undefined) =>
  JSON.stringify(a, sortedReplacer) === JSON.stringify(b, sortedReplacer);

function sortedReplacer(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array))
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
    );
  return value;
}

interface Middlewared {
  middlewareStack: {
    add(
      middleware: (
        next: (args: { input: unknown }) => Promise<{ output: unknown }>,
        context: { commandName?: string },
      ) => (args: { input: unknown }) => Promise<{ output: unknown }>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

export class CapacityMeter {
  readonly #shadow = new Map<string, Item>();
  totals: CapacityTotals = CapacityMeter.empty();
  readonly #indexes: readonly TableIndex[];

  constructor(indexes: readonly TableIndex[] = tableIndexes) {
    this.#indexes = indexes;
  }

  static empty(): CapacityTotals {
    return {
      wru: {},
      rru: 0,
      unchangedWrites: 0,
      failedConditionalWrites: {},
      itemBytesWritten: {},
      wruByEntity: {},
      writesByEntity: {},
      largestItem: {},
    };
  }

  /** Returns the totals since the last take and starts counting afresh (the shadow stays). */
  take(): CapacityTotals {
    const taken = this.totals;
    this.totals = CapacityMeter.empty();
    return taken;
  }

  #charge(where: string, units: number, entity: string): void {
    this.totals.wru[where] = (this.totals.wru[where] ?? 0) + units;
    const byEntity = this.totals.wruByEntity[entity] ?? {};
    this.totals.wruByEntity[entity] = byEntity;
    byEntity[where] = (byEntity[where] ?? 0) + units;
  }

  #countWrite(entity: string): void {
    this.totals.writesByEntity[entity] = (this.totals.writesByEntity[entity] ?? 0) + 1;
  }

  #put(next: Item, succeeded: boolean): void {
    const key = keyOf(next);
    const previous = this.#shadow.get(key);
    const size = itemSize(next);
    const entity = entityOf(next);
    this.#countWrite(entity);
    this.#charge('table', kb(Math.max(size, previous ? itemSize(previous) : 0), 1024), entity);
    if (!succeeded) {
      const failed = this.totals.failedConditionalWrites;
      failed[entity] = (failed[entity] ?? 0) + 1;
      return;
    }
    const sizes = this.totals.itemBytesWritten[entity] ?? { count: 0, bytes: 0 };
    this.totals.itemBytesWritten[entity] = sizes;
    sizes.count++;
    sizes.bytes += size;
    if (size > (this.totals.largestItem[entity]?.bytes ?? -1)) {
      this.totals.largestItem[entity] = { bytes: size, attributes: attributeSizes(next) };
    }
    if (previous && same(previous, next)) this.totals.unchangedWrites++;
    for (const index of this.#indexes) this.#indexWrite(index, previous, next, entity);
    this.#shadow.set(key, next);
  }

  #delete(key: Item): void {
    const previous = this.#shadow.get(keyOf(key));
    const entity = previous ? entityOf(previous) : 'other';
    this.#countWrite(entity);
    this.#charge('table', kb(previous ? itemSize(previous) : 0, 1024), entity);
    if (!previous) return;
    for (const index of this.#indexes) this.#indexWrite(index, previous, undefined, entity);
    this.#shadow.delete(keyOf(key));
  }

  #indexWrite(
    index: TableIndex,
    previous: Item | undefined,
    next: Item | undefined,
    entity: string,
  ): void {
    const before = indexEntry(previous, index);
    const after = indexEntry(next, index);
    if (!before && !after) return;
    const size = (entry: Item) => kb(itemSize(entry), 1024);
    if (before && after) {
      const keyChanged =
        before[index.partitionKey]?.S !== after[index.partitionKey]?.S ||
        before[index.sortKey]?.S !== after[index.sortKey]?.S;
      if (keyChanged) this.#charge(index.indexName, size(before) + size(after), entity);
      else if (!same(before, after))
        this.#charge(
          index.indexName,
          kb(Math.max(itemSize(before), itemSize(after)), 1024),
          entity,
        );
      return;
    }
    this.#charge(index.indexName, size((before ?? after) as Item), entity);
  }

  #read(items: readonly Item[], perItem: boolean, consistent: boolean): void {
    const factor = consistent ? 1 : 0.5;
    if (perItem) {
      for (const item of items) this.totals.rru += kb(itemSize(item), 4096) * factor;
    } else {
      const bytes = items.reduce((sum, item) => sum + itemSize(item), 0);
      this.totals.rru += kb(bytes, 4096) * factor;
    }
  }

  /** Adds the meter to a DynamoDB client. */
  attach(client: unknown): void {
    (client as Middlewared).middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context.commandName ?? '').replace(/Command$/, '');
        const input = args.input as Record<string, unknown>;
        let result: { output: unknown };
        try {
          result = await next(args);
        } catch (error) {
          if (name === 'PutItem' && (error as Error).name === 'ConditionalCheckFailedException') {
            this.#put(input.Item as Item, false);
          }
          throw error;
        }
        const output = result.output as Record<string, unknown>;
        this.#observe(name, input, output);
        return result;
      },
      { step: 'initialize', name: 'capacityMeter' },
    );
  }

  #observe(name: string, input: Record<string, unknown>, output: Record<string, unknown>): void {
    switch (name) {
      case 'PutItem':
        this.#put(input.Item as Item, true);
        break;
      case 'DeleteItem':
        this.#delete(input.Key as Item);
        break;
      case 'BatchWriteItem': {
        const requests = Object.values(
          input.RequestItems as Record<
            string,
            Array<{ PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }>
          >,
        ).flat();
        const unprocessed = new Set(
          Object.values(
            (output.UnprocessedItems ?? {}) as Record<
              string,
              Array<{ PutRequest?: { Item: Item } }>
            >,
          )
            .flat()
            .map((request) => (request.PutRequest ? keyOf(request.PutRequest.Item) : '')),
        );
        for (const request of requests) {
          if (request.PutRequest && !unprocessed.has(keyOf(request.PutRequest.Item)))
            this.#put(request.PutRequest.Item, true);
          if (request.DeleteRequest) this.#delete(request.DeleteRequest.Key);
        }
        break;
      }
      case 'GetItem':
        this.#read(output.Item ? [output.Item as Item] : [{}], true, input.ConsistentRead === true);
        break;
      case 'BatchGetItem': {
        const items = Object.values((output.Responses ?? {}) as Record<string, Item[]>).flat();
        const consistent = Object.values(
          input.RequestItems as Record<string, { ConsistentRead?: boolean }>,
        ).some((request) => request.ConsistentRead === true);
        this.#read(items, true, consistent);
        break;
      }
      case 'Query':
        this.#read((output.Items ?? []) as Item[], false, input.ConsistentRead === true);
        break;
      default:
        break;
    }
  }
}
