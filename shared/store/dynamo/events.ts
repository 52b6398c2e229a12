/** Events: one item each in the tenant's partition, listed by time, by type or by interview. */
import { documentAttributes } from '../document-schema';
import type { EventListQuery, StoredEvent, WebhookStore } from '../ports';
import { eventDocument } from '../schemas';
import { itemAttributes as attr, gsi1, gsi2, gsi3, keyPrefix, ttlAttribute } from '../table';
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
import { type DynamoTable, documentsPage, type Item, indexList, readItem } from './table-client';

type EventStore = Pick<WebhookStore, 'putEvent' | 'putRedactedEvent' | 'getEvent' | 'listEvents'>;

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

/** The index and partition that list `query`: by interview, by type, or all of the tenant's. */
function eventIndexPartition(tenantId: string, query: EventListQuery) {
  if (query.interviewId !== undefined) {
    return { index: gsi3, partition: interviewEventsPartition(tenantId, query.interviewId) };
  }
  if (query.type !== undefined) {
    return { index: gsi2, partition: eventTypePartition(tenantId, query.type) };
  }
  return { index: gsi1, partition: eventsPartition(tenantId) };
}

export function eventEntity(table: DynamoTable): EventStore {
  return {
    putEvent: (event: StoredEvent) => table.putNew(eventItem(event)),

    putRedactedEvent: async (event: StoredEvent) => {
      // Same keys and index entries as the original: only the document changes.
      await table.put(eventItem(event));
    },

    getEvent: async (tenantId: string, id: string) =>
      readItem(eventDocument, await table.get(eventKey(tenantId, id))),

    listEvents: async (tenantId: string, query: EventListQuery) => {
      const { index, partition } = eventIndexPartition(tenantId, query);
      const list = indexList(
        index,
        partition,
        { equals: { [pk]: tenantScope(tenantId) }, startsWith: { [sk]: keyPrefix.event } },
        true,
      );
      // By interview and type: the interview's partition, filtered (gsi3 projects the type).
      if (query.interviewId !== undefined && query.type !== undefined) {
        list.filter = '#type = :type';
        list.names['#type'] = attr.eventType;
        list.values[':type'] = query.type;
      }
      return documentsPage(eventDocument, await table.listPage(list, query));
    },
  };
}
