import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  checkDraft,
  defaultPolicy,
  interviewInputSchema,
  planFollowUps,
  resolvePolicy,
  type Step,
} from '../../shared/domain';
import { ValidationError } from '../../shared/errors';
import { at, candidate, checkIns, interview, jonas, mia, ofKind, only } from './fixtures';

const policy = resolvePolicy();

describe('resolvePolicy', () => {
  it('layers defaults, tenant defaults and per-interview overrides, whole fields at a time', () => {
    const resolved = resolvePolicy(
      { maxCheckIns: 2, sendHours: { start: '07:00', end: '17:00' }, holidayCountry: 'DE' },
      { maxCheckIns: 1, holidayCountry: null },
    );
    expect(resolved).toEqual({
      ...defaultPolicy,
      maxCheckIns: 1,
      sendHours: { start: '07:00', end: '17:00' },
      holidayCountry: null,
    });
  });

  it('ignores explicit undefined values in overrides', () => {
    expect(resolvePolicy({ maxCheckIns: undefined })).toEqual(defaultPolicy);
  });
});

describe('thank-you timing (R1, R4)', () => {
  it.each([
    {
      name: 'Friday 17:30 end: 18:30 the same evening, not Monday (24 h outranks office hours)',
      endsAt: '2026-03-06T16:30:00Z',
      localDueAt: '2026-03-06T18:30:00+01:00',
      late: false,
      reason:
        'ends Fri 17:30 → 1 h later, Fri 18:30, inside the thank-you window; within the 24 h deadline',
    },
    {
      name: 'Friday 21:00 end: too late for the evening window, Monday morning, flagged late',
      endsAt: '2026-03-06T20:00:00Z',
      localDueAt: '2026-03-09T08:00:00+01:00',
      late: true,
      reason:
        'ends Fri 21:00 → next thank-you window Mon 08:00; 24 h deadline missed, flagged late',
    },
    {
      name: 'Friday 19:45 end: 20:45 is past the window and Monday past the deadline, so 20:29 that evening',
      endsAt: '2026-03-06T18:45:00Z',
      localDueAt: '2026-03-06T20:29:00+01:00',
      late: false,
      reason:
        'ends Fri 19:45 → 1 h later the thank-you window is closed and the next one is past the deadline, so just before it closes, Fri 20:29; within the 24 h deadline',
    },
    {
      name: 'Friday 20:29:30 end: not even a minute of the window left, Monday, flagged late',
      endsAt: '2026-03-06T19:29:30Z',
      localDueAt: '2026-03-09T08:00:00+01:00',
      late: true,
      reason:
        'ends Fri 20:29 → next thank-you window Mon 08:00; 24 h deadline missed, flagged late',
    },
    {
      name: 'late-night end: next morning, within the deadline',
      endsAt: '2026-03-10T22:30:00Z',
      localDueAt: '2026-03-11T08:00:00+01:00',
      late: false,
      reason: 'ends Tue 23:30 → next thank-you window Wed 08:00; within the 24 h deadline',
    },
    {
      name: 'afternoon end: one hour later',
      endsAt: '2026-03-10T14:00:00Z',
      localDueAt: '2026-03-10T16:00:00+01:00',
      late: false,
      reason:
        'ends Tue 15:00 → 1 h later, Tue 16:00, inside the thank-you window; within the 24 h deadline',
    },
    {
      name: 'end at 20:00: the thank-you would fall on 21:00, after the window, so next morning',
      endsAt: '2026-03-10T19:00:00Z',
      localDueAt: '2026-03-11T08:00:00+01:00',
      late: false,
      reason: 'ends Tue 20:00 → next thank-you window Wed 08:00',
    },
  ])('$name', ({ endsAt, localDueAt, late, reason }) => {
    const steps = planFollowUps(interview(endsAt), policy, at(endsAt));
    const thankYou = only(steps, 'thank_you');
    expect(thankYou.localDueAt).toBe(localDueAt);
    expect(thankYou.late ?? false).toBe(late);
    expect(thankYou.reason).toContain(reason);
    expect(thankYou.timeZone).toBe('Europe/Berlin');
    expect(thankYou.deadline).toBe(at(endsAt).add({ hours: 24 }).toString());
    expect(Temporal.Instant.from(thankYou.localDueAt).toString()).toBe(thankYou.dueAt);
  });

  it('Friday 19:45 in New York: thanked before the window closes that evening, not Monday', () => {
    const input = interview('2026-03-07T00:45:00Z', { timeZone: 'America/New_York' });
    const thankYou = only(planFollowUps(input, policy, at(input.endsAt)), 'thank_you');
    expect(thankYou).toMatchObject({ localDueAt: '2026-03-06T20:29:00-05:00' });
    expect(thankYou.late).toBeUndefined();
    // Recorded after the window closed: nothing fits before the deadline any more.
    const recorded = only(planFollowUps(input, policy, at('2026-03-07T01:31:00Z')), 'thank_you');
    expect(recorded).toMatchObject({ localDueAt: '2026-03-09T08:00:00-04:00', late: true });
    // A Thursday evening end keeps the next morning, which makes the deadline.
    const thursday = interview('2026-03-06T00:45:00Z', { timeZone: 'America/New_York' });
    const thanked = only(planFollowUps(thursday, policy, at(thursday.endsAt)), 'thank_you');
    expect(thanked).toMatchObject({ localDueAt: '2026-03-06T08:00:00-05:00' });
  });

  it('plans in each interviewer’s own time zone', () => {
    const input = interview('2026-03-03T20:00:00Z', {
      timeZone: 'Europe/London',
      interviewers: [jonas, { ...mia, timeZone: 'America/Los_Angeles' }],
    });
    const [first, second] = ofKind(planFollowUps(input, policy, at(input.endsAt)), 'thank_you');
    // 20:00 in London: 21:00 is past the thank-you window for Jonas; in Los Angeles it is
    // 12:00, so Mia's goes out an hour later.
    expect(first).toMatchObject({
      recipient: { name: 'Mia Chen' },
      timeZone: 'America/Los_Angeles',
      localDueAt: '2026-03-03T13:00:00-08:00',
    });
    expect(second).toMatchObject({
      recipient: { name: 'Jonas Weber' },
      timeZone: 'Europe/London',
      localDueAt: '2026-03-04T08:00:00+00:00',
    });
  });

  it('plans after the fact: an interview recorded two days late gets the next window, late', () => {
    const input = interview('2026-03-03T14:00:00Z');
    const thankYou = only(planFollowUps(input, policy, at('2026-03-05T07:30:00Z')), 'thank_you');
    expect(thankYou).toMatchObject({ localDueAt: '2026-03-05T08:30:00+01:00', late: true });
    expect(thankYou.reason).toContain('planned after the fact');
  });

  it('never plans before now: a future interview is planned from its end', () => {
    const input = interview('2026-03-10T14:00:00Z');
    const thankYou = only(planFollowUps(input, policy, at('2026-03-01T10:00:00Z')), 'thank_you');
    expect(thankYou.localDueAt).toBe('2026-03-10T16:00:00+01:00');
  });
});

describe('channels and recipients (R3)', () => {
  const input = interview('2026-03-10T14:00:00Z', {
    interviewers: [
      { name: 'Lee Park', topics: ['hiring plans'] },
      { name: 'Sam Ortiz', linkedinUrl: 'https://www.linkedin.com/in/samortiz' },
      jonas,
    ],
  });
  const steps = planFollowUps(input, policy, at(input.endsAt));

  it.each([
    { person: 'Jonas Weber', kind: 'thank_you', channel: 'email' },
    { person: 'Sam Ortiz', kind: 'thank_you', channel: 'linkedin' },
    { person: 'Lee Park', kind: 'contact_info_needed', channel: 'task' },
  ])('$person gets a $kind step by $channel', ({ person, kind, channel }) => {
    const step = steps.find(
      (candidateStep) =>
        candidateStep.recipient.name === person && candidateStep.kind !== 'check_in',
    );
    expect(step).toMatchObject({ kind, channel, recipient: { role: 'interviewer' } });
    expect(step?.reason).not.toBe('');
  });

  it('asks the recruiter for a missing address instead of sending blind', () => {
    const ask = only(steps, 'contact_info_needed');
    expect(ask.reason).toContain('ask the recruiter');
    expect(ask.draft?.body).toContain('Lee Park');
    expect(ask.recipient).toEqual({ name: 'Lee Park', role: 'interviewer' });
  });

  it('sends check-ins to the first interviewer with an email address', () => {
    for (const step of checkIns(steps)) {
      expect(step).toMatchObject({ channel: 'email', recipient: { name: 'Jonas Weber' } });
    }
  });

  it('routes check-ins to the hiring team as a task when nobody can be reached', () => {
    const nobody = interview('2026-03-10T14:00:00Z', { interviewers: [{ name: 'Lee Park' }] });
    const planned = planFollowUps(nobody, policy, at(nobody.endsAt));
    for (const step of checkIns(planned)) {
      expect(step).toMatchObject({ channel: 'task', recipient: { role: 'hiring_contact' } });
      // No recruiter was named, so the reason does not claim one.
      expect(step.reason).toContain('to the hiring team as a task (no recruiter named');
      expect(step.reason).not.toContain('recruiter as a task');
    }
    // Only a contact request went out, so nothing counts from a thank-you.
    expect(checkIns(planned)[0]?.reason).toContain('14 days after the interview (no thank-you');

    const withRecruiter = interview('2026-03-10T14:00:00Z', {
      interviewers: [{ name: 'Lee Park' }],
      recruiter: { name: 'Kim Novak' },
    });
    for (const step of checkIns(planFollowUps(withRecruiter, policy, at(withRecruiter.endsAt)))) {
      expect(step.reason).toContain('through the recruiter as a task (no address known');
    }
  });

  it('counts the move-on from the interview when no thank-you and no check-in went out', () => {
    const nobody = interview('2026-03-10T14:00:00Z', { interviewers: [{ name: 'Lee Park' }] });
    const planned = planFollowUps(nobody, resolvePolicy({ maxCheckIns: 0 }), at(nobody.endsAt));
    expect(only(planned, 'move_on').reason).toContain('after the interview →');
  });

  it.each([
    { format: 'onsite' as const, handwrittenNote: true, notes: 1 },
    { format: 'onsite' as const, handwrittenNote: false, notes: 0 },
    { format: 'video' as const, handwrittenNote: true, notes: 0 },
  ])(
    '$format interview with handwrittenNote=$handwrittenNote → $notes handwritten note(s)',
    ({ format, handwrittenNote, notes }) => {
      const onsite = interview('2026-03-10T14:00:00Z', { format });
      const planned = planFollowUps(onsite, resolvePolicy({ handwrittenNote }), at(onsite.endsAt));
      const found = ofKind(planned, 'handwritten_note');
      expect(found).toHaveLength(notes);
      if (notes > 0) {
        expect(found[0]).toMatchObject({ channel: 'mail' });
        expect(found[0]?.draft?.body).not.toBe(only(planned, 'thank_you').draft?.body);
      }
    },
  );
});

function dueDates(steps: readonly Step[]): string[] {
  return checkIns(steps).map((step) => step.localDueAt);
}

describe('check-ins (R4, R5, R6, R8)', () => {
  it.each([
    {
      name: 'no timeline: ~2 weeks after the thank-you, moved to a Tue/Wed morning',
      input: interview('2026-03-03T14:00:00Z'),
      first: '2026-03-18T09:00:00+01:00',
      reason: 'no timeline given → 14 days after the thank-you',
    },
    {
      name: 'US DST switch between interview and check-in keeps local 09:00',
      input: interview('2026-03-06T16:00:00Z', { timeZone: 'America/New_York' }),
      first: '2026-03-24T09:00:00-04:00',
      reason: 'preferred Tue/Wed morning window Tue 2026-03-24 09:00',
    },
    {
      name: 'EU DST switch between interview and check-in keeps local 09:00',
      input: interview('2026-03-17T13:00:00Z'),
      first: '2026-04-01T09:00:00+02:00',
      reason: 'Wed 2026-04-01 09:00',
    },
    {
      name: '"reach out on the 15th" wins over every default',
      input: interview('2026-03-17T13:00:00Z', { nextSteps: { followUpOn: '2026-04-15' } }),
      first: '2026-04-15T09:00:00+02:00',
      reason: 'the employer said to reach out on 2026-04-15',
    },
    {
      name: 'one-week decision: a few business days after it, on a preferred morning',
      input: interview('2026-03-03T14:00:00Z', { nextSteps: { decisionExpectedBy: '2026-03-10' } }),
      first: '2026-03-17T09:00:00+01:00',
      reason: 'a decision is expected by 2026-03-10 → 3 business days later',
    },
    {
      name: 'decision on the interview day: still not sooner than a week',
      input: interview('2026-03-03T14:00:00Z', { nextSteps: { decisionExpectedBy: '2026-03-03' } }),
      first: '2026-03-11T09:00:00+01:00',
      reason: 'never sooner than 7 days after the interview',
    },
  ])('$name', ({ input, first, reason }) => {
    const planned = checkIns(planFollowUps(input, policy, at(input.endsAt)));
    expect(planned[0]?.localDueAt).toBe(first);
    expect(planned[0]?.reason).toContain(reason);
    expect(planned[0]?.checkInNumber).toBe(1);
  });

  it('skips a public holiday on the natural check-in day (Bastille Day, a Tuesday)', () => {
    const input = interview('2026-06-29T12:00:00Z', { timeZone: 'Europe/Paris' });
    const without = checkIns(planFollowUps(input, policy, at(input.endsAt)))[0];
    const withHolidays = checkIns(
      planFollowUps(input, resolvePolicy({ holidayCountry: 'FR' }), at(input.endsAt)),
    )[0];
    expect(without?.localDueAt).toBe('2026-07-14T09:00:00+02:00');
    expect(withHolidays?.localDueAt).toBe('2026-07-15T09:00:00+02:00');
    expect(withHolidays?.reason).toContain('skips public holiday 2026-07-14');
  });

  it('plans at most three, every two weeks, the last suggesting a call (R6)', () => {
    const input = interview('2026-03-03T14:00:00Z');
    const planned = checkIns(planFollowUps(input, policy, at(input.endsAt)));
    expect(dueDates(planned)).toEqual([
      '2026-03-18T09:00:00+01:00',
      '2026-04-01T09:00:00+02:00',
      '2026-04-15T09:00:00+02:00',
    ]);
    expect(planned.map((step) => step.checkInNumber)).toEqual([1, 2, 3]);
    expect(planned[2]?.reason).toContain('suggests a short call');
    expect(planned[2]?.draft?.body).toContain('short call');
    expect(planned[0]?.draft?.body).not.toContain('short call');
  });

  it('spreads check-ins over a three-month process instead of chasing every two weeks', () => {
    const input = interview('2026-03-03T14:00:00Z', { nextSteps: { processLength: 'P3M' } });
    const planned = checkIns(planFollowUps(input, policy, at(input.endsAt)));
    expect(planned).toHaveLength(3);
    const days = planned.map((step) => Temporal.PlainDate.from(step.localDueAt.slice(0, 10)));
    expect(
      Temporal.PlainDate.from('2026-03-03').until(days[0] as Temporal.PlainDate).days,
    ).toBeGreaterThanOrEqual(31);
    for (let i = 1; i < days.length; i++) {
      expect(
        (days[i - 1] as Temporal.PlainDate).until(days[i] as Temporal.PlainDate).days,
      ).toBeGreaterThanOrEqual(31);
    }
    expect(planned[1]?.reason).toContain('a process of 3 months → check-ins spaced 31 days apart');
    // The employer gave a timeline: the first check-in says the process set its day.
    expect(planned[0]?.reason).toContain('a process of 3 months → 31 days after the thank-you');
    expect(planned[0]?.reason).not.toContain('no timeline given');
  });

  it('stops chasing once the ideal start date has clearly passed (R8)', () => {
    const input = interview('2026-03-03T14:00:00Z', {
      nextSteps: { idealStartDate: '2026-04-01' },
    });
    const steps = planFollowUps(input, policy, at(input.endsAt));
    expect(dueDates(steps)).toEqual(['2026-03-18T09:00:00+01:00', '2026-04-01T09:00:00+02:00']);
    expect(checkIns(steps)[1]?.reason).toContain('suggests a short call');
    expect(only(steps, 'move_on').reason).toContain(
      'ideal start date 2026-04-01 has clearly passed',
    );
  });

  it.each([0, 1, 2, 3])('respects maxCheckIns = %i', (maxCheckIns) => {
    const input = interview('2026-03-03T14:00:00Z');
    const steps = planFollowUps(input, resolvePolicy({ maxCheckIns }), at(input.endsAt));
    expect(checkIns(steps)).toHaveLength(maxCheckIns);
    expect(ofKind(steps, 'move_on')).toHaveLength(1);
  });
});

describe('move on (R7)', () => {
  it('is a task for the candidate a week after the last check-in', () => {
    const input = interview('2026-03-03T14:00:00Z');
    const moveOn = only(planFollowUps(input, policy, at(input.endsAt)), 'move_on');
    expect(moveOn).toMatchObject({
      channel: 'task',
      recipient: { role: 'candidate', name: candidate.name },
      localDueAt: '2026-04-22T09:00:00+02:00',
    });
    expect(moveOn.reason).toContain('no answer 7 days after check-in 3');
  });
});

describe('drafts (R2, R10)', () => {
  const input = interview('2026-03-10T14:00:00Z', {
    interviewers: [jonas, mia, { name: 'Jonas Weber', email: 'jonas.w@acme.example' }],
  });
  const steps = planFollowUps(input, policy, at(input.endsAt));
  const thankYous = ofKind(steps, 'thank_you');

  it('writes a different note for each interviewer, even namesakes', () => {
    const bodies = new Set(thankYous.map((step) => step.draft?.body));
    expect(bodies.size).toBe(3);
  });

  it('makes each thank-you personal: name, role, the topic noted for that person, signature', () => {
    const forMia = thankYous.find((step) => step.recipient.name === 'Mia Chen');
    expect(forMia?.draft?.body).toMatch(/^(Dear|Hello|Hi) Mia,/);
    expect(forMia?.draft?.body).toContain('Data Engineer');
    expect(forMia?.draft?.body).toContain('data quality checks');
    expect(forMia?.draft?.body).toContain(candidate.email);
    expect(forMia?.draft?.body).toContain(candidate.phone);
  });

  it('writes new notes for a new round', () => {
    const second = planFollowUps({ ...input, round: 2 }, policy, at(input.endsAt));
    const firstRound = new Set(thankYous.map((step) => step.draft?.body));
    for (const step of ofKind(second, 'thank_you')) {
      expect(firstRound.has(step.draft?.body)).toBe(false);
      expect(step.draft?.body).toContain('second-round');
    }
  });

  it('passes its own draft check', () => {
    for (const step of steps) {
      if (!step.draft) continue;
      const findings = checkDraft(step.draft.body, {
        kind: step.kind,
        roleTitle: input.role.title,
        company: input.role.company,
        candidate: input.candidate,
        ...(step.kind === 'contact_info_needed' ? {} : { recipientName: step.recipient.name }),
      });
      expect(findings, `${step.kind} for ${step.recipient.name}`).toEqual([]);
    }
  });
});

describe('step ids', () => {
  it('are stable: the same input and now give the same ids', () => {
    const input = interview('2026-03-10T14:00:00Z');
    const ids = (now: string) => planFollowUps(input, policy, at(now)).map((step) => step.id);
    expect(ids(input.endsAt)).toEqual(ids(input.endsAt));
    // Planning a little later does not move anything, so nothing changes.
    expect(ids('2026-03-10T14:20:00Z')).toEqual(ids(input.endsAt));
    expect(new Set(ids(input.endsAt)).size).toBe(ids(input.endsAt).length);
  });
});

describe('impossible input', () => {
  it.each([
    { name: 'end before start', startsAt: '2026-03-10T15:00:00Z', endsAt: '2026-03-10T14:00:00Z' },
    {
      name: 'end equal to start',
      startsAt: '2026-03-10T14:00:00Z',
      endsAt: '2026-03-10T14:00:00Z',
    },
    {
      name: 'longer than 12 hours',
      startsAt: '2026-03-10T01:00:00Z',
      endsAt: '2026-03-10T13:30:00Z',
    },
  ])('$name → ValidationError on endsAt, and a 400 from the schema', ({ startsAt, endsAt }) => {
    const input = { ...interview(endsAt), startsAt };
    const thrown = (() => {
      try {
        planFollowUps(input, policy, at(endsAt));
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).errors.map((error) => error.path)).toEqual(['endsAt']);
    const parsed = interviewInputSchema.safeParse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['endsAt']);
  });
});
