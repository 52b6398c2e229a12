/**
 * The whole scheduling loop on the local runtime, driven over HTTP: an interview's steps
 * become EventBridge Scheduler schedules (seen through the real SDK's ListSchedules), the
 * sandbox clock walks across days, the emulator fires each wake-up, the dispatcher marks the
 * step due once and records one event, and a real receiver gets it.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atExpression } from '../../shared/scheduling/eventbridge-scheduler';
import { scheduleName } from '../../shared/scheduling/names';
import {
  type ApiInterview,
  startTestRuntime,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let local: TestRuntime;
let receiver: WebhookReceiver;

beforeAll(async () => {
  local = await startTestRuntime();
  receiver = await local.addReceiver();
});

afterAll(async () => {
  await local?.close();
});

function nameOf(interviewId: string, stepId: string): string {
  return scheduleName({ kind: 'step', tenantId: local.runtime.tenantId, interviewId, stepId });
}

/** The schedule names the interview's still-scheduled steps must have, sorted. */
function expectedNames(interview: ApiInterview): string[] {
  return interview.steps
    .filter((step) => step.status === 'scheduled')
    .map((step) => nameOf(interview.id, step.id))
    .sort();
}

async function scheduleNamesOf(interviewId: string): Promise<string[]> {
  return (await local.stepSchedulesOf(interviewId)).map((view) => view.name).sort();
}

const instant = (text: string) => Temporal.Instant.from(text);
const isBefore = (a: string, b: Temporal.Instant) => Temporal.Instant.compare(instant(a), b) < 0;

describe('an interview on the local runtime', () => {
  it('gets one at() schedule per scheduled step, under its deterministic name', async () => {
    const interview = await local.createInterview();
    const scheduled = interview.steps.filter((step) => step.status === 'scheduled');
    expect(scheduled.length).toBeGreaterThanOrEqual(4);

    const views = await local.stepSchedulesOf(interview.id);
    expect(views.map((view) => view.name).sort()).toEqual(expectedNames(interview));
    for (const step of scheduled) {
      const view = views.find((candidate) => candidate.name === nameOf(interview.id, step.id));
      expect(view?.expression).toBe(atExpression(step.dueAt));
      expect(view?.payload).toEqual({
        kind: 'step',
        tenantId: local.runtime.tenantId,
        interviewId: interview.id,
        stepId: step.id,
      });
    }
  });

  it('turns each step due exactly once, at its time and not before, as days pass', async () => {
    const interview = await local.createInterview();
    const steps = interview.steps;
    const dueTimes = [...new Set(steps.map((step) => step.dueAt))].sort((a, b) =>
      Temporal.Instant.compare(instant(a), instant(b)),
    );
    expect(dueTimes.length).toBeGreaterThanOrEqual(4);

    for (const due of dueTimes) {
      const at = instant(due);
      // A second before: the steps due then are still waiting.
      await local.advanceTo(at.subtract({ seconds: 1 }));
      let current = await local.getInterview(interview.id);
      for (const step of current.steps) {
        expect(step.status, `${step.kind} due ${step.dueAt}`).toBe(
          isBefore(step.dueAt, at) ? 'due' : 'scheduled',
        );
      }
      const firedBefore = steps.filter((step) => isBefore(step.dueAt, at)).length;
      expect(await local.stepEvents(interview.id)).toHaveLength(firedBefore);

      // At the due time: they fire, each once.
      await local.advanceTo(at);
      current = await local.getInterview(interview.id);
      const firedNow = steps.filter((step) => !isBefore(due, instant(step.dueAt)));
      for (const step of current.steps) {
        expect(step.status).toBe(firedNow.some((s) => s.id === step.id) ? 'due' : 'scheduled');
      }
      const events = await local.stepEvents(interview.id);
      expect(events).toHaveLength(firedNow.length);
      expect(new Set(events.map((event) => event.data.step?.id)).size).toBe(firedNow.length);
    }

    const events = await local.stepEvents(interview.id);
    expect(events.map((event) => event.data.step?.id).sort()).toEqual(
      steps.map((step) => step.id).sort(),
    );
    for (const event of events) {
      const step = steps.find((candidate) => candidate.id === event.data.step?.id);
      const dueAt = instant(step?.dueAt ?? '');
      // Fired with the runtime clock at the step's own time (plus the few real milliseconds the
      // dispatch took), never before it.
      expect(Temporal.Instant.compare(instant(event.timestamp), dueAt)).toBeGreaterThanOrEqual(0);
      expect(instant(event.timestamp).since(dueAt).total('seconds')).toBeLessThan(60);
      expect(receiver.acceptedIds()).toContain(event.id);
    }
    // The receiver saw each step event under one webhook-id, at least once.
    const received = receiver.deliveries.filter((d) => events.some((e) => e.id === d.id));
    expect(new Set(received.map((d) => d.id)).size).toBe(events.length);

    const final = await local.getInterview(interview.id);
    expect(final).toMatchObject({ status: 'closed', closedReason: 'exhausted' });
    // Every wake-up deleted itself after firing (ActionAfterCompletion DELETE).
    expect(await scheduleNamesOf(interview.id)).toEqual([]);
  });

  it('deletes the schedules a signal cancels and creates the new steps’ ones', async () => {
    const created = await local.createInterview();
    const thankYouDue = created.steps.find((step) => step.kind === 'thank_you')?.dueAt ?? '';
    await local.advanceTo(instant(thankYouDue));
    const afterThanks = await local.getInterview(created.id);
    const oldCheckIns = afterThanks.steps.filter((step) => step.kind === 'check_in');
    expect(await scheduleNamesOf(created.id)).toEqual(expectedNames(afterThanks));

    // The employer answers with a date to follow up on: old check-ins go, new ones come.
    const followUpOn = local.runtime.clock
      .now()
      .toZonedDateTimeISO('UTC')
      .add({ days: 21 })
      .toPlainDate()
      .toString();
    const replied = await local.api<ApiInterview>('POST', `/v1/interviews/${created.id}/signals`, {
      type: 'employer_replied',
      followUpOn,
    });
    expect(replied.status).toBe(200);
    for (const old of oldCheckIns) {
      expect(replied.body.steps.find((step) => step.id === old.id)?.status).toBe('cancelled');
    }
    const names = await scheduleNamesOf(created.id);
    expect(names).toEqual(expectedNames(replied.body));
    for (const old of oldCheckIns) expect(names).not.toContain(nameOf(created.id, old.id));
    expect(names.length).toBeGreaterThan(0);

    // A rejection cancels everything pending and adds one feedback request.
    const rejected = await local.api<ApiInterview>('POST', `/v1/interviews/${created.id}/signals`, {
      type: 'rejected',
    });
    expect(rejected.status).toBe(200);
    const feedback = rejected.body.steps.filter((step) => step.status === 'scheduled');
    expect(feedback.map((step) => step.kind)).toEqual(['feedback_request']);
    expect(await scheduleNamesOf(created.id)).toEqual(expectedNames(rejected.body));

    // The feedback request fires once at its time; nothing cancelled ever fires.
    const feedbackStep = feedback[0];
    await local.advanceTo(instant(feedbackStep?.dueAt ?? '').add({ hours: 24 * 60 }));
    const events = await local.stepEvents(created.id);
    const firedIds = events.map((event) => event.data.step?.id);
    expect(firedIds.filter((id) => id === feedbackStep?.id)).toHaveLength(1);
    const cancelled = rejected.body.steps.filter((step) => step.status === 'cancelled');
    for (const step of cancelled) expect(firedIds).not.toContain(step.id);
    expect(events).toHaveLength(rejected.body.steps.filter((s) => s.status !== 'cancelled').length);
    expect(await scheduleNamesOf(created.id)).toEqual([]);
  });
});
