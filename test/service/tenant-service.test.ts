import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { FixedClock } from '../../shared/clock';
import type { PolicyOverrides } from '../../shared/domain/model';
import { ValidationError } from '../../shared/errors';
import {
  apiKeyCacheTtlMs,
  generateApiKey,
  hashApiKey,
  TenantService,
} from '../../shared/service/tenant-service';
import type { Tenant, TenantStore } from '../../shared/store/ports';

/** Just enough of a TenantStore to see what the service writes. */
class MemoryTenantStore implements TenantStore {
  readonly tenants = new Map<string, Tenant>();
  readonly keyHashes = new Map<string, string>();
  readonly policies = new Map<string, PolicyOverrides>();
  async createTenant(tenant: Tenant) {
    this.tenants.set(tenant.id, tenant);
  }
  async getTenant(id: string) {
    return this.tenants.get(id);
  }
  async putApiKeyHash(hash: string, tenantId: string) {
    this.keyHashes.set(hash, tenantId);
  }
  async findTenantByKeyHash(hash: string) {
    return this.keyHashes.get(hash);
  }
  async getPolicy(tenantId: string) {
    return this.policies.get(tenantId);
  }
  async putPolicy(tenantId: string, policy: PolicyOverrides) {
    this.policies.set(tenantId, policy);
  }
}

const clock = new FixedClock(Temporal.Instant.from('2026-03-02T09:00:00Z'));

describe('TenantService', () => {
  it('creates a tenant whose key authenticates and is stored only as a hash', async () => {
    const store = new MemoryTenantStore();
    const service = new TenantService({ store, clock });
    const { tenantId, apiKey } = await service.createTenant('  Northwind  ');
    expect(apiKey).toMatch(/^afv_[0-9A-Za-z]{32}$/);
    expect(store.tenants.get(tenantId)).toEqual({
      id: tenantId,
      name: 'Northwind',
      createdAt: '2026-03-02T09:00:00Z',
    });
    expect([...store.keyHashes.keys()]).toEqual([hashApiKey(apiKey)]);
    expect(JSON.stringify([...store.keyHashes])).not.toContain(apiKey);
    expect(await service.authenticate(apiKey)).toBe(tenantId);
  });

  it.each([undefined, '', 'afv_', 'sk_live_abc', `afv_${'a'.repeat(300)}`, generateApiKey()])(
    'refuses the key %j',
    async (key) => {
      const service = new TenantService({ store: new MemoryTenantStore(), clock });
      expect(await service.authenticate(key)).toBeUndefined();
    },
  );

  it('accepts a fixed development key and refuses one that is too short', async () => {
    const service = new TenantService({ store: new MemoryTenantStore(), clock });
    const fixed = 'afv_dev_key_for_local_runtime_only';
    const { tenantId } = await service.createTenant('Dev', { apiKey: fixed });
    expect(await service.authenticate(fixed)).toBe(tenantId);
    await expect(service.createTenant('Dev', { apiKey: 'afv_short' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(service.createTenant('   ')).rejects.toBeInstanceOf(ValidationError);
  });

  it('generates distinct keys', () => {
    const keys = new Set(Array.from({ length: 200 }, generateApiKey));
    expect(keys.size).toBe(200);
  });
  it('remembers a known key for a minute and never remembers an unknown one', async () => {
    const store = new MemoryTenantStore();
    let monotonic = 0;
    const service = new TenantService({ store, clock, monotonicMs: () => monotonic });
    const { tenantId, apiKey } = await service.createTenant('Northwind');
    let lookups = 0;
    const find = store.findTenantByKeyHash.bind(store);
    store.findTenantByKeyHash = async (hash: string) => {
      lookups++;
      return find(hash);
    };

    const unknown = generateApiKey();
    expect(await service.authenticate(unknown)).toBeUndefined();
    store.keyHashes.set(hashApiKey(unknown), tenantId);
    expect(await service.authenticate(unknown)).toBe(tenantId); // a new key works at once
    expect(lookups).toBe(2);

    expect(await service.authenticate(apiKey)).toBe(tenantId);
    expect(await service.authenticate(apiKey)).toBe(tenantId);
    expect(lookups).toBe(3);

    store.keyHashes.delete(hashApiKey(apiKey));
    monotonic += apiKeyCacheTtlMs - 1;
    expect(await service.authenticate(apiKey)).toBe(tenantId);
    monotonic += 1;
    expect(await service.authenticate(apiKey)).toBeUndefined();
    expect(lookups).toBe(4);
  });
});
