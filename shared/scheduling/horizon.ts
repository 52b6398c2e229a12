/**
 * The scheduling horizon: a cap on how far ahead steps hold a one-time schedule, so the
 * schedules alive at once stay under EventBridge Scheduler's per-Region quota however long the
 * plans are (docs/scale.md has the numbers).
 *
 * The rule, in one place for the service, the reconciler and the capacity simulation: once an
 * interview's next scheduled step is due within the horizon, every scheduled step due within
 * one horizon *of that step* holds its schedule. An interview whose next step is further away
 * holds none; the reconciler finds it in the sparse due index when that step comes within the
 * horizon. Counting from the next step rather than from now is what makes the rule safe without
 * the dispatcher's help: when a step fires, any later step within a horizon of it was scheduled
 * together with it, and any step further away is, from then on, the interview's next step and
 * enters the horizon later, where the reconciler sees it.
 */
import { Temporal } from 'temporal-polyfill';
import type { Step } from '../domain/model';

/** Steps still waiting to become due. */
function scheduledSteps(steps: readonly Step[]): Step[] {
  return steps.filter((step) => step.status === 'scheduled');
}

/**
 * The steps of one interview that should hold a schedule at `now` under a horizon of
 * `horizonMs`; every scheduled step when there is no horizon.
 */
export function stepsWithinHorizon(
  steps: readonly Step[],
  now: Temporal.Instant,
  horizonMs: number | undefined,
): Step[] {
  const scheduled = scheduledSteps(steps);
  if (horizonMs === undefined) return scheduled;
  let next: Temporal.Instant | undefined;
  for (const step of scheduled) {
    const due = Temporal.Instant.from(step.dueAt);
    if (!next || Temporal.Instant.compare(due, next) < 0) next = due;
  }
  if (!next || Temporal.Instant.compare(next, now.add({ milliseconds: horizonMs })) > 0) return [];
  const until = next.add({ milliseconds: horizonMs });
  return scheduled.filter(
    (step) => Temporal.Instant.compare(Temporal.Instant.from(step.dueAt), until) <= 0,
  );
}
