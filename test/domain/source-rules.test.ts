/**
 * The rules issue 11 brought closer to the career-advice sources: fixed instants, several
 * zones, a DST change and public holidays.
 */
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  applySignal,
  applyStepAction,
  checkDraft,
  type FollowUpState,
  type Interviewer,
  type InterviewInput,
  planFollowUps,
  resolvePolicy,
  type Step,
  startFollowUp,
} from '../../shared/domain';
import { ValidationError } from '../../shared/errors';
import { at, checkIns, interview, jonas, mia, ofKind, only } from './fixtures';

const policy = resolvePolicy();

function plan(input: InterviewInput, now = input.endsAt, withPolicy = policy): Step[] {
  return planFollowUps(input, withPolicy, at(now));
}

/** What the draft check finds in a step's draft, checked against the interview it is for. */
function draftFindings(step: Step, input: InterviewInput) {
  return checkDraft(step.draft?.body ?? '', {
    kind: step.kind,
    roleTitle: input.role.title,
    company: input.role.company,
    candidate: input.candidate,
    recipientName: step.recipient.name,
  });
}

function validationPaths(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).errors.map((issue) => issue.path);
  }
  throw new Error('expected a ValidationError');
}

describe('R5: an employer’s date wins when it is a send day', () => {
  it.each([
    {
      name: 'Monday 15th in Berlin stays on Monday (no move to the Tue/Wed preference)',
      input: interview('2026-06-02T13:00:00Z', { nextSteps: { followUpOn: '2026-06-15' } }),
      localDueAt: '2026-06-15T09:00:00+02:00',
      reason: 'the day they named, Mon 2026-06-15 09:00',
    },
    {
      name: 'New York, the Monday after the DST switch, keeps local 09:00',
      input: interview('2026-02-24T15:00:00Z', {
        timeZone: 'America/New_York',
        nextSteps: { followUpOn: '2026-03-09' },
      }),
      localDueAt: '2026-03-09T09:00:00-04:00',
      reason: 'the day they named, Mon 2026-03-09 09:00',
    },
    {
      name: 'Tokyo, a Thursday',
      input: interview('2026-04-01T06:00:00Z', {
        timeZone: 'Asia/Tokyo',
        nextSteps: { followUpOn: '2026-04-16' },
      }),
      localDueAt: '2026-04-16T09:00:00+09:00',
      reason: 'the day they named, Thu 2026-04-16 09:00',
    },
    {
      name: 'a Saturday 15th moves to the next send window, Monday',
      input: interview('2026-08-04T13:00:00Z', { nextSteps: { followUpOn: '2026-08-15' } }),
      localDueAt: '2026-08-17T08:00:00+02:00',
      reason: 'next send window Mon 2026-08-17 08:00',
    },
  ])('$name', ({ input, localDueAt, reason }) => {
    const first = checkIns(plan(input))[0];
    expect(first?.localDueAt).toBe(localDueAt);
    expect(first?.reason).toContain(reason);
  });

  it('a named day that is a public holiday moves to the next business day and says so', () => {
    const input = interview('2026-06-30T12:00:00Z', {
      timeZone: 'Europe/Paris',
      nextSteps: { followUpOn: '2026-07-14' },
    });
    const first = checkIns(plan(input, input.endsAt, resolvePolicy({ holidayCountry: 'FR' })))[0];
    expect(first?.localDueAt).toBe('2026-07-15T08:00:00+02:00');
    expect(first?.reason).toContain('skips public holiday 2026-07-14');
  });
});

describe('R1: thank-yous in their own window, across zones, DST and holidays', () => {
  it.each([
    {
      name: 'New York, Friday 21:00: Monday 08:00 after the DST switch, late',
      input: interview('2026-03-07T02:00:00Z', { timeZone: 'America/New_York' }),
      withPolicy: policy,
      localDueAt: '2026-03-09T08:00:00-04:00',
      late: true,
    },
    {
      name: 'Tokyo, Wednesday 19:30: 20:30 is the window’s (exclusive) end, so Thursday 08:00',
      input: interview('2026-03-04T10:30:00Z', { timeZone: 'Asia/Tokyo' }),
      withPolicy: policy,
      localDueAt: '2026-03-05T08:00:00+09:00',
      late: false,
    },
    {
      name: 'Berlin, Thursday 20:00 before Easter (DE): Tuesday would be late, so 20:29 that evening',
      input: interview('2026-04-02T18:00:00Z'),
      withPolicy: resolvePolicy({ holidayCountry: 'DE' }),
      localDueAt: '2026-04-02T20:29:00+02:00',
      late: false,
    },
    {
      name: 'Berlin, Thursday 20:45 before Easter (DE): the window has closed, Tuesday, late but not skipped',
      input: interview('2026-04-02T18:45:00Z'),
      withPolicy: resolvePolicy({ holidayCountry: 'DE' }),
      localDueAt: '2026-04-07T08:00:00+02:00',
      late: true,
    },
    {
      name: 'a narrower thank-you window from the policy is respected: its last minute on Friday',
      input: interview('2026-03-06T16:30:00Z'),
      withPolicy: resolvePolicy({ thankYouHours: { start: '08:00', end: '18:00' } }),
      localDueAt: '2026-03-06T17:59:00+01:00',
      late: false,
    },
    {
      name: 'a narrower thank-you window, Friday 18:00 end: Monday, late',
      input: interview('2026-03-06T17:00:00Z'),
      withPolicy: resolvePolicy({ thankYouHours: { start: '08:00', end: '18:00' } }),
      localDueAt: '2026-03-09T08:00:00+01:00',
      late: true,
    },
  ])('$name', ({ input, withPolicy, localDueAt, late }) => {
    const thankYou = only(plan(input, input.endsAt, withPolicy), 'thank_you');
    expect(thankYou.localDueAt).toBe(localDueAt);
    expect(thankYou.late ?? false).toBe(late);
    expect(thankYou.status).toBe('scheduled');
  });

  it('names the holidays it steps over', () => {
    const thankYou = only(
      plan(interview('2026-04-02T18:45:00Z'), undefined, resolvePolicy({ holidayCountry: 'DE' })),
      'thank_you',
    );
    expect(thankYou.reason).toContain('2026-04-03');
    expect(thankYou.reason).toContain('2026-04-06');
  });
});

describe('handwritten card after an on-site interview', () => {
  const withNote = resolvePolicy({ handwrittenNote: true });

  it.each([
    {
      name: 'a Tuesday afternoon',
      endsAt: '2026-03-10T14:00:00Z',
      local: '2026-03-10T15:00:00+01:00',
    },
    {
      name: 'a Saturday (no send window applies)',
      endsAt: '2026-03-07T10:00:00Z',
      local: '2026-03-07T11:00:00+01:00',
    },
    { name: 'late evening', endsAt: '2026-03-10T21:00:00Z', local: '2026-03-10T22:00:00+01:00' },
  ])('is due when the interview ends: $name', ({ endsAt, local }) => {
    const input = interview(endsAt, { format: 'onsite' });
    const steps = plan(input, endsAt, withNote);
    const note = only(steps, 'handwritten_note');
    expect(note).toMatchObject({
      dueAt: at(endsAt).toString().replace('.000', ''),
      localDueAt: local,
    });
    expect(note.reason).toContain('leave it at reception');
    expect(note.draft?.body).not.toBe(only(steps, 'thank_you').draft?.body);
  });
});

describe('interviews outside the plannable time', () => {
  const now = '2026-03-02T09:00:00Z';
  it.each([
    {
      name: 'an interview in 1900',
      input: interview('1900-01-01T10:00:00Z'),
      paths: ['endsAt'],
    },
    {
      name: 'an interview in the year 9999',
      input: interview('9999-06-01T10:00:00Z'),
      paths: ['startsAt'],
    },
    {
      name: 'ended 31 days ago',
      input: interview('2026-01-30T09:00:00Z'),
      paths: ['endsAt'],
    },
    {
      name: 'starting 13 months ahead',
      input: interview('2027-04-02T09:00:00Z'),
      paths: ['startsAt'],
    },
    {
      name: 'a follow-up date two years after the interview',
      input: interview('2026-03-03T14:00:00Z', { nextSteps: { followUpOn: '2028-03-03' } }),
      paths: ['nextSteps.followUpOn'],
    },
  ])('$name → ValidationError naming $paths', ({ input, paths }) => {
    expect(validationPaths(() => plan(input, now))).toEqual(paths);
  });

  it('a policy may widen the window', () => {
    const input = interview('2026-01-10T09:00:00Z');
    expect(validationPaths(() => plan(input, now))).toEqual(['endsAt']);
    const steps = plan(input, now, resolvePolicy({ maxInterviewAge: 'P60D' }));
    expect(steps.length).toBeGreaterThan(0);
  });

  it.each([
    {
      name: 'three days old: the thank-you still goes, flagged late',
      days: 3,
      status: 'scheduled',
    },
    { name: 'six days old: the thank-you is skipped, with the reason', days: 6, status: 'skipped' },
  ])('$name', ({ days, status }) => {
    const input = interview('2026-03-03T14:00:00Z', { format: 'onsite' });
    const now = at(input.endsAt).add({ hours: days * 24 });
    const steps = plan(input, now.toString(), resolvePolicy({ handwrittenNote: true }));
    const thankYou = only(steps, 'thank_you');
    expect(thankYou.status).toBe(status);
    expect(thankYou.late).toBe(true);
    expect(only(steps, 'handwritten_note').status).toBe(status);
    if (status === 'skipped') {
      expect(thankYou.reason).toContain('more than 5 days after the interview');
      expect(thankYou.reason).toContain('skipped rather than sent this late');
      // No thank-you went out, so the first check-in does not count from one.
      expect(checkIns(steps)[0]?.reason).toContain(
        'days after the interview (no thank-you went out)',
      );
      expect(checkIns(steps)[0]?.reason).not.toContain('after the thank-you');
    } else {
      expect(checkIns(steps)[0]?.reason).toContain('days after the thank-you');
    }
    // Check-ins still make sense and are planned.
    expect(checkIns(steps).length).toBe(3);
  });
});

const lee: Interviewer = { name: 'Lee Park', topics: ['hiring plans'] };
const kim = { name: 'Kim Novak', email: 'kim@acme.example', phone: '+49 30 1234' };

describe('the recruiter and the hiring manager (R3, R9)', () => {
  it.each([
    {
      name: 'recruiter with email: an email to the recruiter about that interviewer',
      recruiter: kim,
      expected: {
        channel: 'email',
        recipient: { name: 'Kim Novak', email: kim.email, role: 'recruiter' },
        regarding: 'Lee Park',
      },
      reason: 'ask the recruiter by email for contact details',
    },
    {
      name: 'recruiter without email: a task addressed to the recruiter',
      recruiter: { name: 'Kim Novak' },
      expected: { channel: 'task', recipient: { name: 'Kim Novak', role: 'recruiter' } },
      reason: 'no recruiter email known',
    },
    {
      name: 'no recruiter: a task about the interviewer, as before',
      recruiter: undefined,
      expected: { channel: 'task', recipient: { name: 'Lee Park', role: 'interviewer' } },
      reason: 'ask the recruiter for contact details',
    },
  ])('contact details: $name', ({ recruiter, expected, reason }) => {
    const input = interview('2026-03-10T14:00:00Z', {
      interviewers: [lee, jonas],
      ...(recruiter ? { recruiter } : {}),
    });
    const ask = only(plan(input), 'contact_info_needed');
    expect(ask).toMatchObject(expected);
    expect(ask.reason).toContain(reason);
    expect(ask.draft?.body).toContain('Lee Park');
  });

  it.each([
    {
      name: 'the hiring manager when reachable',
      interviewers: [mia, { ...jonas, hiringManager: true }],
      recruiter: kim,
      recipient: 'Jonas Weber',
      reason: 'to the hiring manager by email',
    },
    {
      name: 'the recruiter when the hiring manager cannot be reached',
      interviewers: [mia, { name: 'Jonas Weber', hiringManager: true }],
      recruiter: kim,
      recipient: 'Kim Novak',
      reason: 'to the recruiter by email (no address known for the hiring manager)',
    },
    {
      name: 'the recruiter when no hiring manager is named',
      interviewers: [mia, jonas],
      recruiter: kim,
      recipient: 'Kim Novak',
      reason: 'to the recruiter by email (no hiring manager named)',
    },
    {
      name: 'an interviewer, as before, when there is neither',
      interviewers: [lee, mia],
      recruiter: undefined,
      recipient: 'Mia Chen',
      reason: 'to an interviewer by email',
    },
  ])('check-ins go to $name', ({ interviewers, recruiter, recipient, reason }) => {
    const input = interview('2026-03-10T14:00:00Z', {
      interviewers,
      ...(recruiter ? { recruiter } : {}),
    });
    const planned = checkIns(plan(input));
    expect(planned).toHaveLength(3);
    for (const step of planned) {
      expect(step.recipient.name).toBe(recipient);
      expect(step.reason).toContain(reason);
      expect(step.draft?.body).toContain(`Dear ${recipient.split(' ')[0]},`);
    }
  });

  it.each([
    { signal: 'rejected' as const, kind: 'feedback_request' },
    { signal: 'withdrawn' as const, kind: 'withdrawal_notice' },
  ])('$signal: the $kind goes to the recruiter when known', ({ signal, kind }) => {
    const withRecruiter = interview('2026-03-03T14:00:00Z', {
      interviewers: [{ ...jonas, hiringManager: true }],
      recruiter: kim,
    });
    const later = at('2026-03-10T10:00:00Z');
    const state = startFollowUp(withRecruiter, policy, at(withRecruiter.endsAt));
    const closing = applySignal(state, { type: signal }, policy, later).added[0];
    expect(closing).toMatchObject({
      kind,
      channel: 'email',
      recipient: { name: 'Kim Novak', role: 'recruiter' },
    });
    // The clause belongs to the recruiter, not to the send window that follows it.
    expect(closing?.reason).toContain(
      'to the recruiter who arranged the interview, by email in the next send window',
    );
    expect(closing?.draft?.body).toContain('Dear Kim,');

    const { recruiter: _none, ...without } = withRecruiter;
    const fallback = applySignal(
      startFollowUp(without, policy, at(without.endsAt)),
      { type: signal },
      policy,
      later,
    ).added[0];
    expect(fallback?.recipient.name).toBe('Jonas Weber');
    expect(fallback?.reason).toContain('to the hiring manager by email (no recruiter named)');
  });
});

describe('preferred channel (seed 003)', () => {
  const profile = 'https://www.linkedin.com/in/jonasweber';
  it.each([
    {
      name: 'email, with an address',
      person: { ...jonas, linkedinUrl: profile, preferredChannel: 'email' as const },
      channel: 'email',
      reason: 'thank-you by email, as they prefer',
    },
    {
      name: 'LinkedIn, with a profile (over a known email)',
      person: { ...jonas, linkedinUrl: profile, preferredChannel: 'linkedin' as const },
      channel: 'linkedin',
      reason: 'thank-you on LinkedIn, as they prefer',
    },
    {
      name: 'LinkedIn without a profile falls back to email',
      person: { ...jonas, preferredChannel: 'linkedin' as const },
      channel: 'email',
      reason: 'by email: they prefer LinkedIn, but no LinkedIn profile is known',
    },
    {
      name: 'email without an address falls back to LinkedIn',
      person: { name: 'Jonas Weber', linkedinUrl: profile, preferredChannel: 'email' as const },
      channel: 'linkedin',
      reason: 'they prefer email, but no email address is known',
    },
    {
      name: 'post: a card sent express',
      person: { ...jonas, preferredChannel: 'mail' as const },
      channel: 'mail',
      reason: 'by post, as they prefer',
    },
    {
      name: 'post with no other detail: still a card, no contact request',
      person: { name: 'Jonas Weber', preferredChannel: 'mail' as const },
      channel: 'mail',
      reason: 'by post, as they prefer',
    },
  ])('thank-you: $name', ({ person, channel, reason }) => {
    const steps = plan(interview('2026-03-10T14:00:00Z', { interviewers: [person] }));
    const thankYou = only(steps, 'thank_you');
    expect(thankYou.channel).toBe(channel);
    expect(thankYou.reason).toContain(reason);
    expect(ofKind(steps, 'contact_info_needed')).toEqual([]);
  });

  it('a hiring manager who prefers post gets check-ins by email, and the reason says why', () => {
    const manager = { ...jonas, hiringManager: true, preferredChannel: 'mail' as const };
    const planned = checkIns(plan(interview('2026-03-10T14:00:00Z', { interviewers: [manager] })));
    expect(planned[0]?.channel).toBe('email');
    expect(planned[0]?.reason).toContain('a check-in by post would arrive too late');
  });

  it('an on-site card is not doubled when the thank-you already goes by post', () => {
    const input = interview('2026-03-10T14:00:00Z', {
      format: 'onsite',
      interviewers: [{ ...jonas, preferredChannel: 'mail' }, mia],
    });
    const notes = ofKind(
      plan(input, input.endsAt, resolvePolicy({ handwrittenNote: true })),
      'handwritten_note',
    );
    expect(notes.map((step) => step.recipient.name)).toEqual(['Mia Chen']);
  });
});

describe('"away until" (nextSteps.unavailableUntil)', () => {
  it.each([
    {
      name: 'no timeline: the first check-in waits for their return (a Tue/Wed after it)',
      nextSteps: { unavailableUntil: '2026-03-27' },
      first: '2026-03-31T09:00:00+02:00',
    },
    {
      name: 'a named day before their return gives way to it',
      nextSteps: { followUpOn: '2026-03-20', unavailableUntil: '2026-03-25' },
      first: '2026-03-25T09:00:00+01:00',
    },
    {
      name: 'a return before the natural date changes nothing',
      nextSteps: { unavailableUntil: '2026-03-06' },
      first: '2026-03-18T09:00:00+01:00',
    },
  ])('$name', ({ nextSteps, first }) => {
    const input = interview('2026-03-03T14:00:00Z', { nextSteps });
    const steps = plan(input);
    const planned = checkIns(steps);
    expect(planned[0]?.localDueAt).toBe(first);
    for (const step of planned)
      expect(step.localDueAt.slice(0, 10) >= nextSteps.unavailableUntil).toBe(true);
    // Thank-yous are not held back.
    expect(only(steps, 'thank_you').localDueAt).toBe('2026-03-03T16:00:00+01:00');
    if (first !== '2026-03-18T09:00:00+01:00') {
      expect(planned[0]?.reason).toContain(
        `the decision maker is away until ${nextSteps.unavailableUntil}`,
      );
    }
  });
});

describe('paused signal', () => {
  const input = interview('2026-03-03T14:00:00Z', { interviewers: [jonas, mia] });
  const started = startFollowUp(input, policy, at(input.endsAt));
  const later = at('2026-03-05T10:00:00Z');
  const paused = applySignal(
    started,
    { type: 'paused', until: '2026-05-04', note: 'hiring freeze' },
    policy,
    later,
  );
  const open = (state: FollowUpState) => state.steps.filter((step) => step.status === 'scheduled');

  it('shifts open check-ins and the move-on to the end of the pause; thank-yous stay', () => {
    const moved = open(paused.state).filter(
      (step) => step.kind === 'check_in' || step.kind === 'move_on',
    );
    expect(moved.length).toBe(4);
    for (const step of moved) expect(step.localDueAt.slice(0, 10) >= '2026-05-04').toBe(true);
    const planned = checkIns(paused.state.steps);
    expect(planned.map((step) => step.checkInNumber)).toEqual([1, 2, 3]);
    expect(planned[0]?.localDueAt).toBe('2026-05-05T09:00:00+02:00');
    expect(planned[0]?.reason).toContain('the employer paused the process until 2026-05-04');
    const times = (steps: Step[]) =>
      ofKind(steps, 'thank_you').map((step) => [step.id, step.dueAt]);
    expect(times(open(paused.state))).toEqual(times(started.steps));
    expect(paused.state.memory?.pause).toMatchObject({
      until: '2026-05-04',
      note: 'hiring freeze',
    });
  });

  it('keeps the rule of three when a check-in already went out', () => {
    const first = checkIns(started.steps)[0] as Step;
    const sent: FollowUpState = {
      ...started,
      steps: started.steps.map((step) =>
        step.id === first.id ? { ...step, status: 'due' } : step,
      ),
    };
    const change = applySignal(
      sent,
      { type: 'paused', until: '2026-05-04' },
      policy,
      at('2026-03-19T10:00:00Z'),
    );
    const remaining = checkIns(change.state.steps);
    expect(remaining.map((step) => step.checkInNumber)).toEqual([2, 3]);
    expect(change.state.steps.find((step) => step.id === first.id)?.status).toBe('due');
    expect(change.cancelled.map((step) => step.id)).not.toContain(first.id);
  });

  it('a later reply with dates lifts the pause; a rejection closes as today', () => {
    const replied = applySignal(
      paused.state,
      { type: 'employer_replied', followUpOn: '2026-03-24' },
      policy,
      at('2026-03-10T10:00:00Z'),
    );
    expect(replied.state.memory?.pause).toBeUndefined();
    expect(checkIns(replied.state.steps)[0]?.localDueAt).toBe('2026-03-24T09:00:00+01:00');

    const rejected = applySignal(
      paused.state,
      { type: 'rejected' },
      policy,
      at('2026-03-10T10:00:00Z'),
    );
    expect(checkIns(rejected.state.steps)).toEqual([]);
    expect(ofKind(rejected.added, 'feedback_request')).toHaveLength(1);
  });

  it.each([
    { name: 'in the past', until: '2026-03-01' },
    { name: 'today', until: '2026-03-05' },
    { name: 'more than a year ahead', until: '2027-06-01' },
  ])('until $name is a ValidationError on `until`', ({ until }) => {
    expect(
      validationPaths(() => applySignal(started, { type: 'paused', until }, policy, later)),
    ).toEqual(['until']);
  });
});

describe('something new to say: highlights and follow-up questions', () => {
  const input = interview('2026-03-03T14:00:00Z', {
    candidate: {
      name: 'Ana Ruiz',
      email: 'ana.ruiz@example.com',
      phone: '+49 151 2345678',
      highlights: ['eight years of running payment systems', 'a calm hand during outages'],
    },
    interviewers: [
      { ...jonas, hiringManager: true, followUp: 'how I would shard the events table' },
      mia,
    ],
  });
  const steps = plan(input);

  it('the thank-you comes back to the question and says why the candidate fits', () => {
    const forJonas = ofKind(steps, 'thank_you').find(
      (step) => step.recipient.name === 'Jonas Weber',
    );
    expect(forJonas?.draft?.body).toContain(
      'a question you asked me, I would be glad to give you a fuller answer: how I would shard the events table.',
    );
    expect(forJonas?.draft?.body).toContain('eight years of running payment systems');
    const forMia = ofKind(steps, 'thank_you').find((step) => step.recipient.name === 'Mia Chen');
    expect(forMia?.draft?.body).not.toContain('a question you asked me');
    expect(forMia?.draft?.body).toContain('a calm hand during outages');
  });

  it('each check-in makes a point none of the others (nor the thank-you to that person) made', () => {
    const planned = checkIns(steps);
    const points = planned.map((step) => step.draft?.body.split('\n\n')[1]?.split('. ')[1]);
    expect(new Set(points).size).toBe(planned.length);
    // Jonas's thank-you used the first highlight; his first check-in brings the other one.
    expect(planned[0]?.draft?.body).toContain('a calm hand during outages');
    expect(planned[1]?.draft?.body).toContain('eight years of running payment systems');
  });

  it('drafts stay short and pass the draft check', () => {
    for (const step of steps) {
      if (!step.draft) continue;
      expect(draftFindings(step, input), `${step.kind} for ${step.recipient.name}`).toEqual([]);
    }
  });

  it('a snooze says how far it moved the step', () => {
    const state = startFollowUp(input, policy, at(input.endsAt));
    const checkIn = checkIns(state.steps)[0] as Step;
    const change = applyStepAction(
      state,
      checkIn.id,
      { type: 'snooze', by: 'P2D' },
      policy,
      at(input.endsAt),
    );
    const moved = change.added[0] as Step;
    expect(Temporal.Instant.from(moved.dueAt).since(checkIn.dueAt).total('hours')).toBe(48);
    expect(moved.reason).toContain('snoozed by 2 days from its due time, Wed 2026-03-18 09:00');
  });
});

describe('the candidate’s own words read right in every draft, whatever their shape', () => {
  const question = 'What is your biggest weakness?';
  const input = interview('2026-03-03T14:00:00Z', {
    format: 'onsite',
    candidate: {
      name: 'Ana Ruiz',
      email: 'ana.ruiz@example.com',
      phone: '+49 151 2345678',
      highlights: [
        'Led the migration of 40 services to Kubernetes',
        'I speak fluent German.',
        'eight years of running payment systems',
      ],
    },
    interviewers: [
      {
        ...jonas,
        hiringManager: true,
        topics: ['How do you keep on-call humane?', 'Kubernetes upgrades'],
        followUp: question,
      },
      { ...mia, followUp: 'how I would size the team' },
    ],
  });
  const steps = plan(input, input.endsAt, resolvePolicy({ handwrittenNote: true }));
  const drafted = steps.filter((step) => step.draft);

  it('embeds a question, a sentence or a résumé line after a colon, never after "about"', () => {
    const bodies = drafted.map((step) => step.draft?.body ?? '').join('\n');
    expect(bodies).toContain(`fuller answer: ${question}`);
    expect(bodies).toContain(': Led the migration of 40 services to Kubernetes.');
    expect(bodies).toContain(': I speak fluent German.');
    expect(bodies).toContain(': How do you keep on-call humane?');
    expect(bodies).toContain(': how I would size the team.');
    for (const broken of [
      'about What',
      '?,',
      'because of',
      '..',
      'enough when we met is',
      'about How',
    ]) {
      expect(bodies).not.toContain(broken);
    }
  });

  it('every draft passes the draft check, including its broken-sentence check', () => {
    expect(drafted.length).toBeGreaterThanOrEqual(6);
    for (const step of drafted) {
      expect(draftFindings(step, input), `${step.kind} for ${step.recipient.name}`).toEqual([]);
    }
  });
});

describe('R4: every day of a public holiday that lasts several days', () => {
  // Chuseok 2027 is one date-holidays entry from Tue 14 to Thu 16 September.
  const chuseok = interview('2027-09-14T01:00:00Z', {
    timeZone: 'Asia/Seoul',
    interviewers: [{ ...jonas, hiringManager: true }],
    nextSteps: { followUpOn: '2027-09-23' },
  });
  const korea = resolvePolicy({ holidayCountry: 'KR' });
  const steps = plan(chuseok, chuseok.endsAt, korea);

  it('keeps the thank-you off all three days and names them', () => {
    const thankYou = only(steps, 'thank_you');
    expect(thankYou.localDueAt).toBe('2027-09-17T08:00:00+09:00');
    expect(thankYou.late).toBe(true);
    expect(thankYou.reason).toContain(
      '; skips public holiday 2027-09-14 Korean Thanksgiving, 2027-09-15 Korean Thanksgiving, 2027-09-16 Korean Thanksgiving',
    );
  });

  it('counts business days over it', () => {
    const decision = interview('2027-09-10T01:00:00Z', {
      timeZone: 'Asia/Seoul',
      nextSteps: { decisionExpectedBy: '2027-09-13' },
    });
    // Any weekday will do, so the check-in lands on the day the count ends: Mon 13 + 3
    // business days is Fri 17, Mon 20, Tue 21 (not Wed 15, Thu 16, Fri 17).
    const anyWeekday = resolvePolicy({ holidayCountry: 'KR', checkInDays: [1, 2, 3, 4, 5] });
    const [first] = checkIns(plan(decision, decision.endsAt, anyWeekday));
    expect(first?.localDueAt).toBe('2027-09-21T09:00:00+09:00');
    expect(first?.reason).toContain('3 business days later');
  });
});

describe('DESIGN §1: steps to the recruiter are timed in the recruiter’s zone', () => {
  // The recruiter has no zone of their own: the interview's. The interviewer who has no
  // contact details is in Kolkata, 9 h 30 min ahead.
  const rosa = { name: 'Rosa Diaz', email: 'rosa@northwind.example' };
  const input: InterviewInput = {
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    round: 1,
    format: 'video',
    startsAt: '2027-03-15T15:00:00Z',
    endsAt: '2027-03-15T16:00:00Z',
    timeZone: 'America/New_York',
    recruiter: rosa,
    interviewers: [
      { name: 'Arjun Mehta', timeZone: 'Asia/Kolkata' },
      { name: 'Priya Raman', email: 'priya@northwind.example', hiringManager: true },
    ],
    nextSteps: {},
  };

  it.each([
    { name: 'by email', recruiter: rosa, channel: 'email' },
    { name: 'as a task (no recruiter email)', recruiter: { name: 'Rosa Diaz' }, channel: 'task' },
  ])(
    'the contact request to the recruiter $name: 13:00 in New York, not 08:00 in Kolkata',
    ({ recruiter, channel }) => {
      const ask = only(plan({ ...input, recruiter }), 'contact_info_needed');
      expect(ask).toMatchObject({
        recipient: { name: 'Rosa Diaz', role: 'recruiter' },
        regarding: 'Arjun Mehta',
        channel,
        timeZone: 'America/New_York',
        dueAt: '2027-03-15T17:00:00Z',
        localDueAt: '2027-03-15T13:00:00-04:00',
        // The 24 h deadline is the thank-you's: the answer is needed for the note.
        deadline: '2027-03-16T16:00:00Z',
      });
      expect(ask.reason).toContain(
        "timed in the recruiter's time zone (the interview's, America/New_York)",
      );
      expect(ask.reason).toContain('Mon 13:00, inside the thank-you window');
    },
  );

  it('a task about the interviewer when no recruiter is named keeps the interviewer’s zone', () => {
    const { recruiter: _none, ...without } = input;
    const ask = only(plan(without), 'contact_info_needed');
    expect(ask).toMatchObject({
      recipient: { name: 'Arjun Mehta', role: 'interviewer' },
      timeZone: 'Asia/Kolkata',
      localDueAt: '2027-03-16T08:00:00+05:30',
    });
  });

  it('the hiring manager’s thank-you and check-ins stay in their own zones', () => {
    const steps = plan({
      ...input,
      interviewers: [
        { name: 'Arjun Mehta', timeZone: 'Asia/Kolkata' },
        { ...jonas, timeZone: 'Europe/Berlin', hiringManager: true },
      ],
    });
    for (const step of steps) {
      const expected =
        step.recipient.role === 'interviewer'
          ? step.recipient.name === 'Jonas Weber'
            ? 'Europe/Berlin'
            : 'Asia/Kolkata'
          : 'America/New_York';
      expect({ kind: step.kind, timeZone: step.timeZone }).toEqual({
        kind: step.kind,
        timeZone: expected,
      });
    }
    expect(ofKind(steps, 'move_on')[0]?.timeZone).toBe('America/New_York');
  });
});

describe('DESIGN §1: every reason names the public holidays its step skips', () => {
  const germany = resolvePolicy({ holidayCountry: 'DE' });
  // Thursday before Easter, 19:00 in Berlin: the next send window is Tuesday after Easter.
  const maundyThursdayEvening = at('2026-04-02T17:00:00Z');
  const easter = '; skips public holiday 2026-04-03 Good Friday, 2026-04-06 Easter Monday';

  it.each([
    { signal: 'rejected' as const, kind: 'feedback_request' },
    { signal: 'withdrawn' as const, kind: 'withdrawal_notice' },
  ])('the $kind after $signal', ({ signal, kind }) => {
    const input = interview('2026-03-31T12:00:00Z', { recruiter: kim });
    const state = startFollowUp(input, germany, at(input.endsAt));
    const closing = applySignal(state, { type: signal }, germany, maundyThursdayEvening).added[0];
    expect(closing?.kind).toBe(kind);
    expect(closing?.localDueAt).toBe('2026-04-07T08:00:00+02:00');
    expect(closing?.reason).toContain(`in the next send window Tue 2026-04-07 08:00${easter}`);
  });

  it('a snoozed step', () => {
    const input = interview('2026-03-31T12:00:00Z');
    const state = startFollowUp(input, germany, at(input.endsAt));
    const [checkIn] = checkIns(state.steps);
    const moved = applyStepAction(
      state,
      checkIn?.id ?? '',
      { type: 'snooze', until: maundyThursdayEvening.toString() },
      germany,
      at('2026-04-01T08:00:00Z'),
    ).added[0];
    expect(moved?.localDueAt).toBe('2026-04-07T08:00:00+02:00');
    expect(moved?.reason).toContain(`next window Tue 2026-04-07 08:00${easter} (was: `);
  });

  it('the move-on', () => {
    // No check-ins: the move-on is due 7 days after the thank-you, Good Friday afternoon.
    const input = interview('2026-03-27T13:00:00Z');
    const moveOn = only(
      plan(input, input.endsAt, resolvePolicy({ holidayCountry: 'DE', maxCheckIns: 0 })),
      'move_on',
    );
    expect(moveOn.localDueAt).toBe('2026-04-07T08:00:00+02:00');
    expect(moveOn.reason).toContain(`(Tue 2026-04-07 08:00)${easter}`);
  });
});
