/**
 * Idempotency-Key records: claimed (in progress, with a lease) by a conditional put before the
 * work runs, then completed with the response, released, or erased with their interview.
 */
import { Temporal } from 'temporal-polyfill';
import { documentAttributes } from '../document-schema';
import type {
  IdempotencyCompleted,
  IdempotencyErased,
  IdempotencyInProgress,
  IdempotencyRecord,
  IdempotencyStore,
  PageRequest,
} from '../ports';
import { idempotencyDocument } from '../schemas';
import { itemAttributes as attr, gsi3, keyPrefix, ttlAttribute } from '../table';
import { interviewIdempotencyPartition, pk, sk, tenantItemKey, tenantScope } from './keys';
import { type DynamoTable, documentsPage, type Item, indexList, readItem } from './table-client';

const idempotencyKey = (tenantId: string, key: string) =>
  tenantItemKey(tenantId, keyPrefix.idempotency, key);

function idempotencyItem(record: IdempotencyRecord): Item {
  const at = idempotencyKey(record.tenantId, record.key);
  return {
    [pk]: at.pk,
    [sk]: at.sk,
    [attr.entity]: 'idempotency',
    [attr.tenantId]: record.tenantId,
    [ttlAttribute]: record.expiresAt,
    ...documentAttributes(idempotencyDocument, record),
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

export function idempotencyEntity(table: DynamoTable): IdempotencyStore {
  return {
    getIdempotency: async (tenantId: string, key: string) => {
      const record = readItem(idempotencyDocument, await table.get(idempotencyKey(tenantId, key)));
      // TTL deletion is lazy on DynamoDB and absent on dynalite: an expired record is gone.
      if (!record || record.expiresAt < table.nowSeconds()) return undefined;
      return record;
    },

    claimIdempotency: (record: IdempotencyInProgress) =>
      table.put(idempotencyItem(record), {
        // Free when absent, expired (TTL has not removed it yet), or claimed by a request whose
        // lease ran out: that request died, or outlived every timeout we allow it.
        expression:
          'attribute_not_exists(#pk) OR #expires < :nowSeconds OR (#phase = :inProgress AND #lease < :nowMs)',
        names: { '#pk': pk, '#expires': ttlAttribute, '#phase': 'phase', '#lease': 'leaseUntil' },
        values: {
          ':nowSeconds': table.nowSeconds(),
          ':inProgress': 'in_progress',
          ':nowMs': table.clock.now().epochMilliseconds,
        },
      }),

    completeIdempotency: (record: IdempotencyCompleted, owner: string) =>
      table.put(idempotencyItem(record), ownedClaim(owner)),

    releaseIdempotency: async (tenantId: string, key: string, owner: string) => {
      // False when someone else holds the key now (our lease ran out): theirs to finish.
      await table.delete(idempotencyKey(tenantId, key), ownedClaim(owner));
    },

    listInterviewIdempotency: async (tenantId: string, interviewId: string, page: PageRequest) => {
      const list = indexList(
        gsi3,
        interviewIdempotencyPartition(tenantId, interviewId),
        { equals: { [pk]: tenantScope(tenantId) }, startsWith: { [sk]: keyPrefix.idempotency } },
        false,
      );
      const result = await table.listPage(list, page);
      return documentsPage(idempotencyDocument, result);
    },

    putErasedIdempotency: async (record: IdempotencyErased) => {
      await table.put(idempotencyItem(record));
    },
  };
}
