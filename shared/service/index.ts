import type { ServiceDeps } from './deps';
import { InterviewService } from './interview-service';
import { TenantPolicies } from './policy-cache';
import { PolicyService } from './policy-service';
import { TenantService } from './tenant-service';

export * from './deps';
export * from './events';
export { apiKeyFormatProblem, hashApiKey, TenantService } from './tenant-service';

/** The application services the HTTP app and the entry points use. */
export interface Services {
  interviews: InterviewService;
  policy: PolicyService;
  tenants: TenantService;
}

/** Builds every service from one set of adapters, sharing one tenant policy cache. */
export function createServices(deps: ServiceDeps): Services {
  const withPolicies = { ...deps, policies: deps.policies ?? new TenantPolicies(deps) };
  return {
    interviews: new InterviewService(withPolicies),
    policy: new PolicyService(withPolicies),
    tenants: new TenantService(deps),
  };
}
