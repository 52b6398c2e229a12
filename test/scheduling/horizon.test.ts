/**
 * The scheduling horizon: steps further away than N days hold no schedule; the reconciler
 * brings them in as they come near. Checked on the rule itself (a table of plans) and on the
 * local runtime, where a whole plan plays out with sweeps a few hours apart and every step must
 * still fire exactly once and exactly at its time.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Step } from '../../shared/domain/model';
import { stepsWithinHorizon } from '../../shared/scheduling/horizon';
import { checkInStep } from '../support/interview-fixtures';
import { startTestRuntime, type TestRuntime, type WebhookReceiver } from '../support/runtime';

const day = 86_400_000;
const hour = 3_600_000;
const now = Temporal.Instant.from('2026-03-02T09:00:00Z');

function step(id: string, dueInHours: number, status: Step['status'] = 'scheduled'): Step {
  return checkInStep(id, {
    status,
    dueAt: now.add({ milliseconds: dueInHours * hour }).toString(),
  });
}

describe('stepsWithinHorizon', () => {
  it.each([
    {
      name: 'no horizon: every scheduled step',
      steps: [step('a', 1), step('b', 300), step('c', 2, 'completed')],
      horizon: undefined,
      expected: ['a', 'b'],
    },
    {
      name: 'next step inside: it and the steps within one horizon of it',
      steps: [step('a', 1), step('b', 40), step('c', 50), step('d', 300)],
      horizon: 2 * day,
      expected: ['a', 'b'],
    },
    {
      name: 'counted from the next step, not from now',
      steps: [step('a', 47), step('b', 90), step('c', 94), step('d', 96)],
      horizon: 2 * day,
      expected: ['a', 'b', 'c'],
    },
    {
      name: 'next step outside: nothing yet',
      steps: [step('a', 49), step('b', 50)],
      horizon: 2 * day,
      expected: [],
    },
    {
      name: 'done steps do not count as the next step',
      steps: [step('a', 1, 'due'), step('b', 60), step('c', 70)],
      horizon: 2 * day,
      expected: [],
    },
  ])('$name', ({ steps, horizon, expected }) => {
    expect(stepsWithinHorizon(steps, now, horizon).map((s) => s.id)).toEqual(expected);
  });
});

describe('a two-day horizon on the local runtime', () => {
  const horizonMs = 2 * day;
  const sweepEveryMs = 5 * hour;
  let local: TestRuntime;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    local = await startTestRuntime({
      schedulingHorizonMs: horizonMs,
      // Sweeps five hours apart stand for the deployed five minutes against a 15-minute
      // look-ahead: closer together than the look-ahead, so no interview slips between two.
      reconcileLookaheadMs: 6 * hour,
    });
    receiver = await local.addReceiver();
  });

  afterAll(async () => {
    await local?.close();
  });

  it('schedules only near steps, then fires every step once, on time', async () => {
    const start = local.runtime.clock.now();
    const interviews = [];
    for (const [n, decisionInDays] of [0, 10, 21].entries()) {
      const end = start.subtract({ minutes: 10 + n * 7 });
      const decision = end.toZonedDateTimeISO('UTC').toPlainDate().add({ days: decisionInDays });
      interviews.push(
        await local.createInterview({
          ...(decisionInDays > 0
            ? { nextSteps: { decisionExpectedBy: decision.toString() } }
            : { nextSteps: {} }),
          endsAt: end.toString(),
          startsAt: end.subtract({ hours: 1 }).toString(),
        }),
      );
    }

    // Right after the creates, only steps within the horizon hold a schedule.
    const horizonEnd = start.add({ milliseconds: horizonMs });
    let farSteps = 0;
    for (const interview of interviews) {
      const names = await local.stepSchedulesOf(interview.id);
      const near = interview.steps.filter(
        (s) => s.status === 'scheduled' && Temporal.Instant.compare(s.dueAt, horizonEnd) <= 0,
      );
      farSteps += interview.steps.filter((s) => s.status === 'scheduled').length - near.length;
      expect(names).toHaveLength(near.length);
    }
    expect(farSteps).toBeGreaterThanOrEqual(6);

    // Sweeps every few hours across the plans; no schedule ever lies more than two horizons
    // ahead, and nothing may need the overdue path of the reconciler.
    const until = start.add({ milliseconds: 75 * day });
    let reachedBy = start;
    let broughtIn = 0;
    for (let tick = 0; Temporal.Instant.compare(reachedBy, until) < 0; tick++) {
      reachedBy = reachedBy.add({ milliseconds: sweepEveryMs });
      await local.runtime.emulator.advanceTo(reachedBy);
      const report = await local.runtime.reconcile();
      expect(report.overdueDispatched).toBe(0);
      broughtIn += report.schedulesBroughtIn;
      if (tick % 6 !== 0) continue;
      for (const view of await local.stepSchedules()) {
        const at = Temporal.Instant.from(`${view.expression.slice(3, -1)}Z`);
        expect(at.epochMilliseconds - reachedBy.epochMilliseconds).toBeLessThanOrEqual(
          2 * horizonMs,
        );
      }
    }
    expect(broughtIn).toBeGreaterThanOrEqual(farSteps);

    let fired = 0;
    for (const interview of interviews) {
      // Grace 0: a step that fired even a moment late, twice, or never is a problem.
      expect(await local.firingProblems(interview.id, 0)).toEqual([]);
      const after = await local.getInterview(interview.id);
      const events = await local.stepEvents(interview.id);
      for (const event of events) {
        // Fired by its own schedule: at its time, give or take the real milliseconds the
        // sandbox clock moves on by; the reconciler's overdue path would be hours late here.
        const stepDue = after.steps.find((s) => s.id === event.data.step?.id)?.dueAt ?? '';
        const lateMs =
          Temporal.Instant.from(event.timestamp).epochMilliseconds -
          Temporal.Instant.from(stepDue).epochMilliseconds;
        expect(lateMs).toBeGreaterThanOrEqual(0);
        expect(lateMs).toBeLessThan(60_000);
      }
      fired += events.length;
      expect(after.steps.filter((s) => s.status === 'scheduled')).toEqual([]);
    }
    expect(fired).toBeGreaterThanOrEqual(12);
    // Each step event reached the receiver once (the receiver accepts every attempt).
    const ids = receiver.acceptedIds().filter((id) => id.startsWith('evt_'));
    expect(new Set(ids).size).toBe(ids.length);
  }, 180_000);
});
