/**
 * The Store port on one DynamoDB table (layout in ./table). Works unchanged on dynalite: no
 * transactions, no Scan, and expiry is checked on read because dynalite never deletes by TTL.
 */
import { createHash } from 'node:crypto';
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
import { Temporal } from 'temporal-polyfill';
import { type Clock, systemClock } from '../clock';
import type { PolicyOverrides } from '../domain/model';
import { AlreadyExistsError, ValidationError, VersionConflictError } from '../errors';
import { decodeDocument, encodeDocument } from './documents';
import type {
  DeliveryAttempt,
  DeliveryState,
  DueInterviewRef,
  EventListQuery,
  IdempotencyCompleted,
  IdempotencyErased,
  IdempotencyInProgress,
  IdempotencyRecord,
  InterviewListQuery,
  Page,
  PageRequest,
  Store,
  StoredEndpoint,
  StoredEvent,
  StoredInterview,
  Tenant,
} from './ports';
import {
  itemAttributes as attr,
  docAttribute,
  dueIndex,
  dueShardCount,
  gsi1,
  gsi2,
  gsi3,
  keyPrefix,
  type TableIndex,
  tableKeys,
  ttlAttribute,
} from './table';

type Item = Record<string, unknown>;

export interface DynamoStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Decides when idempotency records have expired; defaults to the system clock. */
  clock?: Clock;
}

/** Largest page the store will fetch in one call, whatever the caller asks. */
const maxPageSize = 1000;
/** Query rounds per page when a filter thins results out; after that a short page is returned. */
const maxFilteredRounds = 10;
/** Items read per round when a filter is applied. */
const filteredRoundSize = 100;

const { partitionKey: pk, sortKey: sk } = tableKeys;

// ---------------------------------------------------------------------------------------------
// Keys

const tenantScope = (tenantId: string) => `${keyPrefix.tenantScope}${tenantId}`;
const endpointScope = (tenantId: string, endpointId: string) =>
  `${tenantScope(tenantId)}#${keyPrefix.endpoint}${endpointId}`;
const statusPartition = (tenantId: string, status: string) =>
  `${tenantScope(tenantId)}#S#${status}`;
const externalIdPartition = (tenantId: string, externalId: string) =>
  `${tenantScope(tenantId)}#X#${externalId}`;
const eventsPartition = (tenantId: string) => `${tenantScope(tenantId)}#EVT`;
const eventTypePartition = (tenantId: string, type: string) =>
  `${tenantScope(tenantId)}#EVT#TYPE#${type}`;
const interviewEventsPartition = (tenantId: string, interviewId: string) =>
  `${tenantScope(tenantId)}#INT#${interviewId}#EVT`;
const interviewAttemptsPartition = (tenantId: string, interviewId: string) =>
  `${tenantScope(tenantId)}#INT#${interviewId}#ATT`;
const interviewIdempotencyPartition = (tenantId: string, interviewId: string) =>
  `${tenantScope(tenantId)}#INT#${interviewId}#IDEM`;
const unsuccessfulPartition = (tenantId: string, endpointId: string) =>
  `${endpointScope(tenantId, endpointId)}#UNOK`;

/** Which `DUE#n` partition an interview's due entry lives in: stable, and spread evenly. */
export function dueShardOf(tenantId: string, interviewId: string): string {
  const digest = createHash('sha256').update(`${tenantId}\u001f${interviewId}`).digest();
  return `${keyPrefix.dueShard}${(digest[0] ?? 0) % dueShardCount}`;
}

/**
 * An instant in one fixed format (UTC, milliseconds) so that sort keys compare as times:
 * `…:00Z` and `…:00.000Z` name the same instant but do not sort together as strings.
 */
function sortableInstant(iso: string, field: string): string {
  try {
    return Temporal.Instant.from(iso).toString({ fractionalSecondDigits: 3 });
  } catch {
    throw new ValidationError(`${field} is not an ISO 8601 instant`, [
      { path: field, message: 'Expected an ISO 8601 instant', code: 'invalid_instant' },
    ]);
  }
}

// ---------------------------------------------------------------------------------------------
// Cursors: base64url JSON of the last key, checked against the query that receives it.

function invalidCursor(): ValidationError {
  return new ValidationError('The cursor is not valid', [
    {
      path: 'cursor',
      message: 'Not a cursor returned by this list with these filters',
      code: 'invalid_cursor',
    },
  ]);
}

function encodeCursor(key: Record<string, string>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursorJson(cursor: string): unknown {
  if (cursor.length === 0 || cursor.length > 4096 || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw invalidCursor();
  }
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
}

interface CursorRule {
  /** Exactly these attributes, all strings. */
  attributes: readonly string[];
  /** Attributes whose value is fixed by the query (its partition, the tenant's base partition). */
  equals: Record<string, string>;
  /** Attributes whose value must start with a prefix (the sort key range being listed). */
  startsWith: Record<string, string>;
}

/**
 * Decodes a cursor and proves it belongs to this exact query: the same key attributes, the same
 * partition (so the same tenant and filters) and the same sort key range. Anything else is a
 * client error, never a 500 and never a way into another tenant's items.
 */
function decodeCursor(cursor: string, rule: CursorRule): Record<string, AttributeValue> {
  const parsed = decodeCursorJson(cursor);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidCursor();
  }
  const entries = Object.entries(parsed);
  if (entries.length !== rule.attributes.length) throw invalidCursor();
  const key: Record<string, AttributeValue> = {};
  for (const name of rule.attributes) {
    const value: unknown = (parsed as Record<string, unknown>)[name];
    if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
      throw invalidCursor();
    }
    const fixed = rule.equals[name];
    if (fixed !== undefined && value !== fixed) throw invalidCursor();
    const prefix = rule.startsWith[name];
    if (prefix !== undefined && !value.startsWith(prefix)) throw invalidCursor();
    key[name] = { S: value };
  }
  return key;
}

function clampLimit(limit: number): number {
  if (!Number.isFinite(limit)) return 1;
  return Math.min(Math.max(Math.trunc(limit), 1), maxPageSize);
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

function parseDoc<T>(item: Item | undefined): T | undefined {
  const json = decodeDocument(item);
  return json === undefined ? undefined : (JSON.parse(json) as T);
}

/** The item as written: a long `doc` is replaced by its compressed form (see ./documents). */
function packItem(item: Item): Item {
  const doc = item[docAttribute];
  if (typeof doc !== 'string') return item;
  const { [docAttribute]: _doc, ...rest } = item;
  return { ...rest, ...encodeDocument(doc) };
}

interface ListQuery {
  index?: TableIndex;
  keyCondition: string;
  names: Record<string, string>;
  values: Record<string, string | number>;
  filter?: string;
  newestFirst: boolean;
  /** The cursor rule's fixed values and prefixes; the attribute list follows from `index`. */
  cursor: Omit<CursorRule, 'attributes'>;
}

// ---------------------------------------------------------------------------------------------

export class DynamoStore implements Store {
  readonly #client: DynamoDBClient;
  readonly #tableName: string;
  readonly #clock: Clock;

  constructor(options: DynamoStoreOptions) {
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#clock = options.clock ?? systemClock;
  }

  // --- low-level helpers ---------------------------------------------------------------------

  async #get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.#tableName,
        Key: marshall({ [pk]: key.pk, [sk]: key.sk }),
        ConsistentRead: true,
      }),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** Puts an item; with a condition, returns false instead of throwing when it fails. */
  async #put(
    item: Item,
    condition?: { expression: string; names?: Record<string, string>; values?: Item },
  ): Promise<boolean> {
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.#tableName,
          Item: marshall(packItem(item), { removeUndefinedValues: true }),
          ...(condition
            ? {
                ConditionExpression: condition.expression,
                ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
                ...(condition.values
                  ? { ExpressionAttributeValues: marshall(condition.values) }
                  : {}),
              }
            : {}),
        }),
      );
      return true;
    } catch (error) {
      if (condition && isConditionFailure(error)) return false;
      throw error;
    }
  }

  #putNew(item: Item): Promise<boolean> {
    return this.#put(item, { expression: 'attribute_not_exists(#pk)', names: { '#pk': pk } });
  }

  #putIfVersion(item: Item, expectedVersion: number): Promise<boolean> {
    return this.#put(item, {
      expression: '#version = :expected',
      names: { '#version': attr.version },
      values: { ':expected': expectedVersion },
    });
  }

  /**
   * One page of a Query, exactly `limit` items when that many exist. The cursor is the key of
   * the last item returned (so a filter never skips items), or DynamoDB's own position when a
   * filtered query gave up after `maxFilteredRounds` reads with a short page.
   */
  async #listPage(query: ListQuery, page: PageRequest): Promise<Page<Item>> {
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
      const out = await this.#client.send(
        new QueryCommand({
          TableName: this.#tableName,
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
   * keys (see ./table) answer a list with keys; the items come from one consistent
   * BatchGetItem per 100. An item deleted since the index was read is left out.
   */
  async #wholeItems(index: TableIndex | undefined, entries: readonly Item[]): Promise<Item[]> {
    if (!index || index.projection === 'ALL' || entries.length === 0) return [...entries];
    const found = new Map<string, Item>();
    const keyString = (item: Item) => `${String(item[pk])}\u0000${String(item[sk])}`;
    for (let start = 0; start < entries.length; start += batchGetLimit) {
      let keys: Array<Record<string, AttributeValue>> = entries
        .slice(start, start + batchGetLimit)
        .map((entry) => marshall({ [pk]: entry[pk], [sk]: entry[sk] }));
      for (let round = 0; keys.length > 0; round++) {
        if (round >= maxBatchRounds) throw new Error('DynamoDB left listed items unread');
        if (round > 0) await backOff(round);
        const out = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const raw of out.Responses?.[this.#tableName] ?? []) {
          const item = unmarshall(raw);
          found.set(keyString(item), item);
        }
        keys = out.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
      }
    }
    return entries.flatMap<Item>((entry) => found.get(keyString(entry)) ?? []);
  }

  // --- tenants, keys, policy -----------------------------------------------------------------

  async createTenant(tenant: Tenant): Promise<void> {
    const created = await this.#putNew({
      [pk]: `${keyPrefix.tenant}${tenant.id}`,
      [sk]: 'TENANT',
      [attr.entity]: 'tenant',
      [attr.tenantId]: tenant.id,
      [docAttribute]: JSON.stringify(tenant),
    });
    if (!created) throw new AlreadyExistsError(`Tenant ${tenant.id} already exists`);
  }

  async getTenant(tenantId: string): Promise<Tenant | undefined> {
    return parseDoc<Tenant>(
      await this.#get({ pk: `${keyPrefix.tenant}${tenantId}`, sk: 'TENANT' }),
    );
  }

  async putApiKeyHash(keyHash: string, tenantId: string, createdAt: string): Promise<void> {
    // Unconditional: re-registering the same (fixed development) key on every start is normal.
    await this.#put({
      [pk]: `${keyPrefix.apiKey}${keyHash}`,
      [sk]: 'KEY',
      [attr.entity]: 'api_key',
      [attr.tenantId]: tenantId,
      createdAt,
    });
  }

  async findTenantByKeyHash(keyHash: string): Promise<string | undefined> {
    const item = await this.#get({ pk: `${keyPrefix.apiKey}${keyHash}`, sk: 'KEY' });
    const tenantId = item?.[attr.tenantId];
    return typeof tenantId === 'string' ? tenantId : undefined;
  }

  async getPolicy(tenantId: string): Promise<PolicyOverrides | undefined> {
    return parseDoc<PolicyOverrides>(await this.#get({ pk: tenantScope(tenantId), sk: 'POLICY' }));
  }

  async putPolicy(tenantId: string, policy: PolicyOverrides): Promise<void> {
    await this.#put({
      [pk]: tenantScope(tenantId),
      [sk]: 'POLICY',
      [attr.entity]: 'policy',
      [attr.tenantId]: tenantId,
      [docAttribute]: JSON.stringify(policy),
    });
  }

  // --- interviews ----------------------------------------------------------------------------

  #interviewItem(interview: StoredInterview): Item {
    const { tenantId, id, externalId, nextDueAt } = interview;
    const item: Item = {
      [pk]: tenantScope(tenantId),
      [sk]: `${keyPrefix.interview}${id}`,
      [attr.entity]: 'interview',
      [attr.tenantId]: tenantId,
      [attr.id]: id,
      [attr.version]: interview.version,
      [attr.status]: interview.state.status,
      [docAttribute]: JSON.stringify(interview),
      [gsi1.partitionKey]: statusPartition(tenantId, interview.state.status),
      [gsi1.sortKey]: id,
    };
    if (interview.revision !== undefined) item[attr.revision] = interview.revision;
    if (externalId !== undefined) {
      item[gsi2.partitionKey] = externalIdPartition(tenantId, externalId);
      item[gsi2.sortKey] = id;
    }
    if (nextDueAt !== undefined) item[attr.nextDueAt] = nextDueAt;
    // Present only while a step is scheduled or an outbox entry waits, which keeps the due index
    // sparse: a put without these attributes takes the interview out of the reconciler's view.
    const dueAt = reconcileDueAt(interview);
    if (dueAt !== undefined) {
      item[dueIndex.partitionKey] = dueShardOf(tenantId, id);
      item[dueIndex.sortKey] = `${dueAt}#${tenantId}#${id}`;
    }
    return item;
  }

  /** Puts an interview item only if the stored one is at `version` and the revision before `next`'s. */
  #putInterviewIf(next: StoredInterview, version: number): Promise<boolean> {
    const revision = next.revision;
    const revisionCondition =
      revision === undefined
        ? ''
        : revision <= 1
          ? ' AND attribute_not_exists(#revision)'
          : ' AND #revision = :revision';
    return this.#put(this.#interviewItem(next), {
      expression: `#version = :expected${revisionCondition}`,
      names: {
        '#version': attr.version,
        ...(revision === undefined ? {} : { '#revision': attr.revision }),
      },
      values: {
        ':expected': version,
        ...(revision === undefined || revision <= 1 ? {} : { ':revision': revision - 1 }),
      },
    });
  }

  async createInterview(interview: StoredInterview): Promise<void> {
    const created = await this.#putNew(this.#interviewItem(interview));
    if (!created) throw new AlreadyExistsError(`Interview ${interview.id} already exists`);
  }

  async getInterview(tenantId: string, id: string): Promise<StoredInterview | undefined> {
    return parseDoc<StoredInterview>(
      await this.#get({ pk: tenantScope(tenantId), sk: `${keyPrefix.interview}${id}` }),
    );
  }

  async updateInterview(next: StoredInterview, expectedVersion: number): Promise<void> {
    if (next.version !== expectedVersion + 1) {
      throw new Error(
        `updateInterview: version must be ${expectedVersion + 1}, got ${next.version}`,
      );
    }
    // The key comes from next.tenantId, so another tenant's write finds no item and fails the
    // condition like a stale version would.
    const written = await this.#putInterviewIf(next, expectedVersion);
    if (!written) {
      throw new VersionConflictError(
        `Interview ${next.id} is not at version ${expectedVersion} (changed or gone)`,
      );
    }
  }

  async rewriteInterviewOutbox(next: StoredInterview): Promise<void> {
    if (next.revision === undefined) {
      throw new Error('rewriteInterviewOutbox: next.revision is required');
    }
    const written = await this.#putInterviewIf(next, next.version);
    if (!written) {
      throw new VersionConflictError(
        `Interview ${next.id} is not at revision ${next.revision - 1} (changed or gone)`,
      );
    }
  }

  async listInterviews(
    tenantId: string,
    query: InterviewListQuery,
  ): Promise<Page<StoredInterview>> {
    const base = tenantScope(tenantId);
    let list: ListQuery;
    if (query.externalId !== undefined) {
      const partition = externalIdPartition(tenantId, query.externalId);
      list = {
        index: gsi2,
        keyCondition: '#p = :p',
        names: { '#p': gsi2.partitionKey },
        values: { ':p': partition },
        newestFirst: true,
        cursor: {
          equals: { [pk]: base, [gsi2.partitionKey]: partition },
          startsWith: { [sk]: keyPrefix.interview },
        },
      };
      if (query.status !== undefined) {
        list.filter = '#status = :status';
        list.names['#status'] = attr.status;
        list.values[':status'] = query.status;
      }
    } else if (query.status !== undefined) {
      const partition = statusPartition(tenantId, query.status);
      list = {
        index: gsi1,
        keyCondition: '#p = :p',
        names: { '#p': gsi1.partitionKey },
        values: { ':p': partition },
        newestFirst: true,
        cursor: {
          equals: { [pk]: base, [gsi1.partitionKey]: partition },
          startsWith: { [sk]: keyPrefix.interview },
        },
      };
    } else {
      list = {
        keyCondition: '#pk = :pk AND begins_with(#sk, :prefix)',
        names: { '#pk': pk, '#sk': sk },
        values: { ':pk': base, ':prefix': keyPrefix.interview },
        newestFirst: true,
        cursor: { equals: { [pk]: base }, startsWith: { [sk]: keyPrefix.interview } },
      };
    }
    return docsPage<StoredInterview>(await this.#listPage(list, query));
  }

  /**
   * Reads every due shard up to `before` and merges them by due time. The cursor is the last
   * due key returned; each shard restarts just after it, so pages never overlap or skip.
   */
  async listDueInterviews(
    before: string,
    page: PageRequest,
    dueAfter?: string,
  ): Promise<Page<DueInterviewRef>> {
    const limit = clampLimit(page.limit);
    // '$' sorts right after '#', so every key for an instant <= before is below the bound.
    const bound = `${sortableInstant(before, 'before')}$`;
    const cursor = page.cursor !== undefined ? decodeDueCursor(page.cursor) : undefined;
    // An exclusive lower bound works like a cursor placed after every key of that instant.
    const floor = dueAfter !== undefined ? `${sortableInstant(dueAfter, 'dueAfter')}$` : undefined;
    const after = floor !== undefined && (cursor === undefined || cursor < floor) ? floor : cursor;

    const shards = await Promise.all(
      Array.from({ length: dueShardCount }, async (_, shard) => {
        const out = await this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            IndexName: dueIndex.indexName,
            KeyConditionExpression: after
              ? '#shard = :shard AND #due BETWEEN :after AND :bound'
              : '#shard = :shard AND #due < :bound',
            ExpressionAttributeNames: { '#shard': dueIndex.partitionKey, '#due': dueIndex.sortKey },
            ExpressionAttributeValues: marshall({
              ':shard': `${keyPrefix.dueShard}${shard}`,
              ':bound': bound,
              ...(after ? { ':after': after } : {}),
            }),
            ScanIndexForward: true,
            // One extra for the cursor's own item (BETWEEN is inclusive), one to see if more exist.
            Limit: limit + 2,
          }),
        );
        const items = (out.Items ?? [])
          .map((raw) => unmarshall(raw))
          .filter((item) => item[dueIndex.sortKey] !== after);
        return { items, more: out.LastEvaluatedKey !== undefined };
      }),
    );

    // A shard that has more beyond what it returned caps how far this page may go: anything
    // later in other shards could interleave with its unread items.
    let cutoff: string | undefined;
    for (const shard of shards) {
      const last = shard.items[shard.items.length - 1]?.[dueIndex.sortKey];
      if (shard.more && typeof last === 'string' && (cutoff === undefined || last < cutoff)) {
        cutoff = last;
      }
    }
    const merged = shards
      .flatMap((shard) => shard.items)
      .filter((item) => cutoff === undefined || String(item[dueIndex.sortKey]) <= cutoff)
      .sort((a, b) => (String(a[dueIndex.sortKey]) < String(b[dueIndex.sortKey]) ? -1 : 1));

    const items = merged.slice(0, limit);
    const hasMore = merged.length > limit || cutoff !== undefined;
    const last = items[items.length - 1];
    return {
      items: items.map((item) => ({
        tenantId: String(item[attr.tenantId]),
        interviewId: String(item[attr.id]),
        nextDueAt: dueRefTime(item),
      })),
      ...(hasMore && last
        ? { nextCursor: encodeCursor({ after: String(last[dueIndex.sortKey]) }) }
        : {}),
    };
  }

  // --- idempotency ---------------------------------------------------------------------------

  #nowSeconds(): number {
    return Math.floor(this.#clock.now().epochMilliseconds / 1000);
  }

  async getIdempotency(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const item = await this.#get(idempotencyKey(tenantId, key));
    const record = parseDoc<IdempotencyRecord>(item);
    // TTL deletion is lazy on DynamoDB and absent on dynalite: an expired record is gone.
    if (!record || record.expiresAt < this.#nowSeconds()) return undefined;
    return record;
  }

  claimIdempotency(record: IdempotencyInProgress): Promise<boolean> {
    return this.#put(idempotencyItem(record), {
      // Free when absent, expired (TTL has not removed it yet), or claimed by a request whose
      // lease ran out: that request died, or outlived every timeout we allow it.
      expression:
        'attribute_not_exists(#pk) OR #expires < :nowSeconds OR (#phase = :inProgress AND #lease < :nowMs)',
      names: { '#pk': pk, '#expires': ttlAttribute, '#phase': 'phase', '#lease': 'leaseUntil' },
      values: {
        ':nowSeconds': this.#nowSeconds(),
        ':inProgress': 'in_progress',
        ':nowMs': this.#clock.now().epochMilliseconds,
      },
    });
  }

  completeIdempotency(record: IdempotencyCompleted, owner: string): Promise<boolean> {
    return this.#put(idempotencyItem(record), ownedClaim(owner));
  }

  async releaseIdempotency(tenantId: string, key: string, owner: string): Promise<void> {
    const claim = ownedClaim(owner);
    const at = idempotencyKey(tenantId, key);
    try {
      await this.#client.send(
        new DeleteItemCommand({
          TableName: this.#tableName,
          Key: marshall({ [pk]: at.pk, [sk]: at.sk }),
          ConditionExpression: claim.expression,
          ExpressionAttributeNames: claim.names,
          ExpressionAttributeValues: marshall(claim.values),
        }),
      );
    } catch (error) {
      // Someone else holds the key now (our lease ran out): theirs to finish.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listInterviewIdempotency(
    tenantId: string,
    interviewId: string,
    page: PageRequest,
  ): Promise<Page<IdempotencyRecord>> {
    const partition = interviewIdempotencyPartition(tenantId, interviewId);
    const result = await this.#listPage(
      {
        index: gsi3,
        keyCondition: '#p = :p',
        names: { '#p': gsi3.partitionKey },
        values: { ':p': partition },
        newestFirst: false,
        cursor: {
          equals: { [pk]: tenantScope(tenantId), [gsi3.partitionKey]: partition },
          startsWith: { [sk]: keyPrefix.idempotency },
        },
      },
      page,
    );
    return docsPage<IdempotencyRecord>(result);
  }

  async putErasedIdempotency(record: IdempotencyErased): Promise<void> {
    await this.#put(idempotencyItem(record));
  }

  // --- webhook endpoints ---------------------------------------------------------------------

  #endpointItem(endpoint: StoredEndpoint): Item {
    return {
      [pk]: tenantScope(endpoint.tenantId),
      [sk]: `${keyPrefix.endpoint}${endpoint.id}`,
      [attr.entity]: 'endpoint',
      [attr.tenantId]: endpoint.tenantId,
      [attr.id]: endpoint.id,
      [attr.version]: endpoint.version,
      [docAttribute]: JSON.stringify(endpoint),
    };
  }

  async createEndpoint(endpoint: StoredEndpoint): Promise<void> {
    const created = await this.#putNew(this.#endpointItem(endpoint));
    if (!created) throw new AlreadyExistsError(`Endpoint ${endpoint.id} already exists`);
  }

  async getEndpoint(tenantId: string, id: string): Promise<StoredEndpoint | undefined> {
    return parseDoc<StoredEndpoint>(
      await this.#get({ pk: tenantScope(tenantId), sk: `${keyPrefix.endpoint}${id}` }),
    );
  }

  async updateEndpoint(next: StoredEndpoint, expectedVersion: number): Promise<void> {
    if (next.version !== expectedVersion + 1) {
      throw new Error(
        `updateEndpoint: version must be ${expectedVersion + 1}, got ${next.version}`,
      );
    }
    const written = await this.#putIfVersion(this.#endpointItem(next), expectedVersion);
    if (!written) {
      throw new VersionConflictError(
        `Endpoint ${next.id} is not at version ${expectedVersion} (changed or gone)`,
      );
    }
  }

  async deleteEndpoint(tenantId: string, id: string): Promise<void> {
    await this.#client.send(
      new DeleteItemCommand({
        TableName: this.#tableName,
        Key: marshall({ [pk]: tenantScope(tenantId), [sk]: `${keyPrefix.endpoint}${id}` }),
      }),
    );
  }

  async listEndpoints(tenantId: string, page: PageRequest): Promise<Page<StoredEndpoint>> {
    const base = tenantScope(tenantId);
    const result = await this.#listPage(
      {
        keyCondition: '#pk = :pk AND begins_with(#sk, :prefix)',
        names: { '#pk': pk, '#sk': sk },
        values: { ':pk': base, ':prefix': keyPrefix.endpoint },
        newestFirst: true,
        cursor: { equals: { [pk]: base }, startsWith: { [sk]: keyPrefix.endpoint } },
      },
      page,
    );
    return docsPage<StoredEndpoint>(result);
  }

  // --- events --------------------------------------------------------------------------------

  putEvent(event: StoredEvent): Promise<boolean> {
    return this.#putNew(eventItem(event));
  }

  async putRedactedEvent(event: StoredEvent): Promise<void> {
    // Same keys and index entries as the original: only `doc` changes.
    await this.#put(eventItem(event));
  }

  async getEvent(tenantId: string, id: string): Promise<StoredEvent | undefined> {
    return parseDoc<StoredEvent>(
      await this.#get({ pk: tenantScope(tenantId), sk: `${keyPrefix.event}${id}` }),
    );
  }

  async listEvents(tenantId: string, query: EventListQuery): Promise<Page<StoredEvent>> {
    const base = tenantScope(tenantId);
    let index: TableIndex;
    let partition: string;
    let filterType = false;
    if (query.interviewId !== undefined) {
      index = gsi3;
      partition = interviewEventsPartition(tenantId, query.interviewId);
      filterType = query.type !== undefined;
    } else if (query.type !== undefined) {
      index = gsi2;
      partition = eventTypePartition(tenantId, query.type);
    } else {
      index = gsi1;
      partition = eventsPartition(tenantId);
    }
    const list: ListQuery = {
      index,
      keyCondition: '#p = :p',
      names: { '#p': index.partitionKey },
      values: { ':p': partition },
      newestFirst: true,
      cursor: {
        equals: { [pk]: base, [index.partitionKey]: partition },
        startsWith: { [sk]: keyPrefix.event },
      },
    };
    if (filterType && query.type !== undefined) {
      list.filter = '#type = :type';
      list.names['#type'] = 'eventType';
      list.values[':type'] = query.type;
    }
    return docsPage<StoredEvent>(await this.#listPage(list, query));
  }

  // --- delivery attempts and states ----------------------------------------------------------

  async putAttempt(attempt: DeliveryAttempt): Promise<void> {
    await this.#put(attemptItem(attempt));
  }

  async listInterviewAttempts(
    tenantId: string,
    interviewId: string,
    page: PageRequest,
  ): Promise<Page<DeliveryAttempt>> {
    const partition = interviewAttemptsPartition(tenantId, interviewId);
    const result = await this.#listPage(
      {
        index: gsi3,
        keyCondition: '#p = :p',
        names: { '#p': gsi3.partitionKey },
        values: { ':p': partition },
        newestFirst: false,
        cursor: {
          equals: { [gsi3.partitionKey]: partition },
          startsWith: {
            [pk]: `${tenantScope(tenantId)}#${keyPrefix.endpoint}`,
            [sk]: keyPrefix.attempt,
          },
        },
      },
      page,
    );
    return docsPage<DeliveryAttempt>(result);
  }

  async listAttempts(
    tenantId: string,
    endpointId: string,
    page: PageRequest,
  ): Promise<Page<DeliveryAttempt>> {
    const scope = endpointScope(tenantId, endpointId);
    const result = await this.#listPage(
      {
        keyCondition: '#pk = :pk AND begins_with(#sk, :prefix)',
        names: { '#pk': pk, '#sk': sk },
        values: { ':pk': scope, ':prefix': keyPrefix.attempt },
        newestFirst: true,
        cursor: { equals: { [pk]: scope }, startsWith: { [sk]: keyPrefix.attempt } },
      },
      page,
    );
    return docsPage<DeliveryAttempt>(result);
  }

  async putDeliveryState(state: DeliveryState): Promise<void> {
    await this.#put(deliveryStateItem(state));
  }

  async getDeliveryState(
    tenantId: string,
    eventId: string,
    endpointId: string,
  ): Promise<DeliveryState | undefined> {
    return parseDoc<DeliveryState>(
      await this.#get(deliveryStateKey(tenantId, eventId, endpointId)),
    );
  }

  async getDeliveryStates(
    tenantId: string,
    eventId: string,
    endpointIds: readonly string[],
  ): Promise<Map<string, DeliveryState>> {
    const found = new Map<string, DeliveryState>();
    const unique = [...new Set(endpointIds)];
    for (let start = 0; start < unique.length; start += batchGetLimit) {
      let keys: Array<Record<string, AttributeValue>> = unique
        .slice(start, start + batchGetLimit)
        .map((endpointId) => {
          const key = deliveryStateKey(tenantId, eventId, endpointId);
          return marshall({ [pk]: key.pk, [sk]: key.sk });
        });
      for (let round = 0; keys.length > 0; round++) {
        if (round >= maxBatchRounds) throw new Error('DynamoDB left delivery states unread');
        if (round > 0) await backOff(round);
        const out = await this.#client.send(
          new BatchGetItemCommand({
            RequestItems: { [this.#tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.#tableName] ?? []) {
          const state = parseDoc<DeliveryState>(unmarshall(item));
          if (state) found.set(state.endpointId, state);
        }
        keys = out.UnprocessedKeys?.[this.#tableName]?.Keys ?? [];
      }
    }
    return found;
  }

  async putDeliveryRecords(records: {
    attempts: readonly DeliveryAttempt[];
    states: readonly DeliveryState[];
  }): Promise<void> {
    const writes: WriteRequest[] = [
      ...records.attempts.map(attemptItem),
      ...records.states.map(deliveryStateItem),
    ].map((item) => ({
      PutRequest: { Item: marshall(packItem(item), { removeUndefinedValues: true }) },
    }));
    for (let start = 0; start < writes.length; start += batchWriteLimit) {
      let pending = writes.slice(start, start + batchWriteLimit);
      for (let round = 0; pending.length > 0; round++) {
        if (round >= maxBatchRounds) throw new Error('DynamoDB left delivery records unwritten');
        if (round > 0) await backOff(round);
        const out = await this.#client.send(
          new BatchWriteItemCommand({ RequestItems: { [this.#tableName]: pending } }),
        );
        pending = out.UnprocessedItems?.[this.#tableName] ?? [];
      }
    }
  }

  /**
   * Oldest first, so recovery redelivers in the order events happened. The delivery state is
   * written when its event is first dispatched, so its `createdAt` stands for the event's.
   */
  async listUnsuccessfulDeliveries(
    tenantId: string,
    endpointId: string,
    since: string,
    page: PageRequest,
  ): Promise<Page<DeliveryState>> {
    const partition = unsuccessfulPartition(tenantId, endpointId);
    const result = await this.#listPage(
      {
        index: gsi1,
        keyCondition: '#p = :p AND #s >= :since',
        names: { '#p': gsi1.partitionKey, '#s': gsi1.sortKey },
        values: { ':p': partition, ':since': sortableInstant(since, 'since') },
        newestFirst: false,
        cursor: {
          equals: { [pk]: endpointScope(tenantId, endpointId), [gsi1.partitionKey]: partition },
          startsWith: { [sk]: keyPrefix.delivery },
        },
      },
      page,
    );
    return docsPage<DeliveryState>(result);
  }
}

// ---------------------------------------------------------------------------------------------
// Idempotency items

function idempotencyKey(tenantId: string, key: string): { pk: string; sk: string } {
  return { pk: tenantScope(tenantId), sk: `${keyPrefix.idempotency}${key}` };
}

function idempotencyItem(record: IdempotencyRecord): Item {
  const at = idempotencyKey(record.tenantId, record.key);
  return {
    [pk]: at.pk,
    [sk]: at.sk,
    [attr.entity]: 'idempotency',
    [attr.tenantId]: record.tenantId,
    [ttlAttribute]: record.expiresAt,
    [docAttribute]: JSON.stringify(record),
    phase: record.phase,
    ...(record.phase === 'in_progress'
      ? {
          owner: record.owner,
          leaseUntil: Temporal.Instant.from(record.leaseExpiresAt).epochMilliseconds,
        }
      : {}),
    // Indexed by interview so erasure finds the records of its requests without a Scan.
    ...(record.interviewId !== undefined
      ? {
          [gsi3.partitionKey]: interviewIdempotencyPartition(record.tenantId, record.interviewId),
          [gsi3.sortKey]: at.sk,
        }
      : {}),
  };
}

/** The condition under which only the request holding the claim may change it. */
function ownedClaim(owner: string) {
  return {
    expression: '#phase = :inProgress AND #owner = :owner',
    names: { '#phase': 'phase', '#owner': 'owner' },
    values: { ':inProgress': 'in_progress', ':owner': owner },
  };
}

// ---------------------------------------------------------------------------------------------
// Delivery items, shared by the single and the batched writes.

/** BatchGetItem and BatchWriteItem take at most this many keys / writes per call. */
const batchGetLimit = 100;
const batchWriteLimit = 25;
/** Calls per batch before unprocessed items count as a failure (the caller's retry takes over). */
const maxBatchRounds = 6;

/** Exponential back-off with full jitter before re-sending what DynamoDB left unprocessed. */
function backOff(round: number): Promise<void> {
  const ceilingMs = Math.min(1000, 25 * 2 ** round);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}

function deliveryStateKey(
  tenantId: string,
  eventId: string,
  endpointId: string,
): { pk: string; sk: string } {
  return { pk: endpointScope(tenantId, endpointId), sk: `${keyPrefix.delivery}${eventId}` };
}

function attemptItem(attempt: DeliveryAttempt): Item {
  const attemptedAt = sortableInstant(attempt.attemptedAt, 'attemptedAt');
  const sortKey = `${keyPrefix.attempt}${attemptedAt}#${attempt.id}`;
  return {
    [pk]: endpointScope(attempt.tenantId, attempt.endpointId),
    [sk]: sortKey,
    [attr.entity]: 'attempt',
    [attr.tenantId]: attempt.tenantId,
    [attr.id]: attempt.id,
    [ttlAttribute]: attempt.expiresAt,
    [docAttribute]: JSON.stringify(attempt),
    // Indexed by interview so erasure finds the response excerpts without a Scan.
    ...(attempt.interviewId !== undefined
      ? {
          [gsi3.partitionKey]: interviewAttemptsPartition(attempt.tenantId, attempt.interviewId),
          [gsi3.sortKey]: sortKey,
        }
      : {}),
  };
}

function eventItem(event: StoredEvent): Item {
  const { tenantId, id, type, interviewId } = event;
  const timeKey = `${sortableInstant(event.createdAt, 'createdAt')}#${id}`;
  return {
    [pk]: tenantScope(tenantId),
    [sk]: `${keyPrefix.event}${id}`,
    [attr.entity]: 'event',
    [attr.tenantId]: tenantId,
    [attr.id]: id,
    eventType: type,
    [ttlAttribute]: event.expiresAt,
    [docAttribute]: JSON.stringify(event),
    [gsi1.partitionKey]: eventsPartition(tenantId),
    [gsi1.sortKey]: timeKey,
    [gsi2.partitionKey]: eventTypePartition(tenantId, type),
    [gsi2.sortKey]: timeKey,
    ...(interviewId !== undefined
      ? {
          [gsi3.partitionKey]: interviewEventsPartition(tenantId, interviewId),
          [gsi3.sortKey]: timeKey,
        }
      : {}),
  };
}

function deliveryStateItem(state: DeliveryState): Item {
  const { tenantId, endpointId, eventId } = state;
  const key = deliveryStateKey(tenantId, eventId, endpointId);
  return {
    [pk]: key.pk,
    [sk]: key.sk,
    [attr.entity]: 'delivery',
    [attr.tenantId]: tenantId,
    [attr.status]: state.status,
    [ttlAttribute]: state.expiresAt,
    [docAttribute]: JSON.stringify(state),
    // Sparse: only unfinished deliveries are indexed, so recovery reads no successes.
    ...(state.status !== 'succeeded'
      ? {
          [gsi1.partitionKey]: unsuccessfulPartition(tenantId, endpointId),
          [gsi1.sortKey]: `${sortableInstant(state.createdAt, 'createdAt')}#${eventId}`,
        }
      : {}),
  };
}

function docsPage<T>(page: Page<Item>): Page<T> {
  return {
    items: page.items.flatMap((item) => parseDoc<T>(item) ?? []),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
  };
}

/**
 * When the reconciler next has work on an interview, in the due index's sortable format: the
 * earlier of its next scheduled step and its oldest outbox entry, or undefined when it has
 * neither.
 */
function reconcileDueAt(interview: StoredInterview): string | undefined {
  const times: string[] = [];
  if (interview.nextDueAt !== undefined) {
    times.push(sortableInstant(interview.nextDueAt, 'nextDueAt'));
  }
  for (const entry of interview.outbox ?? []) {
    times.push(sortableInstant(entry.event.createdAt, 'outbox.createdAt'));
  }
  return times.length === 0 ? undefined : times.sort()[0];
}

/** The due time of an index entry: `nextDueAt` as written, unless an outbox entry is earlier. */
function dueRefTime(item: Item): string {
  const sortKeyTime = String(item[dueIndex.sortKey]).split('#')[0] ?? '';
  const nextDueAt = item[attr.nextDueAt];
  if (typeof nextDueAt === 'string' && sortableInstant(nextDueAt, 'nextDueAt') === sortKeyTime) {
    return nextDueAt;
  }
  return sortKeyTime;
}

const dueCursorPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#[^#]+#[^#]+$/;

function decodeDueCursor(cursor: string): string {
  const parsed = decodeCursorJson(cursor);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidCursor();
  }
  const keys = Object.keys(parsed);
  const after: unknown = (parsed as Record<string, unknown>).after;
  if (keys.length !== 1 || typeof after !== 'string' || !dueCursorPattern.test(after)) {
    throw invalidCursor();
  }
  return after;
}
