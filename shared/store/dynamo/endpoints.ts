/** Webhook endpoints: one item each in the tenant's partition, updated on their `version`. */
import { AlreadyExistsError } from '../../errors';
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
  versionedUpdate,
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
    ...documentAttributes(endpointDocument, endpoint),
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

    updateEndpoint: (next: StoredEndpoint, expectedVersion: number) =>
      versionedUpdate('Endpoint', next, expectedVersion, () =>
        table.putIfVersion(endpointItem(next), expectedVersion),
      ),

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
