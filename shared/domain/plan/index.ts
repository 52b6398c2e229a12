/**
 * The follow-up plan (R1–R8): a pure function of (interview, policy, now, history). Every
 * step lands in a send window of its recipient's time zone and says why it is where it is.
 *
 * - `context.ts`: the planning context, time arithmetic and window placement;
 * - `steps.ts`: plan slots and how a step is built;
 * - `thank-you.ts`: thank-yous, contact requests and handwritten cards (R1–R4);
 * - `check-ins.ts`: check-ins and the move-on (R5–R8).
 */
import { formatInstant } from '../calendar';
import type { InterviewInput } from '../model';
import { planCheckIns } from './check-ins';
import { type PlanContext, type PlanHistory, roundContext } from './context';
import type { AddStep, PlannedStep } from './steps';
import { planThankYous } from './thank-you';

export {
  type PlanContext,
  type PlanHistory,
  placeInWindow,
  planContext,
  windowForKind,
} from './context';
export { buildStep, roundSlot, slotsOf } from './steps';

/**
 * Plans the current round of `input`. `history` lets a re-plan skip slots already used and
 * anchor later steps on what really happened; a fresh plan passes none.
 */
export function planRound(
  context: PlanContext,
  input: InterviewInput,
  history?: PlanHistory,
): PlannedStep[] {
  const round = roundContext(context, input, history);
  const planned: PlannedStep[] = [];
  const add: AddStep = (slot, step, ideal) => {
    planned.push({ slot, step, idealDueAt: formatInstant(ideal) });
  };
  const lastThankYou = planThankYous(round, add);
  const { noCheckIns, employerReply } = round.history;
  if (!noCheckIns && !(employerReply && !employerReply.withDates)) {
    planCheckIns(round, lastThankYou, add);
  }
  planned.sort((a, b) => Date.parse(a.step.dueAt) - Date.parse(b.step.dueAt));
  return planned;
}
