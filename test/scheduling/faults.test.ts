/**
 * Fault tests on the local runtime: Scheduler and DynamoDB failures injected through the SDK's
 * middleware stack (the code under test is untouched), lost and duplicated wake-ups, stale
 * wake-ups after a cancellation, and clock jumps of months. The promise under test: every due
 * step fires exactly once, never before its time.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scheduleName } from '../../shared/scheduling/names';
import type { WakeupPayload } from '../../shared/scheduling/ports';
import { dueIndex } from '../../shared/store/table';
import {
  type ApiInterview,
  awsError,
  injectFaults,
  seededRandom,
  startTestRuntime,
  type TestRuntime,
  type WebhookReceiver,
} from '../support/runtime';

let local: TestRuntime;
let receiver: WebhookReceiver;
let removeFaults: Array<() => void> = [];

beforeAll(async () => {
  local = await startTestRuntime();
  receiver = await local.addReceiver(undefined, ['followup.thank_you', 'followup.check_in']);
});

afterEach(() => {
  for (const remove of removeFaults) remove();
  removeFaults = [];
});

afterAll(async () => {
  await local?.close();
});

const day = 24;

function stepPayload(interviewId: string, stepId: string): WakeupPayload {
  return { kind: 'step', tenantId: local.runtime.tenantId, interviewId, stepId };
}

/** Advances the sandbox clock `days` days, one day per call, as a cron-like walk would. */
async function walkDays(days: number): Promise<void> {
  for (let i = 0; i < days; i++) {
    await local.advanceTo(local.runtime.clock.now().add({ hours: day }));
  }
}

async function expectAllFiredOnce(ids: readonly string[]): Promise<void> {
  for (const id of ids) expect(await local.firingProblems(id)).toEqual([]);
}

/**
 * Interviews ending at different times in different zones, so plans differ, created in
 * parallel as an integration's burst would be.
 */
function createMany(count: number): Promise<ApiInterview[]> {
  const zones = ['America/New_York', 'Europe/Berlin', 'Asia/Tokyo', 'America/Los_Angeles'];
  const now = local.runtime.clock.now();
  return Promise.all(
    Array.from({ length: count }, (_, i) => {
      const end = now.subtract({ minutes: 7 * i });
      return local.createInterview({
        endsAt: end.toString(),
        startsAt: end.subtract({ hours: 1 }).toString(),
        timeZone: zones[i % zones.length],
      });
    }),
  );
}

describe('Scheduler failures', () => {
  it('CreateSchedule failing or throttled part of the time: every step still fires once, none early', async () => {
    const random = seededRandom(20260302);
    let injected = 0;
    removeFaults.push(
      injectFaults(local.runtime.schedulerClient, 'flaky-create', (command) => {
        if (command !== 'CreateScheduleCommand') return undefined;
        const roll = random();
        if (roll >= 0.45) return undefined;
        injected++;
        if (roll < 0.2) return awsError('ThrottlingException', 429);
        if (roll < 0.35) return awsError('InternalServerException', 500);
        // Not retryable: this schedule is simply not created.
        return awsError('AccessDeniedException', 403);
      }),
    );
    const interviews = await createMany(12);
    removeFaults.pop()?.();

    const ids = interviews.map((interview) => interview.id);
    const names = new Set((await local.stepSchedules()).map((view) => view.name));
    const missing = interviews
      .flatMap((interview) => interview.steps.map((step) => stepPayload(interview.id, step.id)))
      .filter((payload) => !names.has(scheduleName(payload))).length;
    expect(injected).toBeGreaterThan(10);
    // Some creations failed for good: those steps exist only in DynamoDB until the reconciler.
    expect(missing).toBeGreaterThan(0);

    await walkDays(75);
    await expectAllFiredOnce(ids);
    for (const id of ids) {
      expect((await local.getInterview(id)).status).toBe('closed');
    }
    expect(local.runtime.emulator.deadLetters).toEqual([]);
  });

  it('a crash between the DynamoDB write and CreateSchedule is repaired by the reconciler', async () => {
    let failing = true;
    removeFaults.push(
      injectFaults(local.runtime.schedulerClient, 'crash-after-write', (command) =>
        failing && command === 'CreateScheduleCommand'
          ? awsError('AccessDeniedException', 403)
          : undefined,
      ),
    );
    const errorsBefore = local.loggedErrors.length;
    const interview = await local.createInterview();
    failing = false;
    // The API answered 201; the interview is stored, its wake-ups are not.
    expect(await local.stepSchedulesOf(interview.id)).toEqual([]);
    expect(local.loggedErrors.slice(errorsBefore).map((entry) => entry.message)).toContain(
      'Scheduler call failed after the interview was written',
    );

    // A sweep shortly before the first step re-creates its wake-up, so it fires on time.
    const first = interview.steps[0];
    if (!first) throw new Error('the plan has no steps');
    const firstDue = Temporal.Instant.from(first.dueAt);
    await local.advanceTo(firstDue.subtract({ minutes: 10 }));
    const repaired = (await local.stepSchedulesOf(interview.id)).map((view) => view.name);
    expect(repaired).toContain(scheduleName(stepPayload(interview.id, first.id)));
    await local.advanceTo(firstDue);
    const onTime = await local.stepEvents(interview.id);
    expect(onTime.map((event) => event.data.step?.id)).toContain(first.id);
    for (const event of onTime) {
      expect(event.data.step?.dueAt).toBe(first.dueAt);
      expect(Temporal.Instant.from(event.timestamp).since(firstDue).total('seconds')).toBeLessThan(
        60,
      );
    }

    // Later steps whose wake-ups never existed are caught by the sweep once overdue.
    const report = await (async () => {
      await local.runtime.clock.advanceTo(firstDue.add({ hours: 90 * day }));
      return local.runtime.reconcile();
    })();
    expect(report.overdueDispatched).toBeGreaterThan(0);
    expect(report.failures).toBe(0);
    await expectAllFiredOnce([interview.id]);
    expect((await local.getInterview(interview.id)).closedReason).toBe('exhausted');
  });
});

describe('duplicate and stale wake-ups', () => {
  it('a step whose wake-up fires twice, at once and again later, records one event', async () => {
    const interview = await local.createInterview();
    const step = interview.steps.find((candidate) => candidate.kind === 'thank_you');
    if (!step) throw new Error('no thank-you planned');
    const payload = stepPayload(interview.id, step.id);
    // A second schedule with the same payload: both fire in the same instant, concurrently.
    await local.runtime.scheduler.schedule([
      { name: `${scheduleName(payload).slice(0, 50)}-dup`, at: step.dueAt, payload },
    ]);
    const firedBefore = local.runtime.emulator.stats.fired;
    await local.advanceTo(Temporal.Instant.from(step.dueAt));
    expect(local.runtime.emulator.stats.fired - firedBefore).toBeGreaterThanOrEqual(3);

    // And the dispatcher called again with the same payload, concurrently and one by one.
    await Promise.all([local.runtime.dispatch(payload), local.runtime.dispatch(payload)]);
    await local.runtime.dispatch(payload);
    await local.runtime.dispatch(payload);

    const events = await local.stepEvents(interview.id);
    expect(events.filter((event) => event.data.step?.id === step.id)).toHaveLength(1);
    const eventId = events.find((event) => event.data.step?.id === step.id)?.id;
    expect(receiver.deliveries.filter((d) => d.id === eventId).length).toBeGreaterThanOrEqual(1);
    expect(await local.firingProblems(interview.id)).toEqual([]);
  });

  it('concurrent invocations racing on a due step record one event and one webhook id', async () => {
    const interview = await local.createInterview();
    const step = interview.steps.find((candidate) => candidate.kind === 'thank_you');
    if (!step) throw new Error('no thank-you planned');
    const payload = stepPayload(interview.id, step.id);
    // Take its wake-ups away so the step is due but unfired; stay inside the sweep's grace.
    await local.runtime.scheduler.cancel(
      (await local.stepSchedulesOf(interview.id)).map((view) => view.name),
    );
    await local.advanceTo(Temporal.Instant.from(step.dueAt).add({ seconds: 20 }));
    expect(
      (await local.getInterview(interview.id)).steps.find((s) => s.id === step.id)?.status,
    ).toBe('scheduled');

    await Promise.all(Array.from({ length: 4 }, () => local.runtime.dispatch(payload)));

    const events = (await local.stepEvents(interview.id)).filter(
      (event) => event.data.step?.id === step.id,
    );
    expect(events).toHaveLength(1);
    const ids = new Set(receiver.deliveries.filter((d) => d.id === events[0]?.id).map((d) => d.id));
    expect(ids.size).toBe(1);
    expect(
      (await local.getInterview(interview.id)).steps.find((s) => s.id === step.id)?.status,
    ).toBe('due');
  });

  it('a wake-up of a cancelled step, fired by a lost delete or replayed by hand, does nothing', async () => {
    const interview = await local.createInterview();
    const thanks = interview.steps.filter((step) => step.kind === 'thank_you');
    await local.advanceTo(Temporal.Instant.from(thanks[0]?.dueAt ?? ''));
    const rejected = await local.api<ApiInterview>(
      'POST',
      `/v1/interviews/${interview.id}/signals`,
      { type: 'rejected' },
    );
    expect(rejected.status).toBe(200);
    const cancelled = rejected.body.steps.filter((step) => step.status === 'cancelled');
    expect(cancelled.map((step) => step.kind)).toContain('check_in');

    // As if the DeleteSchedule calls had been lost: the old wake-ups come back and fire.
    await local.runtime.scheduler.schedule(
      cancelled.map((step) => {
        const payload = stepPayload(interview.id, step.id);
        return { name: scheduleName(payload), at: step.dueAt, payload };
      }),
    );
    const lastDue =
      cancelled
        .map((step) => step.dueAt)
        .sort()
        .at(-1) ?? '';
    await local.advanceTo(Temporal.Instant.from(lastDue).add({ hours: 1 }));
    // And replayed by hand, after the fact.
    for (const step of cancelled) await local.runtime.dispatch(stepPayload(interview.id, step.id));

    const fired = (await local.stepEvents(interview.id)).map((event) => event.data.step?.id);
    for (const step of cancelled) expect(fired).not.toContain(step.id);
    expect(await local.firingProblems(interview.id)).toEqual([]);
  });
});

describe('early wake-ups', () => {
  it('a wake-up that fires an hour before its step does nothing; the step fires at its time', async () => {
    const interview = await local.createInterview();
    const step = interview.steps.find((candidate) => candidate.kind === 'thank_you');
    if (!step) throw new Error('no thank-you planned');
    const dueAt = Temporal.Instant.from(step.dueAt);
    // A stray schedule for the step an hour early (a skewed or stale wake-up).
    const payload = stepPayload(interview.id, step.id);
    await local.runtime.scheduler.schedule([
      {
        name: `${scheduleName(payload).slice(0, 48)}-early`,
        at: dueAt.subtract({ hours: 1 }).toString(),
        payload,
      },
    ]);
    const firedBefore = local.runtime.emulator.stats.fired;
    await local.advanceTo(dueAt.subtract({ minutes: 30 }));
    expect(local.runtime.emulator.stats.fired).toBe(firedBefore + 1);
    const early = await local.getInterview(interview.id);
    expect(early.steps.find((candidate) => candidate.id === step.id)?.status).toBe('scheduled');
    expect(await local.stepEvents(interview.id)).toEqual([]);

    await local.advanceTo(dueAt);
    const fired = (await local.stepEvents(interview.id)).filter(
      (event) => event.data.step?.id === step.id,
    );
    expect(fired).toHaveLength(1);
    expect(await local.firingProblems(interview.id)).toEqual([]);
  });
});

describe('clock jumps', () => {
  it('a jump of months fires every step once, each at its own time and in order', async () => {
    const interviews = await createMany(3);
    const now = local.runtime.clock.now();
    const jumped = await local.api('POST', '/v1/sandbox/clock', { advanceBy: 'P4M' });
    expect(jumped.status).toBe(200);
    expect(Temporal.Instant.from(jumped.body.now).since(now).total('hours')).toBeGreaterThan(
      119 * day,
    );

    const all: Array<{ dueAt: string; timestamp: string; sequence: number }> = [];
    for (const interview of interviews) {
      expect(await local.firingProblems(interview.id)).toEqual([]);
      const events = await local.stepEvents(interview.id);
      expect(events).toHaveLength(interview.steps.length);
      for (const event of events) {
        const dueAt = event.data.step?.dueAt ?? '';
        // The emulator fired it with the clock at its due time, not at the end of the jump.
        expect(Temporal.Instant.from(event.timestamp).since(dueAt).total('seconds')).toBeLessThan(
          60,
        );
        all.push({ dueAt, timestamp: event.timestamp, sequence: event.data.sequence ?? 0 });
      }
      // Within an interview, sequence order is due order.
      const dues = events.map((event) => event.data.step?.dueAt ?? '');
      expect(dues).toEqual([...dues].sort());
    }
    // Across interviews, a step due earlier fired earlier (steps due together fire together).
    const byDue = [...all].sort((a, b) => Temporal.Instant.compare(a.dueAt, b.dueAt));
    for (let i = 1; i < byDue.length; i++) {
      const [earlier, later] = [byDue[i - 1], byDue[i]];
      if (!earlier || !later || earlier.dueAt === later.dueAt) continue;
      expect(Temporal.Instant.compare(earlier.timestamp, later.timestamp)).toBeLessThan(0);
    }
  });
});

describe('DynamoDB failures', () => {
  it('throttling and 5xx during an advance: retries and the sweep still give one event per step', async () => {
    const interviews = await createMany(5);
    const random = seededRandom(7);
    let injected = 0;
    removeFaults.push(
      injectFaults(local.runtime.dynamoClient, 'flaky-dynamo', () => {
        const roll = random();
        if (roll >= 0.15) return undefined;
        injected++;
        return roll < 0.08
          ? awsError('ProvisionedThroughputExceededException', 400)
          : awsError('InternalServerError', 500);
      }),
    );
    const failedBefore = local.runtime.emulator.stats.failedAttempts;
    await local.runtime.advanceTo(local.runtime.clock.now().add({ hours: 100 * day }));
    removeFaults.pop()?.();
    // One more sweep without faults, as the next scheduled run would be.
    await local.advanceTo(local.runtime.clock.now().add({ minutes: 5 }));

    expect(injected).toBeGreaterThan(10);
    expect(local.runtime.emulator.stats.failedAttempts).toBeGreaterThan(failedBefore);
    await expectAllFiredOnce(interviews.map((interview) => interview.id));
    for (const interview of interviews) {
      expect(await local.stepEvents(interview.id)).toHaveLength(interview.steps.length);
    }
    expect(local.runtime.emulator.deadLetters).toEqual([]);
  });

  it('a sweep whose index query fails does not fail the sandbox advance', async () => {
    const [interview] = await createMany(1);
    if (!interview) throw new Error('no interview');
    removeFaults.push(
      injectFaults(local.runtime.dynamoClient, 'due-index-down', (command, input) =>
        command === 'QueryCommand' && input.IndexName === dueIndex.indexName
          ? awsError('InternalServerError', 500)
          : undefined,
      ),
    );
    const errorsBefore = local.loggedErrors.length;
    const advanced = await local.api('POST', '/v1/sandbox/clock', { advanceBy: 'P3D' });
    removeFaults.pop()?.();

    // The wake-ups fired; only the safety net failed, and it said so in the log.
    expect(advanced.status).toBe(200);
    expect(local.loggedErrors.slice(errorsBefore).map((entry) => entry.message)).toContain(
      'reconcile sweep failed',
    );
    expect(await local.stepEvents(interview.id)).not.toHaveLength(0);
    expect(await local.firingProblems(interview.id)).toEqual([]);
  });
});
