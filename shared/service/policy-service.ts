import { resolvePolicy } from '../domain';
import type { Policy, PolicyOverrides } from '../domain/model';
import type { TenantStore } from '../store/ports';

/** A tenant's policy as the API shows it: what applies, and what the tenant set itself. */
export interface TenantPolicyView {
  /** The built-in defaults with the tenant's overrides applied. */
  policy: Policy;
  /** Only the fields the tenant has set. */
  overrides: PolicyOverrides;
  /**
   * When a change reaches interviews: new plans at once, existing interviews at their next
   * re-plan (PATCH or signal; `#mutate` resolves the tenant's defaults afresh on every write).
   */
  appliesTo: 'new_plans_and_replans';
}

/** Tenant-wide policy defaults; each interview may override them again. */
export class PolicyService {
  constructor(private readonly deps: { store: Pick<TenantStore, 'getPolicy' | 'putPolicy'> }) {}

  async get(tenantId: string): Promise<TenantPolicyView> {
    const overrides = (await this.deps.store.getPolicy(tenantId)) ?? {};
    return { policy: resolvePolicy(overrides), overrides, appliesTo: 'new_plans_and_replans' };
  }

  /**
   * Replaces the tenant's overrides. The merged policy is resolved before storing so an
   * inconsistent combination (e.g. a send window that ends before it starts) is refused.
   */
  async put(tenantId: string, overrides: PolicyOverrides): Promise<TenantPolicyView> {
    const policy = resolvePolicy(overrides);
    await this.deps.store.putPolicy(tenantId, overrides);
    return { policy, overrides, appliesTo: 'new_plans_and_replans' };
  }
}
