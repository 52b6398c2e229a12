/** Tenants, their API key hashes and their policy overrides. */
import type { PolicyOverrides } from '../../domain/model';
import { AlreadyExistsError } from '../../errors';
import { documentAttributes } from '../document-schema';
import type { Tenant, TenantStore } from '../ports';
import { policyDocument, tenantDocument } from '../schemas';
import { itemAttributes as attr, keyPrefix } from '../table';
import { type ItemKey, pk, sk, tenantScope } from './keys';
import { type DynamoTable, readItem, writeOrThrow } from './table-client';

const tenantKey = (tenantId: string): ItemKey => ({
  pk: `${keyPrefix.tenant}${tenantId}`,
  sk: 'TENANT',
});
const apiKeyKey = (keyHash: string): ItemKey => ({
  pk: `${keyPrefix.apiKey}${keyHash}`,
  sk: 'KEY',
});
const policyKey = (tenantId: string): ItemKey => ({ pk: tenantScope(tenantId), sk: 'POLICY' });

export function tenantEntity(table: DynamoTable): TenantStore {
  return {
    createTenant: (tenant: Tenant) => {
      const at = tenantKey(tenant.id);
      return writeOrThrow(
        table.putNew({
          [pk]: at.pk,
          [sk]: at.sk,
          [attr.entity]: 'tenant',
          [attr.tenantId]: tenant.id,
          ...documentAttributes(tenantDocument, tenant),
        }),
        () => new AlreadyExistsError(`Tenant ${tenant.id} already exists`),
      );
    },

    getTenant: async (tenantId: string) =>
      readItem(tenantDocument, await table.get(tenantKey(tenantId))),

    putApiKeyHash: async (keyHash: string, tenantId: string, createdAt: string) => {
      const at = apiKeyKey(keyHash);
      // Unconditional: re-registering the same (fixed development) key on every start is normal.
      await table.put({
        [pk]: at.pk,
        [sk]: at.sk,
        [attr.entity]: 'api_key',
        [attr.tenantId]: tenantId,
        createdAt,
      });
    },

    findTenantByKeyHash: async (keyHash: string) => {
      const tenantId = (await table.get(apiKeyKey(keyHash)))?.[attr.tenantId];
      return typeof tenantId === 'string' ? tenantId : undefined;
    },

    getPolicy: async (tenantId: string) =>
      readItem(policyDocument, await table.get(policyKey(tenantId))),

    putPolicy: async (tenantId: string, policy: PolicyOverrides) => {
      const at = policyKey(tenantId);
      await table.put({
        [pk]: at.pk,
        [sk]: at.sk,
        [attr.entity]: 'policy',
        [attr.tenantId]: tenantId,
        ...documentAttributes(policyDocument, policy),
      });
    },
  };
}
