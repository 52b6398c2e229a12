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
    nowOffsetHours: fc.integer({ min: -72, max: 24 * 30 }),
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
        },
        { requiredKeys: [] },
      )
      .map((nextSteps) => {
        const input: InterviewInput = {
          candidate: { name: 'Ana Ruiz', email: 'ana@example.com' },
          role: { title: 'Data Engineer', company: 'Acme' },
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
        for (const step of steps) {
          const due = Temporal.Instant.from(step.dueAt);
          expect(Temporal.Instant.compare(due, end)).toBeGreaterThanOrEqual(0);
          expect(Temporal.Instant.compare(due, now)).toBeGreaterThanOrEqual(0);
          expect(step.reason.trim()).not.toBe('');
          expect(step.localDueAt).not.toContain('[');
          expect(Temporal.Instant.from(step.localDueAt).equals(due)).toBe(true);
          if (messageKinds.has(step.kind)) {
            const inWindow = calendar.inSendWindow(due.toZonedDateTimeISO(step.timeZone));
            expect(inWindow || (step.late === true && step.reason.length > 0)).toBe(true);
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

describe('state change properties', () => {
  const signalFor = (input: InterviewInput) =>
    fc.oneof(
      fc
        .record(
          {
            decisionExpectedBy: fc.constantFrom('2028-01-10', '2028-02-01'),
            followUpOn: fc.constant('2028-01-20'),
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
    );

  it('signals, re-plans and snoozes keep the plan coherent and never throw on valid input', () => {
    const arbitrary = scenario.chain((base) =>
      fc.record({
        base: fc.constant(base),
        signal: signalFor(base.input),
        laterHours: fc.integer({ min: 0, max: 24 * 20 }),
        snoozeHours: fc.integer({ min: 1, max: 24 * 5 }),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ base, signal, laterHours, snoozeHours }) => {
        const { input, policy, now } = base;
        const state = startFollowUp(input, policy, now);
        const later = now.add({ hours: laterHours });
        const changes = [applySignal(state, signal, policy, later)];
        const afterSignal = changes[0]?.state ?? state;
        if (afterSignal.status === 'active') {
          changes.push(replan(afterSignal, afterSignal.input, policy, later));
          const open = afterSignal.steps.find((step) => step.status === 'scheduled');
          if (open) {
            changes.push(
              applyStepAction(
                afterSignal,
                open.id,
                { type: 'snooze', by: `PT${snoozeHours}H` },
                policy,
                later,
              ),
            );
          }
        }
        let before = state;
        for (const change of changes) {
          const wasScheduled = new Set(
            (change === changes[0] ? before : afterSignal).steps
              .filter((step) => step.status === 'scheduled')
              .map((step) => step.id),
          );
          for (const step of change.cancelled) expect(wasScheduled.has(step.id)).toBe(true);
          const byId = new Map(change.state.steps.map((step) => [step.id, step]));
          expect(byId.size).toBe(change.state.steps.length);
          for (const step of change.added) {
            expect(byId.get(step.id)?.status).toBe('scheduled');
            expect(Temporal.Instant.compare(step.dueAt, later)).toBeGreaterThanOrEqual(0);
            expect(step.reason.trim()).not.toBe('');
          }
          const perRound = new Map<number, number>();
          for (const step of change.state.steps) {
            if (step.kind === 'check_in' && step.status !== 'cancelled') {
              perRound.set(step.round, (perRound.get(step.round) ?? 0) + 1);
            }
          }
          for (const count of perRound.values())
            expect(count).toBeLessThanOrEqual(policy.maxCheckIns);
          before = change.state;
        }
      }),
      { numRuns: 60 },
    );
  });
});
