/**
 * The single-table design: every key name, index and TTL attribute lives here so the DynamoDB
 * adapter, the local runtime and the CDK stack cannot drift apart.
 *
 * Item layout (the tenant is in every partition key except the two global lookups, tenant and
 * API key, whose keys are unguessable or only reachable after authentication):
 *
 * | entity          | pk                               | sk                       | indexes                                   |
 * |-----------------|----------------------------------|--------------------------|-------------------------------------------|
 * | tenant          | `TENANT#<tenantId>`              | `TENANT`                 |                                           |
 * | API key         | `KEY#<sha256 hex>`               | `KEY`                    |                                           |
 * | policy          | `T#<tenantId>`                   | `POLICY`                 |                                           |
 * | interview       | `T#<tenantId>`                   | `INT#<interviewId>`      | gsi1 status, gsi2 externalId, due (steps or outbox) |
 * | idempotency     | `T#<tenantId>`                   | `IDEM#<key>`             | gsi3 by interview; TTL                    |
 * | endpoint        | `T#<tenantId>`                   | `WHE#<endpointId>`       |                                           |
 * | deleted endpoint| `T#<tenantId>`                   | `WHD#<endpointId>`       | TTL                                       |
 * | event           | `T#<tenantId>`                   | `EVT#<eventId>`          | gsi2 by type, gsi3 by interview; TTL (gsi1 only for a type the tenant-wide list does not merge) |
 * | attempt         | `T#<tenantId>#WHE#<endpointId>`  | `ATT#<attemptedAt>#<id>` | TTL (gsi3 by interview on older items and past a state's 50 listed attempts) |
 * | delivery state  | `T#<tenantId>#WHE#<endpointId>`  | `DLV#<eventId>`          | gsi1 while not succeeded; TTL             |
 *
 * Erasure reaches an interview's attempts through its events (gsi3), their delivery states (at
 * every endpoint, deleted ones included through their `WHD#` markers) and the attempt keys each
 * state lists; attempts written before states listed them, or past the 50 a state lists, carry
 * gsi3 keys instead.
 *
 * Every item keeps its whole port object as a JSON string in `doc` (compressed in `dz` when long,
 * in `docz` on items written before that; see ./documents) and the version of its shape in `v`
 * (see ./document-schema); the other attributes exist only for keys, indexes, conditions and
 * TTL. The API key item is the exception: it stores no document, only the tenant id. The
 * interview item, written about 23 times in an interview's life, also leaves out `entity`,
 * `tenantId`, `id` and `nextDueAt` (see ./dynamo/interviews).
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';

/** Base table key attribute names (both strings). */
export const tableKeys = { partitionKey: 'pk', sortKey: 'sk' } as const;

/** DynamoDB TTL attribute: epoch seconds. dynalite never expires items, so readers check it too. */
export const ttlAttribute = 'expiresAt';

/** Attribute holding the JSON of the stored port object. */
export const docAttribute = 'doc';

/**
 * Attribute holding the same JSON Brotli-compressed (binary), written instead of `doc` for long
 * JSON before `dz` replaced it; still read (see ./documents).
 */
export const packedDocAttribute = 'docz';

/**
 * Attribute holding long JSON DEFLATE-compressed with a preset dictionary, after a byte naming
 * the dictionary (see ./documents). Short name: attribute names are billed with every write.
 */
export const dictionaryDocAttribute = 'dz';

/**
 * Attribute holding the schema version of the document in `doc`/`dz`/`docz` (a number; absent
 * on items written before versions existed, which read as version 0). See ./document-schema.
 */
export const versionAttribute = 'v';

/** `{ name: name }` for each name: attribute names that are also their own keys. */
function namesOf<const Name extends string>(...names: Name[]): { readonly [N in Name]: N } {
  return Object.fromEntries(names.map((name) => [name, name])) as { [N in Name]: N };
}

/** Scalar attribute names written next to `doc` for conditions and index projections. */
export const itemAttributes = namesOf(
  'entity',
  'tenantId',
  'id',
  'version',
  'revision',
  'status',
  'nextDueAt',
  'eventType',
);

type ProjectionKind = 'ALL' | 'KEYS_ONLY' | 'INCLUDE';

export interface TableIndex {
  indexName: string;
  partitionKey: string;
  sortKey: string;
  projection: ProjectionKind;
  /** Only with `INCLUDE`. */
  nonKeyAttributes?: readonly string[];
}

/*
 * The list indexes carry keys only (plus the one attribute a query filters on): a list query
 * reads the page of keys from the index and the items themselves with one BatchGetItem. Every
 * write is billed again in each index at the size of its projected entry, and an index whose
 * entry did not change is not written at all, so a projection of whole items made every
 * interview write cost three times its size; keys-only entries cost one unit, and only when a
 * key changes.
 */

/** An overloaded index `gsi<n>`: key attributes `gsi<n>pk` and `gsi<n>sk`. */
function overloadedIndex<const Name extends string>(
  indexName: Name,
  nonKeyAttributes?: readonly string[],
) {
  return {
    indexName,
    partitionKey: `${indexName}pk`,
    sortKey: `${indexName}sk`,
    ...(nonKeyAttributes
      ? { projection: 'INCLUDE' as const, nonKeyAttributes }
      : { projection: 'KEYS_ONLY' as const }),
  } satisfies TableIndex;
}

/**
 * Overloaded index 1: interviews by status; undelivered deliveries; events of a tenant only
 * when written before the tenant-wide list merged gsi2's type partitions, or of a type outside
 * the merged set (see ./dynamo/events).
 */
export const gsi1 = overloadedIndex('gsi1');

/** Overloaded index 2: interviews by external id (filtered by `status`); events by type. */
export const gsi2 = overloadedIndex('gsi2', [itemAttributes.status]);

/**
 * Overloaded index 3, everything kept about one interview outside its item: its events (also
 * listed by the API, filtered by `eventType`), and for erasure its idempotency records (and
 * the delivery attempts written before delivery states listed them).
 */
export const gsi3 = overloadedIndex('gsi3', [itemAttributes.eventType]);

/**
 * Sparse index of interviews that have a scheduled step or a pending outbox entry, for the
 * reconciler. Its partitions are a handful of fixed shards (not tenants) so one query per shard
 * covers every tenant without a Scan, and no single partition takes every write. The projected
 * attributes are written only by items from before the lean interview item (see
 * ./dynamo/due): the reader takes tenant and interview from the entry's table keys. They stay
 * in the definition because changing a deployed index's projection means rebuilding it.
 */
export const dueIndex = {
  indexName: 'due',
  partitionKey: 'dueShard',
  sortKey: 'dueSk',
  projection: 'INCLUDE',
  nonKeyAttributes: [itemAttributes.tenantId, itemAttributes.id, itemAttributes.nextDueAt],
} as const satisfies TableIndex;

/** Number of `DUE#n` partitions in the due index. Changing it needs a re-index of due items. */
export const dueShardCount = 4;

/** Every global secondary index of the table, for `ensureTable` and the CDK stack. */
export const tableIndexes: readonly TableIndex[] = [gsi1, gsi2, gsi3, dueIndex];

/** Key prefixes, shared by the adapter and tests. */
export const keyPrefix = {
  tenantScope: 'T#',
  tenant: 'TENANT#',
  apiKey: 'KEY#',
  interview: 'INT#',
  idempotency: 'IDEM#',
  endpoint: 'WHE#',
  deletedEndpoint: 'WHD#',
  event: 'EVT#',
  attempt: 'ATT#',
  delivery: 'DLV#',
  dueShard: 'DUE#',
} as const;

function indexDefinition(index: TableIndex): GlobalSecondaryIndex {
  return {
    IndexName: index.indexName,
    KeySchema: [
      { AttributeName: index.partitionKey, KeyType: 'HASH' },
      { AttributeName: index.sortKey, KeyType: 'RANGE' },
    ],
    Projection: {
      ProjectionType: index.projection,
      ...(index.nonKeyAttributes ? { NonKeyAttributes: [...index.nonKeyAttributes] } : {}),
    },
  };
}

function attributeDefinitions(): AttributeDefinition[] {
  const names = [
    tableKeys.partitionKey,
    tableKeys.sortKey,
    ...tableIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  return [...new Set(names)].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
}

function isReady(table: TableDescription | undefined): boolean {
  if (table?.TableStatus !== 'ACTIVE') return false;
  return (table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
}

async function describe(
  client: DynamoDBClient,
  tableName: string,
): Promise<TableDescription | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

/**
 * Creates the table with its indexes (on-demand billing) if it does not exist, and waits until
 * it and every index are ACTIVE. Turning TTL on is attempted but optional: dynalite does not
 * implement it, and in production the CDK stack owns that setting.
 */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  let table = await describe(client, tableName);
  let created = false;
  if (!table) {
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions(),
          KeySchema: [
            { AttributeName: tableKeys.partitionKey, KeyType: 'HASH' },
            { AttributeName: tableKeys.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: tableIndexes.map(indexDefinition),
        }),
      );
      created = true;
    } catch (error) {
      // Another process created it first: fine, wait for it like anyone else.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }

  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let delayMs = 50;
  for (;;) {
    table = await describe(client, tableName);
    if (isReady(table)) break;
    if (Date.now() > deadline) {
      throw new Error(`Table ${tableName} did not become ACTIVE in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    delayMs = Math.min(delayMs * 2, 2_000);
  }

  const present = new Set((table?.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = tableIndexes.filter((index) => !present.has(index.indexName));
  if (missing.length > 0) {
    throw new Error(
      `Table ${tableName} exists but lacks indexes ${missing.map((index) => index.indexName).join(', ')}`,
    );
  }
  if (created) await enableTtl(client, tableName);
}

async function enableTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttlAttribute, Enabled: true },
      }),
    );
  } catch {
    // Best effort only (see ensureTable): readers already ignore expired items.
  }
}
