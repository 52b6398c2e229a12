/**
 * Webhook endpoints: one item each in the tenant's partition, updated on their `version` and
 * `revision` (see webhooks/endpoint-writes for what moves which).
 */
import { AlreadyExistsError, VersionConflictError } from '../../errors';
import { documentAttributes } from '../document-schema';
import type { PageRequest, StoredEndpoint, WebhookStore } from '../ports';
import { endpointDocument } from '../schemas';
import { itemAttributes as attr, keyPrefix, ttlAttribute } from '../table';
import { pk, sk, tenantItemKey, tenantScope } from './keys';
import {
  type DynamoTable,
  documentsPage,
  type Item,
  partitionList,
  readItem,
  type WriteCondition,
  writeOrThrow,
} from './table-client';

type EndpointStore = Pick<
  WebhookStore,
  | 'createEndpoint'
  | 'getEndpoint'
  | 'updateEndpoint'
  | 'deleteEndpoint'
  | 'listDeletedEndpointIds'
  | 'listEndpoints'
>;

const endpointKey = (tenantId: string, id: string) =>
  tenantItemKey(tenantId, keyPrefix.endpoint, id);

function endpointItem(endpoint: StoredEndpoint): Item {
  const at = endpointKey(endpoint.tenantId, endpoint.id);
  return {
    [pk]: at.pk,
    [sk]: at.sk,
    [attr.entity]: 'endpoint',
    [attr.tenantId]: endpoint.tenantId,
    [attr.id]: endpoint.id,
    [attr.version]: endpoint.version,
    ...(endpoint.revision === undefined ? {} : { [attr.revision]: endpoint.revision }),
    ...documentAttributes(endpointDocument, endpoint),
  };
}

/**
 * The condition of an update: the version read and, when `next` carries a revision, the
 * revision before it. An item without the attribute passes the revision part: it was stored
 * before revisions existed, or last written by code that did not know them — and such code
 * always moved the version, which the first part still guards.
 */
function updateCondition(next: StoredEndpoint, expectedVersion: number): WriteCondition {
  if (next.revision === undefined) {
    return {
      expression: '#version = :expected',
      names: { '#version': attr.version },
      values: { ':expected': expectedVersion },
    };
  }
  return {
    expression:
      '#version = :expected AND (attribute_not_exists(#revision) OR #revision = :previous)',
    names: { '#version': attr.version, '#revision': attr.revision },
    values: { ':expected': expectedVersion, ':previous': next.revision - 1 },
  };
}

export function endpointEntity(table: DynamoTable): EndpointStore {
  return {
    createEndpoint: (endpoint: StoredEndpoint) =>
      writeOrThrow(
        table.putNew(endpointItem(endpoint)),
        () => new AlreadyExistsError(`Endpoint ${endpoint.id} already exists`),
      ),

    getEndpoint: async (tenantId: string, id: string) =>
      readItem(endpointDocument, await table.get(endpointKey(tenantId, id))),

    updateEndpoint: async (next: StoredEndpoint, expectedVersion: number) => {
      const bumps = next.version === expectedVersion + 1;
      if (!bumps && !(next.version === expectedVersion && next.revision !== undefined)) {
        throw new Error(
          `updateEndpoint: version must be ${expectedVersion + 1} (or ${expectedVersion} with a revision), got ${next.version}`,
        );
      }
      await writeOrThrow(
        table.put(endpointItem(next), updateCondition(next, expectedVersion)),
        () =>
          new VersionConflictError(
            `Endpoint ${next.id} is not at version ${expectedVersion}` +
              (next.revision === undefined ? '' : `, revision ${next.revision - 1}`) +
              ' (changed or gone)',
          ),
      );
    },

    deleteEndpoint: async (tenantId: string, id: string, keepUntil: number) => {
      // The marker first: a crash in between leaves the endpoint, which a retry deletes.
      const marker = tenantItemKey(tenantId, keyPrefix.deletedEndpoint, id);
      await table.put({
        [pk]: marker.pk,
        [sk]: marker.sk,
        [attr.entity]: 'deleted-endpoint',
        [attr.id]: id,
        [ttlAttribute]: keepUntil,
      });
      await table.delete(endpointKey(tenantId, id));
    },

    listDeletedEndpointIds: async (tenantId: string) => {
      const ids: string[] = [];
      const list = partitionList(tenantScope(tenantId), keyPrefix.deletedEndpoint, false);
      let cursor: string | undefined;
      do {
        const page = await table.listPage(list, {
          limit: 100,
          ...(cursor === undefined ? {} : { cursor }),
        });
        for (const item of page.items) ids.push(String(item[attr.id]));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return ids;
    },

    listEndpoints: async (tenantId: string, page: PageRequest) => {
      const list = partitionList(tenantScope(tenantId), keyPrefix.endpoint, true);
      return documentsPage(endpointDocument, await table.listPage(list, page));
    },
  };
}
