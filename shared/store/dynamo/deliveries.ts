/**
 * Webhook deliveries: a state per (event, endpoint) and a record per attempt, both in the
 * endpoint's partition; written one at a time or batched, and found again by interview (for
 * erasure) or by failure (for recovery).
 */
import { documentAttributes } from '../document-schema';
import type { DeliveryAttempt, DeliveryState, Page, PageRequest, WebhookStore } from '../ports';
import { attemptDocument, deliveryStateDocument } from '../schemas';
import { itemAttributes as attr, gsi1, gsi3, keyPrefix, ttlAttribute } from '../table';
import {
  endpointScope,
  type ItemKey,
  interviewAttemptsPartition,
  pk,
  sk,
  sortableInstant,
  tenantScope,
  unsuccessfulPartition,
} from './keys';
import {
  type DynamoTable,
  documentsPage,
  type Item,
  indexList,
  partitionList,
  readItem,
} from './table-client';

type DeliveryStore = Pick<
  WebhookStore,
  | 'putAttempt'
  | 'listInterviewAttempts'
  | 'listAttempts'
  | 'putDeliveryState'
  | 'getDeliveryState'
  | 'getDeliveryStates'
  | 'putDeliveryRecords'
  | 'listUnsuccessfulDeliveries'
>;

function deliveryStateKey(tenantId: string, eventId: string, endpointId: string): ItemKey {
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
    ...documentAttributes(attemptDocument, attempt),
    // Indexed by interview so erasure finds the response excerpts without a Scan.
    ...(attempt.interviewId !== undefined
      ? {
          [gsi3.partitionKey]: interviewAttemptsPartition(attempt.tenantId, attempt.interviewId),
          [gsi3.sortKey]: sortKey,
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
    ...documentAttributes(deliveryStateDocument, state),
    // Sparse: only unfinished deliveries are indexed, so recovery reads no successes.
    ...(state.status !== 'succeeded'
      ? {
          [gsi1.partitionKey]: unsuccessfulPartition(tenantId, endpointId),
          [gsi1.sortKey]: `${sortableInstant(state.createdAt, 'createdAt')}#${eventId}`,
        }
      : {}),
  };
}

export function deliveryEntity(table: DynamoTable): DeliveryStore {
  return {
    putAttempt: async (attempt: DeliveryAttempt) => {
      await table.put(attemptItem(attempt));
    },

    listInterviewAttempts: async (tenantId: string, interviewId: string, page: PageRequest) => {
      const list = indexList(
        gsi3,
        interviewAttemptsPartition(tenantId, interviewId),
        {
          startsWith: {
            [pk]: `${tenantScope(tenantId)}#${keyPrefix.endpoint}`,
            [sk]: keyPrefix.attempt,
          },
        },
        false,
      );
      return documentsPage(attemptDocument, await table.listPage(list, page));
    },

    listAttempts: async (tenantId: string, endpointId: string, page: PageRequest) => {
      const list = partitionList(endpointScope(tenantId, endpointId), keyPrefix.attempt, true);
      return documentsPage(attemptDocument, await table.listPage(list, page));
    },

    putDeliveryState: async (state: DeliveryState) => {
      await table.put(deliveryStateItem(state));
    },

    getDeliveryState: async (tenantId: string, eventId: string, endpointId: string) =>
      readItem(
        deliveryStateDocument,
        await table.get(deliveryStateKey(tenantId, eventId, endpointId)),
      ),

    getDeliveryStates: async (
      tenantId: string,
      eventId: string,
      endpointIds: readonly string[],
    ) => {
      const keys = [...new Set(endpointIds)].map((endpointId) =>
        deliveryStateKey(tenantId, eventId, endpointId),
      );
      const found = new Map<string, DeliveryState>();
      for (const item of await table.batchGet(keys, 'delivery states')) {
        const state = readItem(deliveryStateDocument, item);
        if (state) found.set(state.endpointId, state);
      }
      return found;
    },

    putDeliveryRecords: (records: {
      attempts: readonly DeliveryAttempt[];
      states: readonly DeliveryState[];
    }) =>
      table.batchPut(
        [...records.attempts.map(attemptItem), ...records.states.map(deliveryStateItem)],
        'delivery records',
      ),

    /**
     * Oldest first, so recovery redelivers in the order events happened. The delivery state
     * is written when its event is first dispatched, so its `createdAt` stands for the event's.
     */
    listUnsuccessfulDeliveries: async (
      tenantId: string,
      endpointId: string,
      since: string,
      page: PageRequest,
    ): Promise<Page<DeliveryState>> => {
      const list = indexList(
        gsi1,
        unsuccessfulPartition(tenantId, endpointId),
        {
          equals: { [pk]: endpointScope(tenantId, endpointId) },
          startsWith: { [sk]: keyPrefix.delivery },
        },
        false,
      );
      list.keyCondition = '#p = :p AND #s >= :since';
      list.names['#s'] = gsi1.sortKey;
      list.values[':since'] = sortableInstant(since, 'since');
      return documentsPage(deliveryStateDocument, await table.listPage(list, page));
    },
  };
}
