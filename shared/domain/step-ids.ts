import { stableId } from '../ids';
import type { PlanChange, Step } from './model';

/**
 * Makes the ids of the steps a change created unique to one interview. The planner derives a
 * step's id from its plan slot and due time, so two interviews with the same input would share
 * ids; integrators store step ids as keys, and schedules and events are named after them. Every
 * id the change introduced (not present in `previous`) is re-derived from `seed` (the
 * interview id), so it is unique across tenants and still deterministic: the same change on the
 * same interview gives the same ids, and steps a re-plan keeps keep theirs.
 *
 * A re-derived id that an earlier step of the interview already had (a step moved back to a
 * time it once had) is re-keyed again, so ids stay unique within the interview. A cancel reason
 * that names a new step ("snoozed; replaced by stp_…") and a `supersededBy` are updated to its
 * final id.
 */
export function scopeStepIds(
  previous: readonly Step[],
  change: PlanChange,
  seed: string,
): PlanChange {
  const known = new Set(previous.map((step) => step.id));
  const taken = new Set(known);
  const renamed = new Map<string, string>();
  for (const step of change.state.steps) {
    if (known.has(step.id) || renamed.has(step.id)) continue;
    let id = stableId('stp', seed, step.id);
    while (taken.has(id)) id = stableId('stp', id, 'again');
    taken.add(id);
    renamed.set(step.id, id);
  }
  if (renamed.size === 0) return change;
  const rename = (step: Step): Step => {
    const id = renamed.get(step.id) ?? step.id;
    let cancelReason = step.cancelReason;
    if (cancelReason !== undefined) {
      for (const [from, to] of renamed) cancelReason = cancelReason.replaceAll(from, to);
    }
    const supersededBy =
      step.supersededBy === undefined
        ? undefined
        : (renamed.get(step.supersededBy) ?? step.supersededBy);
    if (
      id === step.id &&
      cancelReason === step.cancelReason &&
      supersededBy === step.supersededBy
    ) {
      return step;
    }
    return {
      ...step,
      id,
      ...(cancelReason === undefined ? {} : { cancelReason }),
      ...(supersededBy === undefined ? {} : { supersededBy }),
    };
  };
  return {
    ...change,
    state: { ...change.state, steps: change.state.steps.map(rename) },
    added: change.added.map(rename),
  };
}
