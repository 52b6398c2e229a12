/**
 * The application metrics as the running system records them (local runtime, real dynalite and
 * Scheduler emulator, faults injected through the SDK's middleware): each metric moves when,
 * and only when, the thing it counts happens.
 */
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryMetrics } from '../../shared/observability/metrics';
import {
  awsError,
  injectFaults,
  interviewInput,
  startTestRuntime,
  type TestRuntime,
} from '../support/runtime';

let test: TestRuntime;
let metrics: InMemoryMetrics;

beforeAll(async () => {
  metrics = new InMemoryMetrics();
  test = await startTestRuntime({ metrics });
});

afterAll(async () => {
  await test?.close();
});

async function post(body: unknown, key: string) {
  const response = await fetch(`${test.runtime.url}/v1/interviews`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${test.runtime.apiKey}`,
      'content-type': 'application/json',
      'idempotency-key': key,
    },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

function earliestScheduled(interview: Awaited<ReturnType<TestRuntime['createInterview']>>) {
  const first = interview.steps
    .filter((step) => step.status === 'scheduled')
    .sort((x, y) => Temporal.Instant.compare(x.dueAt, y.dueAt))[0];
  if (!first) throw new Error('no scheduled step');
  return first;
}

describe('application metrics', () => {
  it('counts an idempotent replay and a refused key reuse', async () => {
    const body = interviewInput(test.runtime.clock.now());
    expect(await post(body, 'metrics-key-1')).toBe(201);
    expect(metrics.total('IdempotentReplays')).toBe(0);
    expect(await post(body, 'metrics-key-1')).toBe(201);
    expect(metrics.total('IdempotentReplays')).toBe(1);
    expect(metrics.total('IdempotencyConflicts')).toBe(0);
    const other = interviewInput(test.runtime.clock.now(), { format: 'phone' });
    expect(await post(other, 'metrics-key-1')).toBeGreaterThanOrEqual(400);
    expect(metrics.total('IdempotencyConflicts')).toBe(1);
  });

  it('counts a Scheduler call that failed after the write, and the reconciler repairing it', async () => {
    const remove = injectFaults(
      test.runtime.schedulerClient,
      'metrics-scheduler-down',
      (command) =>
        command === 'CreateScheduleCommand' ? awsError('InternalServerException', 500) : undefined,
    );
    const before = metrics.total('SchedulerCallsFailed');
    let interview: Awaited<ReturnType<TestRuntime['createInterview']>>;
    try {
      interview = await test.createInterview();
    } finally {
      remove();
    }
    expect(metrics.total('SchedulerCallsFailed')).toBe(before + 1);

    // The steps have no wake-ups; once the first is overdue the sweep dispatches it itself.
    // The first step's due time depends on the hour the test runs (thank-yous wait for the
    // recipient's morning), so the clock goes to just past it rather than a fixed distance.
    const first = earliestScheduled(interview);
    const sweeps = metrics.total('ReconcileSweeps');
    const repairs = metrics.total('ReconcileRepairs');
    await test.advanceTo(Temporal.Instant.from(first.dueAt).add({ minutes: 30 }));
    expect(metrics.total('ReconcileSweeps')).toBe(sweeps + 1);
    expect(metrics.total('ReconcileRepairs')).toBeGreaterThan(repairs);
    expect(metrics.total('ReconcileFailures')).toBe(0);
  });

  it('counts a sweep that failed as a whole as a reconciler failure', async () => {
    const sweeps = metrics.total('ReconcileSweeps');
    const remove = injectFaults(test.runtime.dynamoClient, 'metrics-index-down', (command) =>
      command === 'QueryCommand'
        ? awsError('ProvisionedThroughputExceededException', 400)
        : undefined,
    );
    try {
      await expect(test.runtime.reconcile()).rejects.toThrow();
    } finally {
      remove();
    }
    expect(metrics.total('ReconcileFailures')).toBe(1);
    // Only completed sweeps are the heartbeat the stalled alarm watches.
    expect(metrics.total('ReconcileSweeps')).toBe(sweeps);
    expect(test.loggedErrors.map((entry) => entry.message)).toContain('Reconcile sweep failed');
  });

  it('counts each fired step once, with its lateness after the due time', async () => {
    const interview = await test.createInterview();
    const first = earliestScheduled(interview);
    const fired = metrics.total('StepsFired');
    const samples = (metrics.values.get('StepLateness') ?? []).length;
    // Its wake-up fires at its due time, so the lateness is only the moments the dispatch took
    // (the sandbox clock keeps ticking meanwhile); a minute bounds it on any machine, where a
    // late dispatch would show hours.
    await test.advanceTo(first.dueAt);
    const fresh = (metrics.values.get('StepLateness') ?? []).slice(samples);
    const firedNow = (await test.stepEvents(interview.id)).length;
    expect(firedNow).toBeGreaterThan(0);
    expect(metrics.total('StepsFired') - fired).toBe(firedNow);
    expect(fresh).toHaveLength(firedNow);
    expect(fresh.every((ms) => ms >= 0 && ms < 60_000)).toBe(true);
  });
});
