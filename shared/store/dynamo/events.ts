/**
 * Events: one item each in the tenant's partition, listed by time, by type or by interview.
 *
 * An event sits in two indexes, not three: `gsi2` lists it by type and `gsi3` by interview. The
 * tenant-wide list merges the type partitions of `gsi2` (one per type in
 * ../../webhooks/event-types) newest first, the way the reconciler merges the due shards, instead
 * of keeping a third entry per event in a tenant partition of `gsi1`: that entry cost a write
 * unit per event. An event of a type outside the set (none today) still gets its `gsi1` entry,
 * and so do events written before this change; the merge reads that partition too and drops
 * the duplicates.
 */

import { type AttributeValue, QueryCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { eventTypes } from '../../webhooks/event-types';
import { documentAttributes } from '../document-schema';
import type { EventListQuery, Page, PageRequest, StoredEvent, WebhookStore } from '../ports';
import { eventDocument } from '../schemas';
import { itemAttributes as attr, gsi1, gsi2, gsi3, keyPrefix, ttlAttribute } from '../table';
import { clampLimit, decodeCursor, encodeCursor } from './cursor';
import {
  eventsPartition,
  eventTypePartition,
  interviewEventsPartition,
  pk,
  sk,
  sortableInstant,
  tenantItemKey,
  tenantScope,
} from './keys';
import {
  type DynamoTable,
  documentsPage,
  type Item,
  indexList,
  type ListQuery,
  readItem,
} from './table-client';

type EventStore = Pick<WebhookStore, 'putEvent' | 'putRedactedEvent' | 'getEvent' | 'listEvents'>;

/**
 * The tenant-wide list merges the `gsi2` partitions of every type the service writes; each
 * page reads every one of them (up to `limit + 1` keys each) plus the `gsi1` partition, where
 * events written before the merge (and any of a type not in the list) are.
 */
const merged: ReadonlySet<string> = new Set(eventTypes);

const eventKey = (tenantId: string, id: string) => tenantItemKey(tenantId, keyPrefix.event, id);

function eventItem(event: StoredEvent): Item {
  const { tenantId, id, type, interviewId } = event;
  const at = eventKey(tenantId, id);
  const timeKey = `${sortableInstant(event.createdAt, 'createdAt')}#${id}`;
  return {
    [pk]: at.pk,
    [sk]: at.sk,
    [attr.entity]: 'event',
    [attr.tenantId]: tenantId,
    [attr.id]: id,
    [attr.eventType]: type,
    [ttlAttribute]: event.expiresAt,
    ...documentAttributes(eventDocument, event),
    // Only a type the tenant-wide list does not merge from gsi2 needs the tenant-wide entry.
    ...(merged.has(type)
      ? {}
      : { [gsi1.partitionKey]: eventsPartition(tenantId), [gsi1.sortKey]: timeKey }),
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

/** The list of one index partition: by interview (filtered by type) or by type. */
function eventList(tenantId: string, query: EventListQuery): ListQuery {
  const byInterview = query.interviewId !== undefined;
  const list = indexList(
    byInterview ? gsi3 : gsi2,
    byInterview
      ? interviewEventsPartition(tenantId, query.interviewId as string)
      : eventTypePartition(tenantId, query.type as string),
    { equals: { [pk]: tenantScope(tenantId) }, startsWith: { [sk]: keyPrefix.event } },
    true,
  );
  // By interview and type: the interview's partition, filtered (gsi3 projects the type).
  if (byInterview && query.type !== undefined) {
    list.filter = '#type = :type';
    list.names['#type'] = attr.eventType;
    list.values[':type'] = query.type;
  }
  return list;
}

/**
 * One page of the tenant's events, newest first, merged from the type partitions of gsi2 and
 * the tenant partition of gsi1. Every partition is read to `limit + 1` keys older than the
 * cursor, so the merge's first `limit` keys are exactly the newest `limit` of the union, and
 * more exist exactly when the merge holds more than `limit` distinct keys: pages and cursors
 * behave as the single-partition list did. The cursor has the shape that list's had (the last
 * event's keys with its gsi1 keys), so cursors handed out before this change still work.
 */
async function tenantEventsPage(
  table: DynamoTable,
  tenantId: string,
  page: PageRequest,
): Promise<Page<Item>> {
  const limit = clampLimit(page.limit);
  const partition = eventsPartition(tenantId);
  const before =
    page.cursor === undefined
      ? undefined
      : decodeCursor(page.cursor, {
          attributes: [pk, sk, gsi1.partitionKey, gsi1.sortKey],
          equals: { [pk]: tenantScope(tenantId), [gsi1.partitionKey]: partition },
          startsWith: { [sk]: keyPrefix.event },
        })[gsi1.sortKey]?.S;
  const sources = [
    { index: gsi1, partition },
    ...eventTypes.map((type) => ({
      index: gsi2,
      partition: eventTypePartition(tenantId, type),
    })),
  ];
  const read = await Promise.all(
    sources.map(({ index, partition: p }) =>
      newestKeys(table, index.indexName, index.partitionKey, index.sortKey, p, limit + 1, before),
    ),
  );
  const byTime = new Map<string, Item>();
  for (const entries of read) for (const entry of entries) byTime.set(entry.time, entry.key);
  const times = [...byTime.keys()].sort().reverse();
  const pageTimes = times.slice(0, limit);
  const keys = pageTimes.map((time) => byTime.get(time) as Item);
  const items = await table.itemsInOrder(keys, 'listed events');
  const last = keys[keys.length - 1];
  const lastTime = pageTimes[pageTimes.length - 1];
  return {
    items,
    ...(times.length > limit && last && lastTime
      ? {
          nextCursor: encodeCursor({
            [pk]: String(last[pk]),
            [sk]: String(last[sk]),
            [gsi1.partitionKey]: partition,
            [gsi1.sortKey]: lastTime,
          }),
        }
      : {}),
  };
}

/**
 * Up to `count` entries of one index partition, newest first, whose sort key (the event's time
 * key) is below `before`: each entry's base-table key and its time key.
 */
async function newestKeys(
  table: DynamoTable,
  indexName: string,
  partitionKey: string,
  sortKey: string,
  partition: string,
  count: number,
  before: string | undefined,
): Promise<Array<{ key: Item; time: string }>> {
  const entries: Array<{ key: Item; time: string }> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const out = await table.client.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: indexName,
        KeyConditionExpression: before === undefined ? '#p = :p' : '#p = :p AND #s < :before',
        ExpressionAttributeNames: {
          '#p': partitionKey,
          ...(before === undefined ? {} : { '#s': sortKey }),
        },
        ExpressionAttributeValues: marshall({
          ':p': partition,
          ...(before === undefined ? {} : { ':before': before }),
        }),
        ScanIndexForward: false,
        Limit: count - entries.length,
        ExclusiveStartKey: startKey,
      }),
    );
    for (const raw of out.Items ?? []) {
      const entry = unmarshall(raw);
      entries.push({ key: { [pk]: entry[pk], [sk]: entry[sk] }, time: String(entry[sortKey]) });
    }
    startKey = out.LastEvaluatedKey;
  } while (startKey && entries.length < count);
  return entries;
}

export function eventEntity(table: DynamoTable): EventStore {
  return {
    putEvent: (event: StoredEvent) => table.putNew(eventItem(event)),

    putRedactedEvent: async (event: StoredEvent) => {
      // Same keys and index entries as the original (an event written before the tenant-wide
      // list merged gsi2 loses its now redundant gsi1 entry): only the document changes.
      await table.put(eventItem(event));
    },

    getEvent: async (tenantId: string, id: string) =>
      readItem(eventDocument, await table.get(eventKey(tenantId, id))),

    listEvents: async (tenantId: string, query: EventListQuery) =>
      documentsPage(
        eventDocument,
        query.interviewId === undefined && query.type === undefined
          ? await tenantEventsPage(table, tenantId, query)
          : await table.listPage(eventList(tenantId, query), query),
      ),
  };
}
