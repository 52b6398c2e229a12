import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  applySignal,
  applyStepAction,
  eraseFollowUp,
  type FollowUpState,
  type PlanChange,
  replan,
  resolvePolicy,
  type Signal,
  type SignalType,
  type Step,
  signalSchema,
  signalTypes,
  startFollowUp,
} from '../../shared/domain';
import { ConflictError, NotFoundError, ValidationError } from '../../shared/errors';
import { at, candidate, checkIns, interview, jonas, mia, ofKind, only } from './fixtures';

const policy = resolvePolicy();
// Tuesday 15:00 in Berlin; the thank-yous are due at 16:00.
const input = interview('2026-03-03T14:00:00Z', {
  interviewers: [jonas, mia],
  externalId: 'ats-42',
});
const started = startFollowUp(input, policy, at(input.endsAt));
const afterThankYous = at('2026-03-05T10:00:00Z');

/** One valid signal of every type the schema knows: a type missing here does not compile. */
const signalExamples: { [K in SignalType]: Extract<Signal, { type: K }> } = {
  employer_replied: { type: 'employer_replied' },
  rejected: { type: 'rejected' },
  withdrawn: { type: 'withdrawn' },
  offer: { type: 'offer' },
  next_round: {
    type: 'next_round',
    startsAt: '2026-03-10T09:00:00Z',
    endsAt: '2026-03-10T10:00:00Z',
    interviewers: [jonas],
  },
  rescheduled: {
    type: 'rescheduled',
    startsAt: '2026-03-04T09:00:00Z',
    endsAt: '2026-03-04T10:00:00Z',
  },
  paused: { type: 'paused', until: '2026-05-04' },
};

function scheduled(state: FollowUpState): Step[] {
  return state.steps.filter((step) => step.status === 'scheduled');
}

/** Every cancelled step was scheduled before; every added one is scheduled now; ids unique. */
function expectCoherent(before: FollowUpState, change: PlanChange): void {
  const beforeScheduled = new Set(scheduled(before).map((step) => step.id));
  for (const step of change.cancelled) expect(beforeScheduled.has(step.id)).toBe(true);
  const after = new Map(change.state.steps.map((step) => [step.id, step]));
  for (const step of change.added) expect(after.get(step.id)?.status).toBe('scheduled');
  expect(after.size).toBe(change.state.steps.length);
}

/** The thank-yous went out; the dispatcher marked them due. */
function sent(state: FollowUpState): FollowUpState {
  return {
    ...state,
    steps: state.steps.map((step) =>
      step.kind === 'thank_you' ? { ...step, status: 'due' } : step,
    ),
  };
}

describe('startFollowUp', () => {
  it('is active with every planned step scheduled', () => {
    expect(started.status).toBe('active');
    expect(started.steps.every((step) => step.status === 'scheduled')).toBe(true);
    expect(ofKind(started.steps, 'thank_you')).toHaveLength(2);
  });
});

describe('signals (R9)', () => {
  it('employer_replied without dates cancels pending check-ins and the move-on, nothing else', () => {
    const before = sent(started);
    const change = applySignal(before, { type: 'employer_replied' }, policy, afterThankYous);
    expectCoherent(before, change);
    expect(change.cancelled.map((step) => step.kind).sort()).toEqual([
      'check_in',
      'check_in',
      'check_in',
      'move_on',
    ]);
    expect(change.added).toEqual([]);
    expect(scheduled(change.state)).toEqual([]);
    expect(change.state.memory?.employerReply).toEqual({
      at: afterThankYous.toString(),
      withDates: false,
    });
    expect(ofKind(change.state.steps, 'thank_you').every((step) => step.status === 'due')).toBe(
      true,
    );
  });

  it('employer_replied with a new decision date re-plans check-ins from it', () => {
    const before = sent(started);
    const change = applySignal(
      before,
      { type: 'employer_replied', decisionExpectedBy: '2026-03-20' },
      policy,
      afterThankYous,
    );
    expectCoherent(before, change);
    const planned = checkIns(change.state.steps);
    // 20 Mar (Fri) + 3 business days = Wed 25 Mar, a preferred morning.
    expect(planned[0]?.localDueAt).toBe('2026-03-25T09:00:00+01:00');
    expect(planned[0]?.reason).toContain(
      'the employer replied and said a decision is expected by 2026-03-20',
    );
    expect(change.state.input.nextSteps.decisionExpectedBy).toBe('2026-03-20');
    expect(change.added.map((step) => step.kind)).toEqual([
      'check_in',
      'check_in',
      'check_in',
      'move_on',
    ]);
  });

  it('rejected cancels everything pending and asks for feedback; completing it closes', () => {
    const change = applySignal(started, { type: 'rejected' }, policy, afterThankYous);
    expectCoherent(started, change);
    expect(change.cancelled).toHaveLength(scheduled(started).length);
    const request = only(change.added, 'feedback_request');
    expect(request).toMatchObject({ channel: 'email', recipient: { name: 'Jonas Weber' } });
    expect(request.draft?.body).toContain('feedback');
    expect(change.state.status).toBe('active');
    const done = applyStepAction(
      change.state,
      request.id,
      { type: 'complete' },
      policy,
      afterThankYous,
    );
    expect(done.state).toMatchObject({ status: 'closed', closedReason: 'rejected' });
  });

  it('withdrawn on a Saturday schedules the notice for Monday morning', () => {
    const saturday = at('2026-03-07T11:00:00Z');
    const change = applySignal(started, { type: 'withdrawn' }, policy, saturday);
    const notice = only(change.added, 'withdrawal_notice');
    expect(notice.localDueAt).toBe('2026-03-09T08:00:00+01:00');
    expect(notice.draft?.body).toContain('withdrawing my application');
    const skipped = applyStepAction(change.state, notice.id, { type: 'skip' }, policy, saturday);
    expect(skipped.state).toMatchObject({ status: 'closed', closedReason: 'withdrawn' });
  });

  it('offer closes the interview and cancels everything pending', () => {
    const change = applySignal(started, { type: 'offer' }, policy, afterThankYous);
    expect(change.state).toMatchObject({ status: 'closed', closedReason: 'offer' });
    expect(scheduled(change.state)).toEqual([]);
    expect(change.cancelled).toHaveLength(scheduled(started).length);
  });

  it('next_round keeps this round’s thank-yous, cancels its check-ins and plans new notes', () => {
    const signal: Signal = {
      type: 'next_round',
      startsAt: '2026-03-12T13:00:00Z',
      endsAt: '2026-03-12T14:00:00Z',
      interviewers: [{ ...jonas, topics: ['team roadmap'] }],
    };
    const change = applySignal(started, signal, policy, afterThankYous);
    expectCoherent(started, change);
    expect(change.state.input.round).toBe(2);
    expect(change.cancelled.every((step) => step.round === 1 && step.kind !== 'thank_you')).toBe(
      true,
    );
    const roundOne = ofKind(started.steps, 'thank_you').filter(
      (step) => step.recipient.name === 'Jonas Weber',
    );
    const roundTwo = ofKind(change.added, 'thank_you');
    expect(roundTwo).toHaveLength(1);
    expect(roundTwo[0]).toMatchObject({ round: 2, localDueAt: '2026-03-12T16:00:00+01:00' });
    expect(roundTwo[0]?.draft?.body).not.toBe(roundOne[0]?.draft?.body);
    expect(roundTwo[0]?.draft?.body).toContain('team roadmap');
    expect(checkIns(change.state.steps).every((step) => step.round === 2)).toBe(true);
    // Round one's thank-yous are still going out.
    expect(
      scheduled(change.state)
        .filter((step) => step.round === 1)
        .map((step) => step.kind),
    ).toEqual(['thank_you', 'thank_you']);
  });

  it.each([1, 0])(
    'next_round with round %i (not after the current one) is a ValidationError',
    (round) => {
      const signal = {
        type: 'next_round' as const,
        round,
        startsAt: '2026-03-12T13:00:00Z',
        endsAt: '2026-03-12T14:00:00Z',
        interviewers: [jonas],
      };
      expect(() => applySignal(started, signal, policy, afterThankYous)).toThrow(ValidationError);
    },
  );

  it('rescheduled moves pending steps: the old ids are cancelled, new ones added', () => {
    const signal: Signal = {
      type: 'rescheduled',
      startsAt: '2026-03-04T09:00:00Z',
      endsAt: '2026-03-04T10:00:00Z',
    };
    const now = at('2026-03-02T10:00:00Z');
    const future = startFollowUp(input, policy, now);
    const change = applySignal(future, signal, policy, now);
    expectCoherent(future, change);
    const thankYous = ofKind(scheduled(change.state), 'thank_you');
    expect(thankYous.map((step) => step.localDueAt)).toEqual([
      '2026-03-04T12:00:00+01:00',
      '2026-03-04T12:00:00+01:00',
    ]);
    const cancelledIds = new Set(change.cancelled.map((step) => step.id));
    for (const step of thankYous) expect(cancelledIds.has(step.id)).toBe(false);
  });

  it('rescheduled to a later time after the thank-yous went out plans new ones for the new end', () => {
    const thanked = sent(started);
    const now = at('2026-03-04T10:00:00Z');
    const signal: Signal = {
      type: 'rescheduled',
      startsAt: '2026-03-05T09:00:00Z',
      endsAt: '2026-03-05T10:00:00Z',
    };
    const change = applySignal(thanked, signal, policy, now);
    expectCoherent(thanked, change);
    // The notes that went out stay as they were; each interviewer gets one for the new end.
    const old = ofKind(change.state.steps, 'thank_you').filter((step) => step.status === 'due');
    expect(old).toHaveLength(2);
    const fresh = ofKind(scheduled(change.state), 'thank_you');
    expect(fresh.map((step) => [step.recipient.name, step.localDueAt])).toEqual([
      ['Jonas Weber', '2026-03-05T12:00:00+01:00'],
      ['Mia Chen', '2026-03-05T12:00:00+01:00'],
    ]);
    expect(change.added).toEqual(expect.arrayContaining(fresh));
    // Check-ins count from the new thank-yous.
    const first = checkIns(change.state.steps)[0];
    expect(Date.parse(first?.dueAt ?? '')).toBeGreaterThan(Date.parse('2026-03-19T00:00:00Z'));
    // A later re-plan keeps the new thank-yous (the old ones fill no slot, the new ones do).
    const again = replan(change.state, change.state.input, policy, now);
    expect(again.added).toEqual([]);
    expect(again.cancelled).toEqual([]);
    // Moved to a time before the notes went out (a correction), nothing is thanked twice.
    const earlier = applySignal(
      thanked,
      { type: 'rescheduled', startsAt: '2026-03-03T12:00:00Z', endsAt: '2026-03-03T13:00:00Z' },
      policy,
      now,
    );
    expect(ofKind(scheduled(earlier.state), 'thank_you')).toEqual([]);
  });

  it.each<Signal>(signalTypes.map((type) => signalExamples[type]))(
    '$type on an interview closed by an offer is a ConflictError',
    (signal) => {
      const closed = applySignal(started, { type: 'offer' }, policy, afterThankYous).state;
      expect(() => applySignal(closed, signal, policy, afterThankYous)).toThrow(ConflictError);
    },
  );

  it('an employer reply after the plan ran out reopens the interview', () => {
    const exhausted: FollowUpState = { ...started, status: 'closed', closedReason: 'exhausted' };
    const change = applySignal(
      exhausted,
      { type: 'employer_replied', followUpOn: '2026-05-05' },
      policy,
      at('2026-04-28T10:00:00Z'),
    );
    expect(change.state.status).toBe('active');
    expect(change.state.closedReason).toBeUndefined();
    expect(checkIns(change.state.steps)[0]?.localDueAt).toBe('2026-05-05T09:00:00+02:00');
  });

  /** Every step of `state` due before `now` went out (the dispatcher marked it due). */
  function firedBefore(state: FollowUpState, now: string): FollowUpState {
    return {
      ...state,
      steps: state.steps.map((step) =>
        Date.parse(step.dueAt) < Date.parse(now) ? { ...step, status: 'due' } : step,
      ),
    };
  }

  /** `date` plus `grace` business days (Mon–Fri) plus `days`, at midnight UTC. */
  function businessDaysLater(date: string, grace: number, days: number): number {
    let day = new Date(`${date}T00:00:00Z`);
    for (let left = grace; left > 0; ) {
      day = new Date(day.getTime() + 86_400_000);
      if (day.getUTCDay() !== 0 && day.getUTCDay() !== 6) left--;
    }
    return day.getTime() + days * 86_400_000;
  }

  it('a reply with a date after the only check-in went out moves the move-on past that date', () => {
    const one = resolvePolicy(undefined, { maxCheckIns: 1 });
    const plan = startFollowUp(input, one, at(input.endsAt));
    const checkIn = only(plan.steps, 'check_in');
    // The check-in went out; a day later the employer answers with a date 16 days ahead.
    const now = Temporal.Instant.from(checkIn.dueAt).add({ hours: 24 }).toString();
    const decision = Temporal.Instant.from(now)
      .add({ hours: 16 * 24 })
      .toString()
      .slice(0, 10);
    const before = firedBefore(plan, now);
    const change = applySignal(
      before,
      { type: 'employer_replied', decisionExpectedBy: decision },
      one,
      at(now),
    );
    expectCoherent(before, change);
    // No check-in beyond the maximum; the move-on waits for the date, the grace and a week.
    expect(checkIns(change.state.steps)).toEqual([]);
    const moveOn = only(scheduled(change.state), 'move_on');
    expect(Date.parse(moveOn.dueAt)).toBeGreaterThanOrEqual(
      businessDaysLater(decision, one.decisionGraceBusinessDays, 7),
    );
    expect(moveOn.reason).toContain(`a decision is expected by ${decision}`);
    expect(moveOn.reason).toContain('no check-ins left (at most 1)');
    // A re-plan keeps it where it is.
    expect(replan(change.state, change.state.input, one, at(now)).added).toEqual([]);
  });

  it('a reply with a date after the plan ran out reopens and waits for that date before moving on', () => {
    const moveOnAt = only(started.steps, 'move_on').dueAt;
    const now = Temporal.Instant.from(moveOnAt).add({ hours: 48 }).toString();
    const exhausted: FollowUpState = {
      ...firedBefore(started, now),
      status: 'closed',
      closedReason: 'exhausted',
    };
    const decision = Temporal.Instant.from(now)
      .add({ hours: 7 * 24 })
      .toString()
      .slice(0, 10);
    const change = applySignal(
      exhausted,
      { type: 'employer_replied', decisionExpectedBy: decision },
      policy,
      at(now),
    );
    expect(change.state.status).toBe('active');
    // Three check-ins went out already: no fourth; the move-on is not due at once.
    expect(checkIns(change.state.steps)).toEqual([]);
    const moveOn = only(scheduled(change.state), 'move_on');
    expect(Date.parse(moveOn.dueAt)).toBeGreaterThanOrEqual(
      businessDaysLater(decision, policy.decisionGraceBusinessDays, 7),
    );
    expect(moveOn.reason).not.toContain('after check-in 3');
    expect(change.added).toEqual([moveOn]);
  });

  it('rejects a next_round or rescheduled signal whose times are impossible (schema and domain)', () => {
    const signal = {
      type: 'rescheduled' as const,
      startsAt: '2026-03-04T10:00:00Z',
      endsAt: '2026-03-04T09:00:00Z',
    };
    expect(signalSchema.safeParse(signal).success).toBe(false);
    expect(() => applySignal(started, signal, policy, afterThankYous)).toThrow(ValidationError);
  });
});

describe('replan (PATCH)', () => {
  it('keeps ids and schedules when nothing moves, refreshing the drafts', () => {
    const nextInput = { ...input, interviewers: [{ ...jonas, topics: ['cost control'] }, mia] };
    const change = replan(started, nextInput, policy, at('2026-03-03T14:30:00Z'));
    expect(change.cancelled).toEqual([]);
    expect(change.added).toEqual([]);
    expect(change.state.steps.map((step) => step.id)).toEqual(started.steps.map((step) => step.id));
    const forJonas = change.state.steps.find(
      (step) => step.kind === 'thank_you' && step.recipient.name === 'Jonas Weber',
    );
    expect(forJonas?.draft?.body).toContain('cost control');
  });

  it('turns a contact_info_needed step into a thank-you once an address is known', () => {
    const noContact = startFollowUp(
      interview(input.endsAt, { interviewers: [{ name: 'Lee Park' }] }),
      policy,
      at(input.endsAt),
    );
    const ask = only(noContact.steps, 'contact_info_needed');
    const change = replan(
      noContact,
      interview(input.endsAt, {
        interviewers: [{ name: 'Lee Park', email: 'lee.park@acme.example' }],
      }),
      policy,
      at('2026-03-03T14:30:00Z'),
    );
    expectCoherent(noContact, change);
    expect(change.cancelled.map((step) => step.id)).toContain(ask.id);
    expect(only(change.added, 'thank_you')).toMatchObject({ channel: 'email' });
  });

  it('never re-adds a step that already happened', () => {
    const before = sent(started);
    const change = replan(
      before,
      { ...input, endsAt: '2026-03-03T14:10:00Z' },
      policy,
      afterThankYous,
    );
    expect(ofKind(change.added, 'thank_you')).toEqual([]);
    expect(ofKind(change.state.steps, 'thank_you').every((step) => step.status === 'due')).toBe(
      true,
    );
  });

  it('is a ConflictError on a closed interview', () => {
    const closed = applySignal(started, { type: 'offer' }, policy, afterThankYous).state;
    expect(() => replan(closed, input, policy, afterThankYous)).toThrow(ConflictError);
  });
});

describe('step actions', () => {
  const thankYou = ofKind(started.steps, 'thank_you')[0] as Step;

  it('complete marks the step and drops its wake-up; completing again is a ConflictError', () => {
    const change = applyStepAction(
      started,
      thankYou.id,
      { type: 'complete' },
      policy,
      afterThankYous,
    );
    expect(change.state.steps.find((step) => step.id === thankYou.id)).toMatchObject({
      status: 'completed',
      completedAt: afterThankYous.toString(),
    });
    expect(change.cancelled).toEqual([thankYou]);
    expect(() =>
      applyStepAction(change.state, thankYou.id, { type: 'complete' }, policy, afterThankYous),
    ).toThrow(ConflictError);
  });

  describe('every action on a step that is no longer open is a ConflictError', () => {
    const checkIn = checkIns(started.steps)[0] as Step;
    const closedStates = {
      completed: applyStepAction(started, checkIn.id, { type: 'complete' }, policy, afterThankYous)
        .state,
      skipped: applyStepAction(started, checkIn.id, { type: 'skip' }, policy, afterThankYous).state,
      cancelled: applySignal(started, { type: 'employer_replied' }, policy, afterThankYous).state,
    };
    const actions = [
      { type: 'complete' as const },
      { type: 'skip' as const },
      { type: 'snooze' as const, by: 'P1D' },
    ];
    it.each(
      Object.keys(closedStates).flatMap((status) => actions.map((action) => ({ status, action }))),
    )('$action.type on a $status step', ({ status, action }) => {
      const state = closedStates[status as keyof typeof closedStates];
      expect(state.steps.find((step) => step.id === checkIn.id)?.status).toBe(status);
      expect(() => applyStepAction(state, checkIn.id, action, policy, afterThankYous)).toThrow(
        ConflictError,
      );
    });
  });

  it.each([
    { name: 'unknown step', id: 'stp_nope', error: NotFoundError },
    { name: 'completing a cancelled step', id: 'cancelled', error: ConflictError },
  ])('$name → $error.name', ({ id, error }) => {
    const withCancelled = applySignal(
      started,
      { type: 'employer_replied' },
      policy,
      afterThankYous,
    ).state;
    const cancelledId = checkIns(started.steps)[0]?.id as string;
    const target = id === 'cancelled' ? cancelledId : id;
    expect(() =>
      applyStepAction(withCancelled, target, { type: 'complete' }, policy, afterThankYous),
    ).toThrow(error);
  });

  it('acting on a closed interview is a ConflictError', () => {
    const closed = applySignal(started, { type: 'offer' }, policy, afterThankYous).state;
    expect(() =>
      applyStepAction(closed, thankYou.id, { type: 'skip' }, policy, afterThankYous),
    ).toThrow(ConflictError);
  });

  it.each([
    {
      name: 'snooze by 4 h of a step already due counts from now (Fri 16:00) → Fri 20:00',
      now: '2026-03-06T15:00:00Z',
      action: { type: 'snooze' as const, by: 'PT4H' },
      localDueAt: '2026-03-06T20:00:00+01:00',
      reason: 'snoozed by 4 hours from now, Fri 2026-03-06 16:00',
    },
    {
      name: 'snooze by 6 h of a step already due, from now (Fri 16:00) → past the window, Monday',
      now: '2026-03-06T15:00:00Z',
      action: { type: 'snooze' as const, by: 'PT6H' },
      localDueAt: '2026-03-09T08:00:00+01:00',
      reason: 'snoozed by 6 hours from now',
    },
    {
      name: 'snooze by 2 h before the due time counts from the due time (Tue 16:00)',
      now: '2026-03-03T14:10:00Z',
      action: { type: 'snooze' as const, by: 'PT2H' },
      localDueAt: '2026-03-03T18:00:00+01:00',
      reason: 'snoozed by 2 hours from its due time, Tue 2026-03-03 16:00',
    },
    {
      name: 'snooze until Saturday noon lands on Monday morning',
      now: '2026-03-06T15:00:00Z',
      action: { type: 'snooze' as const, until: '2026-03-07T11:00:00Z' },
      localDueAt: '2026-03-09T08:00:00+01:00',
      reason: 'snoozed until Sat 2026-03-07 12:00',
    },
    {
      name: 'snooze by a day inside the window keeps the time',
      now: '2026-03-03T15:30:00Z',
      action: { type: 'snooze' as const, by: 'P1D' },
      localDueAt: '2026-03-04T16:30:00+01:00',
      reason: 'snoozed by 1 day from now',
    },
  ])('$name', ({ now, action, localDueAt, reason }) => {
    const change = applyStepAction(started, thankYou.id, action, policy, at(now));
    expectCoherent(started, change);
    const moved = change.added[0] as Step;
    expect(moved.localDueAt).toBe(localDueAt);
    expect(moved.id).not.toBe(thankYou.id);
    expect(moved.snoozedFrom).toBe(thankYou.dueAt);
    expect(moved.reason).toContain(reason);
    expect(change.cancelled).toEqual([thankYou]);
    expect(change.state.steps.find((step) => step.id === thankYou.id)?.status).toBe('cancelled');
  });

  it.each([
    {
      name: 'a scheduled step (no event yet) is cancelled and its wake-up deleted',
      state: () => started,
      status: 'cancelled',
      cancelsWakeup: true,
    },
    {
      name: 'a due step (its event went out) is kept as skipped, never cancelled',
      state: () => sent(started),
      status: 'skipped',
      cancelsWakeup: false,
    },
  ])('snoozing $name', ({ state, status, cancelsWakeup }) => {
    const before = state();
    const original = before.steps.find((step) => step.id === thankYou.id) as Step;
    const change = applyStepAction(
      before,
      original.id,
      { type: 'snooze', by: 'P1D' },
      policy,
      afterThankYous,
    );
    expectCoherent(before, change);
    const moved = change.added[0] as Step;
    const old = change.state.steps.find((step) => step.id === original.id) as Step;
    expect(old.status).toBe(status);
    expect(change.cancelled).toEqual(cancelsWakeup ? [original] : []);
    if (original.status === 'due') {
      expect(old.supersededBy).toBe(moved.id);
      expect(old.cancelledAt).toBeUndefined();
      // The interview stays open, and the replacement is the one open step for that person.
      expect(change.state.status).toBe('active');
      const open = change.state.steps.filter(
        (step) =>
          step.kind === 'thank_you' &&
          step.recipient.name === original.recipient.name &&
          (step.status === 'scheduled' || step.status === 'due'),
      );
      expect(open.map((step) => step.id)).toEqual([moved.id]);
      // Acting on the superseded step again is a conflict, like any closed step.
      expect(() =>
        applyStepAction(change.state, original.id, { type: 'complete' }, policy, afterThankYous),
      ).toThrow(ConflictError);
    } else {
      expect(old.supersededBy).toBeUndefined();
      expect(old.cancelReason).toBe(`snoozed; replaced by ${moved.id}`);
    }
  });

  it('a re-plan after snoozing a due thank-you neither re-plans nor cancels it', () => {
    const before = sent(started);
    const snoozed = applyStepAction(
      before,
      thankYou.id,
      { type: 'snooze', by: 'P1D' },
      policy,
      afterThankYous,
    ).state;
    const change = replan(
      snoozed,
      { ...snoozed.input, role: { ...snoozed.input.role, title: 'Staff Engineer' } },
      policy,
      afterThankYous,
    );
    const thankYous = ofKind(change.state.steps, 'thank_you');
    expect(thankYous).toHaveLength(ofKind(snoozed.steps, 'thank_you').length);
    expect(change.added.filter((step) => step.kind === 'thank_you')).toEqual([]);
    expect(thankYous.filter((step) => step.status === 'cancelled')).toEqual([]);
  });

  it.each([
    { name: 'neither by nor until', action: { type: 'snooze' as const } },
    {
      name: 'until in the past',
      action: { type: 'snooze' as const, until: '2026-03-01T00:00:00Z' },
    },
  ])('snooze with $name is a ValidationError', ({ action }) => {
    expect(() => applyStepAction(started, thankYou.id, action, policy, afterThankYous)).toThrow(
      ValidationError,
    );
  });
});

describe('eraseFollowUp', () => {
  it('cancels everything pending, closes as erased and leaves no personal data', () => {
    const change = eraseFollowUp(started, afterThankYous);
    expect(change.state).toMatchObject({ status: 'closed', closedReason: 'erased' });
    expect(scheduled(change.state)).toEqual([]);
    expect(change.cancelled).toHaveLength(started.steps.length);
    const text = JSON.stringify(change.state);
    for (const secret of [
      candidate.name,
      'Ana',
      candidate.email,
      candidate.phone,
      'Jonas',
      'Mia',
      jonas.email as string,
      'streaming pipelines',
      'data quality',
      'ats-42',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(change.state.input.role).toEqual(input.role);
  });
});
