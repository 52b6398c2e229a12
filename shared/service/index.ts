import type { ServiceDeps } from './deps';
import { InterviewService } from './interview-service';
import { PolicyService } from './policy-service';
import { TenantService } from './tenant-service';

export * from './deps';
export * from './events';
export { InterviewService, nextDueAt, stepWakeups, type WriteOptions } from './interview-service';
export { PolicyService, type TenantPolicyView } from './policy-service';
export {
  apiKeyFormatProblem,
  type CreatedTenant,
  generateApiKey,
  hashApiKey,
  TenantService,
} from './tenant-service';

/** The application services the HTTP app and the entry points use. */
export interface Services {
  interviews: InterviewService;
  policy: PolicyService;
  tenants: TenantService;
}

/** Builds every service from one set of adapters. */
export function createServices(deps: ServiceDeps): Services {
  return {
    interviews: new InterviewService(deps),
    policy: new PolicyService(deps),
    tenants: new TenantService(deps),
  };
}
