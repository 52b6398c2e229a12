/**
 * Webhook deliveries: a state per (event, endpoint) and a record per attempt, both in the
 * endpoint's partition; written one at a time or batched, and found again by key (erasure reads
 * the attempts a state lists), by interview (attempts written before states listed them) or by
 * failure (for recovery).
 */
import { documentAttributes } from '../document-schema';
import type {
  AttemptRef,
  DeliveryAttempt,
  DeliveryState,
  Page,
  PageRequest,
  WebhookStore,
} from '../ports';
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
  | 'getAttempts'
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

function attemptKey(tenantId: string, endpointId: string, ref: AttemptRef): ItemKey {
  const attemptedAt = sortableInstant(ref.attemptedAt, 'attemptedAt');
  return {
    pk: endpointScope(tenantId, endpointId),
    sk: `${keyPrefix.attempt}${attemptedAt}#${ref.id}`,
  };
}

/**
 * No index entry: erasure finds the attempt through the delivery state that lists it (see
 * DeliveryState.attemptLog), unless that list was full (`indexedForErasure`): then, as items
 * written before the lists existed, it is found by interview in gsi3.
 */
function attemptItem(attempt: DeliveryAttempt): Item {
  const key = attemptKey(attempt.tenantId, attempt.endpointId, attempt);
  const { interviewId } = attempt;
  return {
    [pk]: key.pk,
    [sk]: key.sk,
    [attr.entity]: 'attempt',
    [attr.tenantId]: attempt.tenantId,
    [attr.id]: attempt.id,
    [ttlAttribute]: attempt.expiresAt,
    ...documentAttributes(attemptDocument, attempt),
    ...(attempt.indexedForErasure && interviewId !== undefined
      ? {
          [gsi3.partitionKey]: interviewAttemptsPartition(attempt.tenantId, interviewId),
          [gsi3.sortKey]: key.sk,
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

    getAttempts: async (tenantId: string, endpointId: string, refs: readonly AttemptRef[]) => {
      const keys = refs.map((ref) => attemptKey(tenantId, endpointId, ref));
      return (await table.batchGet(keys, 'attempts')).flatMap(
        (item) => readItem(attemptDocument, item) ?? [],
      );
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

    /**
     * The states first, then the attempts they list, so an attempt never exists that no state
     * names (erasure finds attempts only through states). A failure in between leaves attempts
     * unlogged, never unfindable.
     */
    putDeliveryRecords: async (records: {
      attempts: readonly DeliveryAttempt[];
      states: readonly DeliveryState[];
    }) => {
      await table.batchPut(records.states.map(deliveryStateItem), 'delivery states');
      await table.batchPut(records.attempts.map(attemptItem), 'delivery attempts');
    },

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
