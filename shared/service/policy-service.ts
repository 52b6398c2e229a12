import { resolvePolicy } from '../domain';
import type { Policy, PolicyOverrides } from '../domain/model';
import type { TenantStore } from '../store/ports';
import { TenantPolicies } from './policy-cache';

/** A tenant's policy as the API shows it: what applies, and what the tenant set itself. */
export interface TenantPolicyView {
  /** The built-in defaults with the tenant's overrides applied. */
  policy: Policy;
  /** Only the fields the tenant has set. */
  overrides: PolicyOverrides;
  /**
   * When a change reaches interviews: new plans at once (within `policyCacheTtlMs`, 5 s, in
   * processes other than the one that stored it), existing interviews at their next re-plan
   * (PATCH or signal; `#mutate` resolves the tenant's defaults on every write).
   */
  appliesTo: 'new_plans_and_replans';
}

/** Tenant-wide policy defaults; each interview may override them again. */
export class PolicyService {
  readonly #policies: TenantPolicies;

  constructor(deps: {
    store: Pick<TenantStore, 'getPolicy' | 'putPolicy'>;
    /** The cache plans read; unset, a private uncached one. */
    policies?: TenantPolicies;
  }) {
    this.#policies = deps.policies ?? new TenantPolicies({ store: deps.store, ttlMs: 0 });
  }

  /** Always read from the table (and handed to this process's planning cache). */
  async get(tenantId: string): Promise<TenantPolicyView> {
    const overrides = (await this.#policies.fresh(tenantId)) ?? {};
    return { policy: resolvePolicy(overrides), overrides, appliesTo: 'new_plans_and_replans' };
  }

  /**
   * Replaces the tenant's overrides. The merged policy is resolved before storing so an
   * inconsistent combination (e.g. a send window that ends before it starts) is refused.
   */
  async put(tenantId: string, overrides: PolicyOverrides): Promise<TenantPolicyView> {
    const policy = resolvePolicy(overrides);
    await this.#policies.put(tenantId, overrides);
    return { policy, overrides, appliesTo: 'new_plans_and_replans' };
  }
}
