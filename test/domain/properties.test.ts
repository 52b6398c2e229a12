import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import {
  applySignal,
  applyStepAction,
  type Interviewer,
  type InterviewInput,
  interviewInputSchema,
  type PolicyOverrides,
  planFollowUps,
  replan,
  resolvePolicy,
  type Signal,
  startFollowUp,
} from '../../shared/domain';
import { SendCalendar } from '../../shared/domain/calendar';

const { default: Holidays } = await import('date-holidays');
type Holidays = InstanceType<typeof Holidays>;

/** A raw ISO 8601 duration (`P3M`, `PT24H`, `P1Y2M`) anywhere in a text. */
const isoDuration = /\bP(?:\d+[YMWD]|T\d+[HMS])/;

/** True when some instant between `from` and `to` (every 15 min) lies in the window. */
function windowExistsBetween(
  calendar: SendCalendar,
  from: Temporal.Instant,
  to: Temporal.Instant,
  timeZone: string,
): boolean {
  for (let at = from; Temporal.Instant.compare(at, to) <= 0; at = at.add({ minutes: 15 })) {
    if (calendar.inSendWindow(at.toZonedDateTimeISO(timeZone), calendar.thankYou)) return true;
  }
  return false;
}

// Zones with DST in either hemisphere, half- and quarter-hour offsets, and a 30-minute DST.
const zones = [
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'America/St_Johns',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'Pacific/Auckland',
  'UTC',
];
const names = ['Jonas Weber', 'Mia Chen', 'Lee Park', 'Sam Ortiz', 'Aiko Sato', 'Jonas Weber'];
const hours = fc
  .tuple(
    fc.integer({ min: 5, max: 12 }),
    fc.integer({ min: 1, max: 12 }),
    fc.constantFrom('00', '30'),
  )
  .map(([start, length, minute]) => ({
    start: `${String(start).padStart(2, '0')}:${minute}`,
    end: `${String(Math.min(start + length, 23)).padStart(2, '0')}:${minute}`,
  }));
const weekdays = fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 });

const interviewerArb: fc.Arbitrary<Interviewer> = fc.record(
  {
    name: fc.constantFrom(...names),
    email: fc.constantFrom('a@acme.example', 'b@acme.example'),
    linkedinUrl: fc.constant('https://www.linkedin.com/in/someone'),
    title: fc.constantFrom('CTO', 'Engineering Manager'),
    timeZone: fc.constantFrom(...zones),
    topics: fc.array(fc.constantFrom('latency budgets', 'hiring plans', 'data contracts'), {
      maxLength: 3,
    }),
    hiringManager: fc.boolean(),
    preferredChannel: fc.constantFrom('email' as const, 'linkedin' as const, 'mail' as const),
    followUp: fc.constantFrom('schema migrations', 'how I would size the team'),
  },
  { requiredKeys: ['name'] },
);

const dateAfter = (base: Temporal.ZonedDateTime) =>
  fc.integer({ min: 0, max: 200 }).map((days) => base.toPlainDate().add({ days }).toString());

const scenario = fc
  .record({
    startMs: fc.integer({
      min: Date.parse('2025-01-01T00:00:00Z'),
      max: Date.parse('2027-12-31T00:00:00Z'),
    }),
    minutes: fc.integer({ min: 15, max: 12 * 60 }),
    timeZone: fc.constantFrom(...zones),
    format: fc.constantFrom('phone' as const, 'video' as const, 'onsite' as const),
    round: fc.integer({ min: 1, max: 4 }),
    interviewers: fc.array(interviewerArb, { minLength: 1, maxLength: 4 }),
    // Up to 29 days after the end: inside the default maxInterviewAge (30 days).
    nowOffsetHours: fc.integer({ min: -72, max: 24 * 29 }),
    recruiter: fc.option(
      fc.record(
        { name: fc.constant('Kim Lee'), email: fc.constant('kim@acme.example') },
        { requiredKeys: ['name'] },
      ),
      { nil: undefined },
    ),
    highlights: fc.option(
      fc.uniqueArray(
        fc.constantFrom('eight years of payment systems', 'a calm hand in incidents', 'SQL'),
        { minLength: 1, maxLength: 3 },
      ),
      { nil: undefined },
    ),
    overrides: fc.record(
      {
        sendDays: weekdays,
        sendHours: hours,
        checkInDays: weekdays,
        checkInHours: hours,
        maxCheckIns: fc.integer({ min: 0, max: 3 }),
        holidayCountry: fc.constantFrom(null, 'DE', 'US', 'FR', 'GB', 'JP', 'XX'),
        handwrittenNote: fc.boolean(),
        checkInCadence: fc.constantFrom('P7D', 'P14D', 'P1M'),
        firstCheckInAfter: fc.constantFrom('P7D', 'P14D', 'P10D'),
      },
      { requiredKeys: [] },
    ) as fc.Arbitrary<PolicyOverrides>,
    seedDates: fc.integer({ min: 0, max: 200 }),
  })
  .chain((base) => {
    const start = Temporal.Instant.fromEpochMilliseconds(
      Math.floor(base.startMs / 60_000) * 60_000,
    );
    const end = start.add({ minutes: base.minutes });
    const local = end.toZonedDateTimeISO(base.timeZone);
    return fc
      .record(
        {
          decisionExpectedBy: dateAfter(local),
          followUpOn: dateAfter(local),
          processLength: fc.constantFrom('P2W', 'P1M', 'P3M', 'P6M'),
          idealStartDate: dateAfter(local),
          unavailableUntil: dateAfter(local),
        },
        { requiredKeys: [] },
      )
      .map((nextSteps) => {
        const input: InterviewInput = {
          candidate: {
            name: 'Ana Ruiz',
            email: 'ana@example.com',
            ...(base.highlights ? { highlights: base.highlights } : {}),
          },
          role: { title: 'Data Engineer', company: 'Acme' },
          ...(base.recruiter ? { recruiter: base.recruiter } : {}),
          round: base.round,
          format: base.format,
          startsAt: start.toString(),
          endsAt: end.toString(),
          timeZone: base.timeZone,
          interviewers: base.interviewers,
          nextSteps,
        };
        return {
          input,
          policy: resolvePolicy(base.overrides),
          now: end.add({ hours: base.nowOffsetHours }),
        };
      });
  });

const messageKinds = new Set(['thank_you', 'check_in', 'feedback_request', 'withdrawal_notice']);

describe('planFollowUps properties', () => {
  it('holds R1–R6 invariants for arbitrary valid interviews and policies', () => {
    fc.assert(
      fc.property(scenario, ({ input, policy, now }) => {
        expect(interviewInputSchema.safeParse(input).success).toBe(true);
        const steps = planFollowUps(input, policy, now);
        const end = Temporal.Instant.from(input.endsAt);
        const calendar = new SendCalendar(policy);

        expect(steps.filter((step) => step.kind === 'check_in').length).toBeLessThanOrEqual(
          policy.maxCheckIns,
        );
        const away = input.nextSteps.unavailableUntil;
        for (const step of steps) {
          const due = Temporal.Instant.from(step.dueAt);
          expect(Temporal.Instant.compare(due, end)).toBeGreaterThanOrEqual(0);
          expect(Temporal.Instant.compare(due, now)).toBeGreaterThanOrEqual(0);
          expect(step.reason.trim()).not.toBe('');
          expect(step.reason).not.toMatch(isoDuration);
          expect(step.localDueAt).not.toContain('[');
          expect(Temporal.Instant.from(step.localDueAt).equals(due)).toBe(true);
          if (step.status === 'skipped') {
            expect(['thank_you', 'contact_info_needed', 'handwritten_note']).toContain(step.kind);
            expect(step.reason).toContain('skipped');
            continue;
          }
          expect(step.status).toBe('scheduled');
          // DESIGN §1: timed in the recipient's zone. Recruiters, candidates and the hiring
          // team have none of their own: the interview's.
          if (step.recipient.role === 'interviewer') {
            const namesakes = input.interviewers.filter(
              (person) => person.name === step.recipient.name,
            );
            expect(namesakes.map((person) => person.timeZone ?? input.timeZone)).toContain(
              step.timeZone,
            );
          } else {
            expect(step.timeZone).toBe(input.timeZone);
          }
          if (messageKinds.has(step.kind)) {
            const rule = step.kind === 'thank_you' ? calendar.thankYou : calendar.send;
            const inWindow = calendar.inSendWindow(due.toZonedDateTimeISO(step.timeZone), rule);
            expect(inWindow || (step.late === true && step.reason.length > 0)).toBe(true);
          }
          // "Away until" holds for every check-in, in the recipient's zone.
          if (step.kind === 'check_in' && away) {
            const day = due.toZonedDateTimeISO(step.timeZone).toPlainDate();
            expect(Temporal.PlainDate.compare(day, away)).toBeGreaterThanOrEqual(0);
          }
          // Thank-yous make the deadline whenever the thank-you window allows it.
          if (step.kind === 'thank_you' && step.channel !== 'mail' && step.deadline) {
            const target = end.add({ hours: 1 });
            const from = Temporal.Instant.compare(now, target) > 0 ? now : target;
            const deadline = Temporal.Instant.from(step.deadline);
            if (windowExistsBetween(calendar, from, deadline, step.timeZone)) {
              expect(Temporal.Instant.compare(due, deadline)).toBeLessThanOrEqual(0);
              expect(step.late ?? false).toBe(false);
            }
          }
        }

        const bodies = steps
          .filter((step) => step.kind === 'thank_you')
          .map((step) => step.draft?.body);
        expect(new Set(bodies).size).toBe(bodies.length);
        expect(new Set(steps.map((step) => step.id)).size).toBe(steps.length);
      }),
      { numRuns: 150 },
    );
  });
});

describe('public holidays (R4)', () => {
  // Countries whose holidays last several days (Chuseok, Eids, Lunar New Year), begin at
  // sunset or noon, or run across New Year; and a few with single days.
  const countries = ['KR', 'AE', 'SA', 'EG', 'BD', 'PK', 'TR', 'VN', 'CN', 'GT', 'IS', 'SZ', 'DE'];
  const calendars = new Map(countries.map((country) => [country, new Holidays(country)]));
  const publicOn = (country: string, dueAt: string) =>
    (calendars.get(country)?.isHoliday(new Date(dueAt)) || []).filter(
      (holiday) => holiday.type === 'public',
    );
  // An interview ending near one of the country's public holidays, in the country's own zone
  // (where date-holidays reads its dates), planned when it ends.
  const nearHoliday = fc
    .constantFrom(...countries)
    .chain((country) => {
      const calendar = calendars.get(country) as Holidays;
      const starts = [2026, 2027].flatMap((year) =>
        calendar
          .getHolidays(year)
          .filter((holiday) => holiday.type === 'public')
          .map((holiday) => holiday.start.getTime()),
      );
      return fc.record({
        country: fc.constant(country),
        timeZone: fc.constant(calendar.getTimezones()[0] as string),
        holidayStart: fc.constantFrom(...starts),
        offsetMinutes: fc.integer({ min: -4 * 24 * 60, max: 3 * 24 * 60 }),
        interviewers: fc.array(
          fc.record(
            {
              name: fc.constantFrom(...names),
              email: fc.constant('a@acme.example'),
              hiringManager: fc.boolean(),
            },
            { requiredKeys: ['name'] },
          ),
          { minLength: 1, maxLength: 3 },
        ),
        recruiter: fc.option(fc.constant({ name: 'Kim Lee', email: 'kim@acme.example' }), {
          nil: undefined,
        }),
        nextSteps: fc.record(
          {
            followUpOn: fc.integer({ min: 0, max: 12 }),
            decisionExpectedBy: fc.integer({ min: 0, max: 12 }),
          },
          { requiredKeys: [] },
        ),
        maxCheckIns: fc.integer({ min: 0, max: 3 }),
        closing: fc.constantFrom(undefined, 'rejected' as const, 'withdrawn' as const),
        closingAfterHours: fc.integer({ min: 0, max: 24 * 6 }),
      });
    })
    .map((base) => {
      const end = Temporal.Instant.fromEpochMilliseconds(
        Math.floor((base.holidayStart + base.offsetMinutes * 60_000) / 60_000) * 60_000,
      );
      const day = end.toZonedDateTimeISO(base.timeZone).toPlainDate();
      const input: InterviewInput = {
        candidate: { name: 'Ana Ruiz', email: 'ana@example.com' },
        role: { title: 'Data Engineer', company: 'Acme' },
        ...(base.recruiter ? { recruiter: base.recruiter } : {}),
        round: 1,
        format: 'video',
        startsAt: end.subtract({ hours: 1 }).toString(),
        endsAt: end.toString(),
        timeZone: base.timeZone,
        interviewers: base.interviewers,
        nextSteps: Object.fromEntries(
          Object.entries(base.nextSteps).map(([field, days]) => [
            field,
            day.add({ days }).toString(),
          ]),
        ),
      };
      return { ...base, input, end };
    });

  it('no step is ever due on a public holiday of the policy’s country', () => {
    fc.assert(
      fc.property(nearHoliday, (scenario) => {
        const { country, input, end } = scenario;
        const policy = resolvePolicy({
          holidayCountry: country,
          maxCheckIns: scenario.maxCheckIns,
        });
        let steps = startFollowUp(input, policy, end).steps;
        if (scenario.closing) {
          const state = startFollowUp(input, policy, end);
          const later = end.add({ hours: scenario.closingAfterHours });
          steps = applySignal(state, { type: scenario.closing }, policy, later).state.steps;
        }
        for (const step of steps) {
          if (step.status !== 'scheduled') continue;
          expect({
            kind: step.kind,
            localDueAt: step.localDueAt,
            holidays: publicOn(country, step.dueAt),
          }).toEqual({ kind: step.kind, localDueAt: step.localDueAt, holidays: [] });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('state change properties', () => {
  const day = (input: InterviewInput, days: number) =>
    Temporal.Instant.from(input.endsAt)
      .toZonedDateTimeISO(input.timeZone)
      .toPlainDate()
      .add({ days })
      .toString();
  const signalFor = (input: InterviewInput) =>
    fc.oneof(
      fc
        .record(
          {
            decisionExpectedBy: fc.integer({ min: 1, max: 60 }).map((days) => day(input, days)),
            followUpOn: fc.integer({ min: 1, max: 60 }).map((days) => day(input, days)),
          },
          { requiredKeys: [] },
        )
        .map((dates): Signal => ({ type: 'employer_replied', ...dates })),
      fc.constantFrom<Signal>({ type: 'rejected' }, { type: 'withdrawn' }, { type: 'offer' }),
      fc.integer({ min: 1, max: 72 }).map((hours): Signal => {
        const end = Temporal.Instant.from(input.endsAt).add({ hours });
        return {
          type: 'rescheduled',
          startsAt: end.subtract({ minutes: 45 }).toString(),
          endsAt: end.toString(),
        };
      }),
      fc.integer({ min: 1, max: 30 }).map((days): Signal => {
        const end = Temporal.Instant.from(input.endsAt).add({ hours: days * 24 });
        return {
          type: 'next_round',
          startsAt: end.subtract({ hours: 1 }).toString(),
          endsAt: end.toString(),
          interviewers: input.interviewers,
        };
      }),
      fc
        .integer({ min: 35, max: 120 })
        .map((days): Signal => ({ type: 'paused', until: day(input, days), note: 'freeze' })),
    );

  it('any sequence of signals, re-plans and snoozes keeps the plan coherent: at most three check-ins, none before a pause ends, prose reasons', () => {
    const arbitrary = scenario.chain((base) =>
      fc.record({
        base: fc.constant(base),
        signals: fc.array(signalFor(base.input), { minLength: 1, maxLength: 4 }),
        laterHours: fc.integer({ min: 0, max: 24 * 20 }),
        snoozeHours: fc.integer({ min: 1, max: 24 * 5 }),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ base, signals, laterHours, snoozeHours }) => {
        const { input, policy, now } = base;
        let state = startFollowUp(input, policy, now);
        let later = now.add({ hours: laterHours });
        const changes: Array<{
          before: typeof state;
          change: ReturnType<typeof replan>;
          snoozed?: string;
        }> = [];
        /** Runs a change; refusals must be the documented ones (409, or a 400 naming the field). */
        const run = (
          change: () => ReturnType<typeof replan>,
          refusable: string[] = [],
          snoozed?: string,
        ) => {
          const before = state;
          try {
            const result = change();
            changes.push({ before, change: result, ...(snoozed ? { snoozed } : {}) });
            state = result.state;
          } catch (error) {
            if ((error as Error).name === 'ConflictError') return;
            expect((error as Error).name).toBe('ValidationError');
            const paths = (error as { errors: Array<{ path: string }> }).errors.map(
              (issue) => issue.path,
            );
            for (const path of paths) expect(refusable).toContain(path);
          }
        };
        // Moved times may fall outside maxInterviewAge; a pause may already be over by `later`.
        const refusableFields: Record<Signal['type'], string[]> = {
          employer_replied: [],
          rejected: [],
          withdrawn: [],
          offer: [],
          rescheduled: ['endsAt'],
          next_round: ['endsAt'],
          paused: ['until'],
        };
        for (const signal of signals) {
          run(() => applySignal(state, signal, policy, later), refusableFields[signal.type]);
          later = later.add({ hours: 1 });
        }
        if (state.status === 'active') {
          run(() => replan(state, state.input, policy, later));
          for (const fired of [false, true]) {
            if (state.status !== 'active') break;
            const open = state.steps.find((step) => step.status === 'scheduled');
            if (!open) continue;
            // The second time, the dispatcher has fired the step first: its event went out.
            if (fired) {
              state = {
                ...state,
                steps: state.steps.map((step) =>
                  step === open ? { ...step, status: 'due' } : step,
                ),
              };
            }
            run(
              () =>
                applyStepAction(
                  state,
                  open.id,
                  { type: 'snooze', by: `PT${snoozeHours}H` },
                  policy,
                  later,
                ),
              [],
              open.id,
            );
          }
        }
        for (const { before, change, snoozed } of changes) {
          const wasScheduled = new Set(
            before.steps.filter((step) => step.status === 'scheduled').map((step) => step.id),
          );
          for (const step of change.cancelled) expect(wasScheduled.has(step.id)).toBe(true);
          // A step the dispatcher already fired (`due`) is never cancelled by a change; only
          // snoozing it closes it, as `skipped` pointing at its replacement.
          for (const step of before.steps) {
            if (step.status !== 'due') continue;
            const after = change.state.steps.find((next) => next.id === step.id);
            if (step.id === snoozed) {
              expect(after?.status).toBe('skipped');
              expect(after?.supersededBy).toBe(change.added[0]?.id);
            } else {
              expect(after?.status).toBe('due');
            }
          }
          const byId = new Map(change.state.steps.map((step) => [step.id, step]));
          expect(byId.size).toBe(change.state.steps.length);
          for (const step of change.added) {
            expect(['scheduled', 'skipped']).toContain(byId.get(step.id)?.status);
            expect(step.reason.trim()).not.toBe('');
          }
          const pausedUntil = change.state.memory?.pause?.until;
          const perRound = new Map<number, number>();
          for (const step of change.state.steps) {
            expect(step.reason).not.toMatch(isoDuration);
            // A fired check-in that was snoozed and its replacement are one check-in.
            if (
              step.kind === 'check_in' &&
              step.status !== 'cancelled' &&
              step.supersededBy === undefined
            ) {
              perRound.set(step.round, (perRound.get(step.round) ?? 0) + 1);
            }
            if (
              pausedUntil &&
              step.status === 'scheduled' &&
              step.round === change.state.input.round &&
              (step.kind === 'check_in' || step.kind === 'move_on')
            ) {
              const local = Temporal.Instant.from(step.dueAt).toZonedDateTimeISO(step.timeZone);
              expect(
                Temporal.PlainDate.compare(local.toPlainDate(), pausedUntil),
              ).toBeGreaterThanOrEqual(0);
            }
          }
          for (const count of perRound.values()) expect(count).toBeLessThanOrEqual(3);
          for (const count of perRound.values())
            expect(count).toBeLessThanOrEqual(policy.maxCheckIns);
        }
      }),
      { numRuns: 60 },
    );
  });
});
