/**
 * What every entity module does with the table: get, conditional put, delete, paged Query,
 * batched reads and writes, and the item <-> document mapping. One instance per store, shared
 * by the entity modules (./tenants, ./interviews, …) that build their items over it.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Clock } from '../../clock';
import { VersionConflictError } from '../../errors';
import { type DocumentSchema, readDocument } from '../document-schema';
import type { Page, PageRequest } from '../ports';
import type { TableIndex } from '../table';
import { type CursorRule, clampLimit, decodeCursor, encodeCursor } from './cursor';
import { type ItemKey, pk, sk } from './keys';

export type Item = Record<string, unknown>;

/** A condition on a write, in DynamoDB expression syntax. */
export interface WriteCondition {
  expression: string;
  names?: Record<string, string>;
  values?: Item;
}

export interface ListQuery {
  index?: TableIndex;
  keyCondition: string;
  names: Record<string, string>;
  values: Record<string, string | number>;
  filter?: string;
  newestFirst: boolean;
  /** The cursor rule's fixed values and prefixes; the attribute list follows from `index`. */
  cursor: Omit<CursorRule, 'attributes'>;
}

/** Lists the items of one base-table partition whose sort key starts with `prefix`. */
export function partitionList(partition: string, prefix: string, newestFirst: boolean): ListQuery {
  return {
    keyCondition: '#pk = :pk AND begins_with(#sk, :prefix)',
    names: { '#pk': pk, '#sk': sk },
    values: { ':pk': partition, ':prefix': prefix },
    newestFirst,
    cursor: { equals: { [pk]: partition }, startsWith: { [sk]: prefix } },
  };
}

/**
 * Lists one partition of an index. A cursor must name that partition, plus `equals` (the base
 * key parts the query fixes) and keep to `startsWith` (the sort key range of the entity).
 */
export function indexList(
  index: TableIndex,
  partition: string,
  cursor: { equals?: Record<string, string>; startsWith: Record<string, string> },
  newestFirst: boolean,
): ListQuery {
  return {
    index,
    keyCondition: '#p = :p',
    names: { '#p': index.partitionKey },
    values: { ':p': partition },
    newestFirst,
    cursor: {
      equals: { ...cursor.equals, [index.partitionKey]: partition },
      startsWith: cursor.startsWith,
    },
  };
}

/** Query rounds per page when a filter thins results out; after that a short page is returned. */
const maxFilteredRounds = 10;
/** Items read per round when a filter is applied. */
const filteredRoundSize = 100;
/** BatchGetItem and BatchWriteItem take at most this many keys / writes per call. */
const batchGetLimit = 100;
const batchWriteLimit = 25;
/** Calls per batch before unprocessed items count as a failure (the caller's retry takes over). */
const maxBatchRounds = 6;

/** Whether a DynamoDB call failed only because its condition did not hold. */
function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

/** Exponential back-off with full jitter before re-sending what DynamoDB left unprocessed. */
function backOff(round: number): Promise<void> {
  const ceilingMs = Math.min(1000, 25 * 2 ** round);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}

/** Runs `write` (a conditional put) and throws `failure()` when its condition failed. */
export async function writeOrThrow(write: Promise<boolean>, failure: () => Error): Promise<void> {
  if (!(await write)) throw failure();
}

/**
 * The checks around a versioned update (interview, endpoint): `next` must be one version past
 * `expectedVersion`, and a failed condition is a VersionConflictError naming what moved.
 */
export async function versionedUpdate(
  entity: string,
  next: { id: string; version: number },
  expectedVersion: number,
  write: () => Promise<boolean>,
  moved = `version ${expectedVersion}`,
): Promise<void> {
  if (next.version !== expectedVersion + 1) {
    throw new Error(`update${entity}: version must be ${expectedVersion + 1}, got ${next.version}`);
  }
  return writeOrThrow(
    write(),
    () => new VersionConflictError(`${entity} ${next.id} is not at ${moved} (changed or gone)`),
  );
}

/** The document an item stores, checked against its schema (see ../document-schema). */
export function readItem<T>(schema: DocumentSchema<T>, item: Item | undefined): T | undefined {
  return readDocument(schema, item, item ? `${String(item[pk])} ${String(item[sk])}` : '');
}

/** A page of items as a page of their documents. */
export function documentsPage<T>(schema: DocumentSchema<T>, page: Page<Item>): Page<T> {
  return {
    items: page.items.flatMap((item) => readItem(schema, item) ?? []),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

export interface DynamoTableOptions {
  client: DynamoDBClient;
  tableName: string;
  clock: Clock;
}

export class DynamoTable {
  readonly client: DynamoDBClient;
  readonly tableName: string;
  readonly clock: Clock;

  constructor(options: DynamoTableOptions) {
    ({ client: this.client, tableName: this.tableName, clock: this.clock } = options);
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ [pk]: key.pk, [sk]: key.sk }),
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** Puts an item; with a condition, returns false instead of throwing when it fails. */
  async put(item: Item, condition?: WriteCondition): Promise<boolean> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ...(condition ? conditionParameters(condition) : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailure(error)) return false;
      throw error;
    }
  }

  putNew(item: Item): Promise<boolean> {
    return this.put(item, { expression: 'attribute_not_exists(#pk)', names: { '#pk': pk } });
  }

  /** Deletes an item; with a condition, returns false instead of throwing when it fails. */
  async delete(key: ItemKey, condition?: WriteCondition): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: marshall({ [pk]: key.pk, [sk]: key.sk }),
          ...(condition ? conditionParameters(condition) : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailure(error)) return false;
      throw error;
    }
  }

  /**
   * One page of a Query, exactly `limit` items when that many exist. The cursor is the key of
   * the last item returned (so a filter never skips items), or DynamoDB's own position when a
   * filtered query gave up after `maxFilteredRounds` reads with a short page.
   */
  async listPage(query: ListQuery, page: PageRequest): Promise<Page<Item>> {
    const limit = clampLimit(page.limit);
    const keyAttributes = query.index
      ? [pk, sk, query.index.partitionKey, query.index.sortKey]
      : [pk, sk];
    let startKey =
      page.cursor !== undefined
        ? decodeCursor(page.cursor, { attributes: keyAttributes, ...query.cursor })
        : undefined;

    const collected: Item[] = [];
    for (let round = 1; ; round++) {
      const out = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          ...(query.index ? { IndexName: query.index.indexName } : { ConsistentRead: true }),
          KeyConditionExpression: query.keyCondition,
          ...(query.filter ? { FilterExpression: query.filter } : {}),
          ExpressionAttributeNames: query.names,
          ExpressionAttributeValues: marshall(query.values),
          ScanIndexForward: !query.newestFirst,
          Limit: query.filter ? Math.max(limit + 1, filteredRoundSize) : limit + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const raw of out.Items ?? []) collected.push(unmarshall(raw));
      startKey = out.LastEvaluatedKey;

      if (collected.length > limit) {
        const items = collected.slice(0, limit);
        const last = items[items.length - 1] ?? {};
        const key = Object.fromEntries(keyAttributes.map((name) => [name, String(last[name])]));
        return { items: await this.#wholeItems(query.index, items), nextCursor: encodeCursor(key) };
      }
      if (!startKey) return { items: await this.#wholeItems(query.index, collected) };
      if (round >= maxFilteredRounds) {
        const key = unmarshall(startKey) as Record<string, string>;
        return {
          items: await this.#wholeItems(query.index, collected),
          nextCursor: encodeCursor(key),
        };
      }
    }
  }

  /**
   * The table items behind index entries, in the entries' order. Indexes that project only
   * keys (see ../table) answer a list with keys; the items come from one consistent
   * BatchGetItem per 100. An item deleted since the index was read is left out.
   */
  async #wholeItems(index: TableIndex | undefined, entries: readonly Item[]): Promise<Item[]> {
    if (!index || index.projection === 'ALL') return [...entries];
    return this.itemsInOrder(entries, 'listed items');
  }

  /**
   * The table items whose base-table keys `entries` carry (index entries, say), in their order,
   * read with consistent BatchGetItems; an item deleted meanwhile is left out.
   */
  async itemsInOrder(entries: readonly Item[], what: string): Promise<Item[]> {
    if (entries.length === 0) return [];
    const keyString = (item: Item) => `${String(item[pk])}\u0000${String(item[sk])}`;
    const keys = entries.map((entry) => ({ pk: String(entry[pk]), sk: String(entry[sk]) }));
    const found = new Map<string, Item>();
    for (const item of await this.batchGet(keys, what)) found.set(keyString(item), item);
    return entries.flatMap<Item>((entry) => found.get(keyString(entry)) ?? []);
  }

  /**
   * The items at `keys` that exist, in no particular order: one consistent BatchGetItem per 100
   * keys, re-sending what DynamoDB leaves unprocessed. `what` names them in the error.
   */
  async batchGet(keys: readonly ItemKey[], what: string): Promise<Item[]> {
    const found: Item[] = [];
    for (let start = 0; start < keys.length; start += batchGetLimit) {
      let pending: Array<Record<string, AttributeValue>> = keys
        .slice(start, start + batchGetLimit)
        .map((key) => marshall({ [pk]: key.pk, [sk]: key.sk }));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= maxBatchRounds) throw new Error(`DynamoDB left ${what} unread`);
        if (round > 0) await backOff(round);
        const out = await this.client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.tableName]: { Keys: pending, ConsistentRead: true } },
          }),
        );
        for (const raw of out.Responses?.[this.tableName] ?? []) found.push(unmarshall(raw));
        pending = out.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  /** Puts the items, 25 per BatchWriteItem, re-sending what DynamoDB leaves unprocessed. */
  async batchPut(items: readonly Item[], what: string): Promise<void> {
    const writes: WriteRequest[] = items.map((item) => ({
      PutRequest: { Item: marshall(item, { removeUndefinedValues: true }) },
    }));
    for (let start = 0; start < writes.length; start += batchWriteLimit) {
      let pending = writes.slice(start, start + batchWriteLimit);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= maxBatchRounds) throw new Error(`DynamoDB left ${what} unwritten`);
        if (round > 0) await backOff(round);
        const out = await this.client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.tableName] ?? [];
      }
    }
  }

  /** Now in epoch seconds, the unit of the TTL attribute. */
  nowSeconds(): number {
    return Math.floor(this.clock.now().epochMilliseconds / 1000);
  }
}

function conditionParameters(condition: WriteCondition) {
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: marshall(condition.values) } : {}),
  };
}
