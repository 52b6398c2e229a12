import { Temporal } from 'temporal-polyfill';
import type { Step } from './model';

/**
 * Earliest due instant among steps still waiting for their wake-up: what the reconciler's
 * index is keyed on. Kept apart from the planner so the dispatch Lambda can use it without
 * loading the plan rules and their schemas.
 */
export function nextDueAt(steps: readonly Step[]): string | undefined {
  let earliest: Temporal.Instant | undefined;
  for (const step of steps) {
    if (step.status !== 'scheduled') continue;
    const due = Temporal.Instant.from(step.dueAt);
    if (earliest === undefined || Temporal.Instant.compare(due, earliest) < 0) earliest = due;
  }
  return earliest?.toString();
}
