/**
 * Plan slots and steps. A slot names the place a step fills in a round's plan (round, kind,
 * person or check-in number), computed the same way for planned and existing steps, so a
 * re-plan can tell which planned step an existing one corresponds to.
 */
import type { Temporal } from 'temporal-polyfill';
import { stableId } from '../../ids';
import { formatInstant, formatZoned } from '../calendar';
import type { Channel, Draft, Recipient, Step, StepKind } from '../model';

/** A planned step with the key of the plan slot it fills (stable across re-plans). */
export interface PlannedStep {
  slot: string;
  step: Step;
  /** The due instant before it was clamped to `now`; a re-plan keeps a step that still matches. */
  idealDueAt: string;
}

/** Collects planned steps; `ideal` is where the step would go were `now` no constraint. */
export type AddStep = (slot: string, step: Step, ideal: Temporal.ZonedDateTime) => void;

export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Slot key of an interviewer-bound step: round, kind, person (and which namesake). */
export function personSlot(round: number, kind: StepKind, name: string, occurrence: number) {
  return `${round}|${kind}|${normalizeName(name)}#${occurrence}`;
}

export function checkInSlot(round: number, checkInNumber: number): string {
  return `${round}|check_in|${checkInNumber}`;
}

export function roundSlot(round: number, kind: StepKind): string {
  return `${round}|${kind}`;
}

const perPersonKinds = new Set<StepKind>(['thank_you', 'contact_info_needed', 'handwritten_note']);

/**
 * Slot keys for existing steps, computed the same way the planner computes them, so a
 * re-plan can tell which planned step an existing one corresponds to. Cancelled steps fill no
 * slot and get none.
 */
export function slotsOf(steps: readonly Step[]): Map<Step, string> {
  const seen = new Map<string, number>();
  const slots = new Map<Step, string>();
  for (const step of steps) {
    // A fired step that was snoozed gave its slot to the copy that replaced it (as a cancelled
    // one does), so the plan keeps counting from the replacement's time.
    if (step.status === 'cancelled' || step.supersededBy !== undefined) continue;
    // A contact request addressed to the recruiter is still about one interviewer.
    const person =
      step.regarding ?? (step.recipient.role === 'interviewer' ? step.recipient.name : undefined);
    if (step.kind === 'check_in') {
      slots.set(step, checkInSlot(step.round, step.checkInNumber ?? 0));
    } else if (person !== undefined && perPersonKinds.has(step.kind)) {
      const base = `${step.round}|${step.kind}|${normalizeName(person)}`;
      const occurrence = seen.get(base) ?? 0;
      seen.set(base, occurrence + 1);
      slots.set(step, personSlot(step.round, step.kind, person, occurrence));
    } else {
      slots.set(step, roundSlot(step.round, step.kind));
    }
  }
  return slots;
}

interface StepFields {
  kind: StepKind;
  round: number;
  recipient: Recipient;
  channel: Channel;
  at: Temporal.ZonedDateTime;
  deadline?: Temporal.Instant;
  late?: boolean;
  reason: string;
  draft?: Draft;
  checkInNumber?: number;
  regarding?: string;
  /** Recorded as skipped at once (a thank-you far past its deadline): no wake-up. */
  skipped?: boolean;
}

/**
 * A scheduled step. The id hashes the slot and the due instant: re-planning a step to the same
 * time keeps its id (and its schedule), moving it gives a new id, so a cancelled wake-up and
 * its replacement never share a name and a delivered event id is never reused.
 */
export function buildStep(slot: string, fields: StepFields): Step {
  const dueAt = formatInstant(fields.at);
  return {
    id: stableId('stp', slot, dueAt),
    kind: fields.kind,
    status: fields.skipped ? 'skipped' : 'scheduled',
    round: fields.round,
    recipient: fields.recipient,
    channel: fields.channel,
    dueAt,
    timeZone: fields.at.timeZoneId,
    localDueAt: formatZoned(fields.at),
    ...(fields.deadline ? { deadline: formatInstant(fields.deadline) } : {}),
    ...(fields.late ? { late: true } : {}),
    reason: fields.reason,
    ...(fields.draft ? { draft: fields.draft } : {}),
    ...(fields.checkInNumber === undefined ? {} : { checkInNumber: fields.checkInNumber }),
    ...(fields.regarding === undefined ? {} : { regarding: fields.regarding }),
  };
}
