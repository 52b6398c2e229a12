import { defaultPolicy, type Policy, type PolicyOverrides, policySchema } from './model';

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

/**
 * A stored overrides document with every field its schema now refuses left out, and the names
 * of those fields. Overrides are checked when they are written, but bounds can tighten after a
 * document was stored (a `moveOnAfter` of `P99999999999D` was once accepted, and no plan can be
 * built with it): such a field falls back to the layer below rather than failing every plan.
 */
export function usableOverrides(overrides: PolicyOverrides): {
  overrides: PolicyOverrides;
  refused: string[];
} {
  const kept: Record<string, unknown> = {};
  const refused: string[] = [];
  const shape = policySchema.shape as Record<
    string,
    { safeParse(value: unknown): { success: boolean } }
  >;
  for (const [field, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const schema = Object.hasOwn(shape, field) ? shape[field] : undefined;
    if (schema?.safeParse(value).success) kept[field] = value;
    else refused.push(field);
  }
  return { overrides: kept as PolicyOverrides, refused };
}
