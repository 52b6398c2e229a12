import {
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
  type ScheduleSummary,
  ServiceQuotaExceededException,
  ThrottlingException,
} from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulerEmulator } from '../../local/scheduler-emulator';
import { startSchedulerEmulator } from '../../local/scheduler-emulator';
import {
  atExpression,
  EventBridgeWakeupScheduler,
  type EventBridgeWakeupSchedulerOptions,
  ensureScheduleGroup,
} from '../../shared/scheduling/eventbridge-scheduler';
import { scheduleName } from '../../shared/scheduling/names';
import type { Wakeup, WakeupPayload } from '../../shared/scheduling/ports';
import {
  clientFor,
  frozenSandboxClock,
  queueArn,
  roleArn,
  sdkError,
  targetArn,
  uniqueGroupName,
} from './scheduler-kit';

const clock = frozenSandboxClock('2030-01-07T09:00:00Z');
const invoked: string[] = [];
let emulator: SchedulerEmulator;

beforeAll(async () => {
  emulator = await startSchedulerEmulator({
    clock,
    realTimeIntervalMs: 0,
    invoke: async ({ input }) => {
      invoked.push(input);
    },
  });
});

afterAll(async () => {
  await emulator.close();
});

function stepWakeup(stepId: string, at: string): Wakeup {
  const payload: WakeupPayload = { kind: 'step', tenantId: 'ten_1', interviewId: 'int_1', stepId };
  return { name: scheduleName(payload), at, payload };
}

/** A fresh client and group per test, so middleware and schedules never leak between tests. */
async function setup(overrides: Partial<EventBridgeWakeupSchedulerOptions> = {}) {
  const client = clientFor(emulator.url);
  const groupName = uniqueGroupName();
  await ensureScheduleGroup(client, groupName);
  const scheduler = new EventBridgeWakeupScheduler({
    client,
    groupName,
    targetArn,
    roleArn,
    deadLetterArn: queueArn,
    maximumRetryAttempts: 3,
    maximumEventAgeSeconds: 3600,
    retryBaseDelayMs: 1,
    ...overrides,
  });
  return { client, groupName, scheduler };
}

/** Makes the first `count` calls of `client` fail with `makeError()`, before they are sent. */
function failFirstCalls(client: SchedulerClient, count: number, makeError: () => Error) {
  const seen = { calls: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      seen.calls++;
      if (seen.calls <= count) throw makeError();
      return next(args);
    },
    { step: 'initialize', name: 'injectFaults' },
  );
  return seen;
}

const throttled = () =>
  new ThrottlingException({
    message: 'Rate exceeded',
    Message: 'Rate exceeded',
    $metadata: { httpStatusCode: 429 },
  });

async function listAll(client: SchedulerClient, groupName: string, pageSize: number) {
  const pages: ScheduleSummary[][] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListSchedulesCommand({
        GroupName: groupName,
        MaxResults: pageSize,
        NextToken: nextToken,
      }),
    );
    pages.push(page.Schedules ?? []);
    nextToken = page.NextToken;
  } while (nextToken);
  return pages;
}

describe('atExpression', () => {
  it.each([
    ['2030-01-07T10:00:00Z', 'at(2030-01-07T10:00:00)'],
    ['2030-01-07T10:00:00.000000001Z', 'at(2030-01-07T10:00:01)'],
    ['2030-01-07T10:00:59.5Z', 'at(2030-01-07T10:01:00)'],
    ['2030-12-31T23:59:59.999Z', 'at(2031-01-01T00:00:00)'],
    ['2030-01-07T12:00:00+02:00', 'at(2030-01-07T10:00:00)'],
  ])('%s becomes %s (UTC, never earlier than due)', (at, expected) => {
    expect(atExpression(at)).toBe(expected);
  });
});

describe('EventBridgeWakeupScheduler against the emulator', () => {
  it('creates one UTC at() schedule per wake-up with the payload as its input', async () => {
    const { client, groupName, scheduler } = await setup();
    const wakeup = stepWakeup('stp_a', '2030-01-07T10:15:30.250Z');

    await scheduler.schedule([wakeup]);

    const schedule = await client.send(
      new GetScheduleCommand({ Name: wakeup.name, GroupName: groupName }),
    );
    expect(schedule).toMatchObject({
      Name: wakeup.name,
      GroupName: groupName,
      ScheduleExpression: 'at(2030-01-07T10:15:31)',
      ScheduleExpressionTimezone: 'UTC',
      State: 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: targetArn,
        RoleArn: roleArn,
        RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 3600 },
        DeadLetterConfig: { Arn: queueArn },
      },
    });
    expect(JSON.parse(schedule.Target?.Input ?? '')).toEqual(wakeup.payload);
  });

  it('treats creating an existing schedule as success', async () => {
    const { client, groupName, scheduler } = await setup();
    const wakeup = stepWakeup('stp_twice', '2030-01-08T10:00:00Z');

    await scheduler.schedule([wakeup]);
    await scheduler.schedule([wakeup, wakeup]);

    const [page] = await listAll(client, groupName, 100);
    expect(page?.map((schedule) => schedule.Name)).toEqual([wakeup.name]);
  });

  it('cancels by name, and cancelling a missing schedule is success', async () => {
    const { client, groupName, scheduler } = await setup();
    const kept = stepWakeup('stp_kept', '2030-01-08T10:00:00Z');
    const cancelled = stepWakeup('stp_cancelled', '2030-01-08T11:00:00Z');
    await scheduler.schedule([kept, cancelled]);

    await scheduler.cancel([cancelled.name, 'step-never-created']);
    await scheduler.cancel([cancelled.name]);

    const [page] = await listAll(client, groupName, 100);
    expect(page?.map((schedule) => schedule.Name)).toEqual([kept.name]);
    const missing = await sdkError(
      client.send(new GetScheduleCommand({ Name: cancelled.name, GroupName: groupName })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('creates many in parallel and lists them back across pages', async () => {
    const { client, groupName, scheduler } = await setup({ concurrency: 4 });
    const wakeups = Array.from({ length: 25 }, (_, i) =>
      stepWakeup(`stp_${i}`, `2030-01-09T10:${String(i).padStart(2, '0')}:00Z`),
    );

    await scheduler.schedule(wakeups);

    const pages = await listAll(client, groupName, 10);
    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    const listed = pages.flat().map((schedule) => schedule.Name);
    expect(new Set(listed).size).toBe(25);
    expect([...listed].sort()).toEqual(wakeups.map((wakeup) => wakeup.name).sort());
    expect(pages.flat().every((schedule) => schedule.Target?.Arn === targetArn)).toBe(true);
  });

  it('never has more calls in flight than its concurrency bound', async () => {
    const { client, scheduler } = await setup({ concurrency: 3 });
    const load = { inFlight: 0, peak: 0 };
    client.middlewareStack.add(
      (next) => async (args) => {
        load.inFlight++;
        load.peak = Math.max(load.peak, load.inFlight);
        try {
          return await next(args);
        } finally {
          load.inFlight--;
        }
      },
      { step: 'initialize', name: 'measureConcurrency' },
    );

    await scheduler.schedule(
      Array.from({ length: 20 }, (_, i) => stepWakeup(`stp_c${i}`, '2030-01-09T12:00:00Z')),
    );

    expect(load.peak).toBeGreaterThan(0);
    expect(load.peak).toBeLessThanOrEqual(3);
  });

  it.each([
    ['ThrottlingException', throttled],
    [
      'ServiceQuotaExceededException',
      () =>
        new ServiceQuotaExceededException({
          message: 'Quota',
          Message: 'Quota',
          $metadata: { httpStatusCode: 402 },
        }),
    ],
  ])('retries %s and then succeeds', async (_name, makeError) => {
    const { client, groupName, scheduler } = await setup({ maxAttempts: 4 });
    const faults = failFirstCalls(client, 3, makeError);
    const wakeup = stepWakeup('stp_retried', '2030-01-10T10:00:00Z');

    await scheduler.schedule([wakeup]);

    expect(faults.calls).toBe(4);
    const schedule = await client.send(
      new GetScheduleCommand({ Name: wakeup.name, GroupName: groupName }),
    );
    expect(schedule.Name).toBe(wakeup.name);
  });

  it('retries throttled deletes too', async () => {
    const { client, groupName, scheduler } = await setup({ maxAttempts: 3 });
    const wakeup = stepWakeup('stp_delete_retried', '2030-01-10T10:00:00Z');
    await scheduler.schedule([wakeup]);
    const faults = failFirstCalls(client, 2, throttled);

    await scheduler.cancel([wakeup.name]);

    expect(faults.calls).toBe(3);
    const [page] = await listAll(client, groupName, 100);
    expect(page).toEqual([]);
  });

  it('gives up after its attempts and throws the throttling error', async () => {
    const { client, scheduler } = await setup({ maxAttempts: 3 });
    const faults = failFirstCalls(client, 100, throttled);

    const error = await sdkError(scheduler.schedule([stepWakeup('stp_x', '2030-01-10T10:00:00Z')]));

    expect(error.name).toBe('ThrottlingException');
    expect(faults.calls).toBe(3);
  });

  it('does not retry a validation error, and still attempts the other wake-ups', async () => {
    const { client, groupName, scheduler } = await setup({
      roleArn: 'not-a-role-arn',
      maxAttempts: 5,
    });
    const good = new EventBridgeWakeupScheduler({ client, groupName, targetArn, roleArn });

    const error = await sdkError(
      scheduler.schedule([
        stepWakeup('stp_bad1', '2030-01-10T10:00:00Z'),
        stepWakeup('stp_bad2', '2030-01-10T10:00:00Z'),
      ]),
    );
    await good.schedule([stepWakeup('stp_good', '2030-01-10T10:00:00Z')]);

    expect(error).toBeInstanceOf(AggregateError);
    const causes = (error as AggregateError).errors as Error[];
    expect(causes.map((cause) => cause.name)).toEqual([
      'ValidationException',
      'ValidationException',
    ]);
    const [page] = await listAll(client, groupName, 100);
    expect(page).toHaveLength(1);
  });

  it('hands the payload to the target when the schedule fires, then the schedule is gone', async () => {
    const { client, groupName, scheduler } = await setup();
    const wakeup = stepWakeup('stp_fire', '2030-01-07T09:30:00.100Z');
    await scheduler.schedule([wakeup]);

    await emulator.advanceTo(Temporal.Instant.from('2030-01-07T09:31:00Z'));

    expect(invoked.map((input) => JSON.parse(input))).toContainEqual(wakeup.payload);
    const [page] = await listAll(client, groupName, 100);
    expect(page).toEqual([]);
  });
});
