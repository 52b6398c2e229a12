/**
 * What the plan remembers (`FollowUpState.memory`): facts signals told us that every later
 * re-plan must keep. Adding one is one `planMemorySchema` entry (model.ts), the signal rule
 * that updates it (transitions/signals.ts) and its planner hook below; the transitions carry
 * the memory on the state, so no caller threads it through.
 */
import { Temporal } from 'temporal-polyfill';
import type { FollowUpState, PlanMemory } from './model';
import type { PlanHistory } from './plan';

/** What a remembered fact tells the planner. */
type Fact = keyof PlanMemory;
type PlannerHook<K extends Fact> = (
  fact: NonNullable<PlanMemory[K]>,
) => Omit<PlanHistory, 'filled'>;

/** One hook per entry of the memory: an entry without one does not compile. */
type PlannerHooks = { [K in Fact]: PlannerHook<K> };

const plannerHooks: PlannerHooks = {
  employerReply: (reply) => ({
    employerReply: { at: Temporal.Instant.from(reply.at), withDates: reply.withDates },
  }),
  pause: (pause) => ({ pausedUntil: pause.until }),
};

function recall<K extends Fact>(memory: PlanMemory, key: K) {
  const fact = memory[key];
  if (fact === undefined) return {};
  const hook: PlannerHook<K> = plannerHooks[key];
  return hook(fact);
}

/** The planner's view of what `state` remembers. */
export function recalled(state: FollowUpState): Omit<PlanHistory, 'filled'> {
  const memory = state.memory ?? {};
  let history: Omit<PlanHistory, 'filled'> = {};
  for (const key of Object.keys(plannerHooks) as Fact[]) {
    history = { ...history, ...recall(memory, key) };
  }
  return history;
}

/** `state` remembering exactly `memory` (no `memory` field when nothing is remembered). */
export function withMemory(state: FollowUpState, memory: PlanMemory): FollowUpState {
  const facts = Object.fromEntries(
    Object.entries(memory).filter(([, fact]) => fact !== undefined),
  ) as PlanMemory;
  const { memory: _previous, ...rest } = state;
  return Object.keys(facts).length > 0 ? { ...rest, memory: facts } : rest;
}

/**
 * A state as items written before the memory had its own object store it: the employer's reply
 * and the pause sat at the top level of the state.
 */
export type StoredFollowUpState = FollowUpState & {
  /** @deprecated read into `memory.employerReply` by `readFollowUpState`. */
  employerReply?: PlanMemory['employerReply'];
  /** @deprecated read into `memory.pause` by `readFollowUpState`. */
  pause?: PlanMemory['pause'];
};

/**
 * The current shape of a state read from storage: an old item's top-level `employerReply` and
 * `pause` move into `memory` (a newer `memory` entry wins). Current states pass through as is.
 */
export function readFollowUpState(state: StoredFollowUpState): FollowUpState {
  if (!('employerReply' in state) && !('pause' in state)) return state;
  const { employerReply, pause, ...rest } = state;
  return withMemory(rest, { employerReply, pause, ...rest.memory });
}
