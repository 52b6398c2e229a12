import { defaultPolicy, type Policy, type PolicyOverrides } from './model';

function defined(overrides: PolicyOverrides | undefined): PolicyOverrides {
  if (!overrides) return {};
  // A stored override may carry explicit `undefined`s (e.g. after a merge patch); they must not
  // erase a default.
  return Object.fromEntries(
    Object.entries(overrides).filter(([, value]) => value !== undefined),
  ) as PolicyOverrides;
}

/**
 * The policy one interview is planned with: {@link defaultPolicy}, then the tenant's defaults,
 * then the interview's own overrides. Each layer replaces whole fields (hours and day lists are
 * not merged element by element), so an override always means what it says.
 */
export function resolvePolicy(
  tenantDefaults?: PolicyOverrides,
  overrides?: PolicyOverrides,
): Policy {
  return { ...defaultPolicy, ...defined(tenantDefaults), ...defined(overrides) };
}
