import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  type SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SandboxClock } from '../../../local/sandbox-clock';
import {
  type InvokeTarget,
  type SchedulerEmulator,
  type SchedulerEmulatorOptions,
  startSchedulerEmulator,
} from '../../../local/scheduler-emulator';
import {
  clientFor,
  frozenSandboxClock,
  queueArn,
  roleArn,
  sdkError,
  targetArn,
} from '../../scheduling/scheduler-kit';

const start = '2030-01-07T09:00:00Z';
const running: SchedulerEmulator[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((emulator) => emulator.close()));
});

interface Firing {
  input: string;
  clock: string;
}

/** An emulator on a frozen clock whose target records (input, clock time) of every call. */
async function harness(
  overrides: Partial<SchedulerEmulatorOptions> & { onInvoke?: InvokeTarget } = {},
) {
  const clock: SandboxClock =
    (overrides.clock as SandboxClock | undefined) ?? frozenSandboxClock(start);
  const firings: Firing[] = [];
  const emulator = await startSchedulerEmulator({
    clock,
    realTimeIntervalMs: 0,
    retryBaseDelayMs: 1000,
    ...overrides,
    invoke: async (target) => {
      firings.push({ input: target.input, clock: clock.now().toString() });
      await overrides.onInvoke?.(target);
    },
  });
  running.push(emulator);
  const client = clientFor(emulator.url);
  return { clock, emulator, client, firings };
}

function oneTime(
  name: string,
  at: string,
  extra: Partial<CreateScheduleCommandInput> = {},
): CreateScheduleCommandInput {
  return {
    Name: name,
    ScheduleExpression: `at(${at})`,
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: targetArn, RoleArn: roleArn, Input: name },
    ...extra,
  };
}

async function create(client: SchedulerClient, ...inputs: CreateScheduleCommandInput[]) {
  for (const input of inputs) await client.send(new CreateScheduleCommand(input));
}

const instant = (iso: string) => Temporal.Instant.from(iso);

describe('advanceTo', () => {
  it("fires in time order with the clock at each schedule's own time", async () => {
    const { client, emulator, firings, clock } = await harness();
    await create(
      client,
      oneTime('third', '2030-01-07T11:00:00'),
      oneTime('first', '2030-01-07T09:30:00'),
      // 11:15 in Berlin (UTC+1 in January) is 10:15 UTC: read in its own time zone.
      oneTime('second', '2030-01-07T11:15:00', { ScheduleExpressionTimezone: 'Europe/Berlin' }),
      oneTime('later', '2030-01-08T09:00:00'),
    );

    const reached = await emulator.advanceTo(instant('2030-01-07T12:00:00Z'));

    expect(firings).toEqual([
      { input: 'first', clock: '2030-01-07T09:30:00Z' },
      { input: 'second', clock: '2030-01-07T10:15:00Z' },
      { input: 'third', clock: '2030-01-07T11:00:00Z' },
    ]);
    expect(reached.toString()).toBe('2030-01-07T12:00:00Z');
    expect(clock.now().toString()).toBe('2030-01-07T12:00:00Z');
    expect(emulator.stats.pending).toBe(1);
  });

  it('also fires schedules created by a target before the advance target, but not after it', async () => {
    let client: SchedulerClient | undefined;
    const { emulator, firings, ...rest } = await harness({
      onInvoke: async ({ input }) => {
        if (input === 'first') {
          await create(
            client as SchedulerClient,
            oneTime('follow-on', '2030-01-07T10:00:00'),
            oneTime('too-late', '2030-01-07T13:00:00'),
          );
        }
      },
    });
    client = rest.client;
    await create(
      client,
      oneTime('first', '2030-01-07T09:15:00'),
      oneTime('last', '2030-01-07T11:00:00'),
    );

    await emulator.advanceTo(instant('2030-01-07T12:00:00Z'));

    expect(firings.map((firing) => `${firing.input}@${firing.clock}`)).toEqual([
      'first@2030-01-07T09:15:00Z',
      'follow-on@2030-01-07T10:00:00Z',
      'last@2030-01-07T11:00:00Z',
    ]);
    await emulator.advanceTo(instant('2030-01-07T13:00:00Z'));
    expect(firings.at(-1)).toEqual({ input: 'too-late', clock: '2030-01-07T13:00:00Z' });
  });

  it('fires schedules due at the same instant together, each once', async () => {
    const { client, emulator, firings } = await harness({ fireConcurrency: 4 });
    const names = Array.from({ length: 30 }, (_, i) => `same-${i}`);
    await create(client, ...names.map((name) => oneTime(name, '2030-01-07T10:00:00')));

    await emulator.advanceTo(instant('2030-01-07T10:00:00Z'));

    expect(firings.map((firing) => firing.input).sort()).toEqual([...names].sort());
    expect(new Set(firings.map((firing) => firing.clock))).toEqual(
      new Set(['2030-01-07T10:00:00Z']),
    );
  });

  it('serializes concurrent advances, so every schedule fires once and in order', async () => {
    const { client, emulator, firings } = await harness({
      onInvoke: () => new Promise((resolve) => setTimeout(resolve, 5)),
    });
    await create(
      client,
      oneTime('a', '2030-01-07T10:00:00'),
      oneTime('b', '2030-01-07T11:00:00'),
      oneTime('c', '2030-01-07T12:00:00'),
    );

    await Promise.all([
      emulator.advanceTo(instant('2030-01-07T11:30:00Z')),
      emulator.advanceTo(instant('2030-01-07T10:30:00Z')),
      emulator.advanceTo(instant('2030-01-07T12:00:00Z')),
    ]);

    expect(firings.map((firing) => firing.input)).toEqual(['a', 'b', 'c']);
  });

  it('fires a schedule whose time had already passed when it was created', async () => {
    const { client, emulator, firings } = await harness();
    await create(client, oneTime('overdue', '2030-01-01T00:00:00'));

    await emulator.advanceTo(instant('2030-01-07T09:00:01Z'));

    expect(firings).toEqual([{ input: 'overdue', clock: '2030-01-07T09:00:00Z' }]);
  });

  it('skips deleted and disabled schedules and fires an updated one at its new time', async () => {
    const { client, emulator, firings } = await harness();
    await create(
      client,
      oneTime('deleted', '2030-01-07T10:00:00'),
      oneTime('disabled', '2030-01-07T10:00:00', { State: 'DISABLED' }),
      oneTime('moved', '2030-01-07T10:00:00'),
    );
    await client.send(new DeleteScheduleCommand({ Name: 'deleted' }));
    await client.send(new UpdateScheduleCommand(oneTime('moved', '2030-01-07T11:30:00')));

    await emulator.advanceTo(instant('2030-01-07T12:00:00Z'));

    expect(firings).toEqual([{ input: 'moved', clock: '2030-01-07T11:30:00Z' }]);
  });

  it('applies ActionAfterCompletion: DELETE removes the schedule, NONE keeps it without refiring', async () => {
    const { client, emulator, firings } = await harness();
    await create(
      client,
      oneTime('deleted-after', '2030-01-07T10:00:00'),
      oneTime('kept-after', '2030-01-07T10:00:00', { ActionAfterCompletion: 'NONE' }),
    );

    await emulator.advanceTo(instant('2030-01-07T11:00:00Z'));
    await emulator.advanceTo(instant('2030-01-09T11:00:00Z'));

    const listed = await client.send(new ListSchedulesCommand({}));
    expect(listed.Schedules?.map((schedule) => schedule.Name)).toEqual(['kept-after']);
    const gone = await sdkError(client.send(new GetScheduleCommand({ Name: 'deleted-after' })));
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(firings.map((firing) => firing.input).sort()).toEqual(['deleted-after', 'kept-after']);
  });
});

describe('retries and dead letters', () => {
  it('retries a failing target per its retry policy, then dead-letters the event', async () => {
    const { client, emulator, firings } = await harness({
      onInvoke: async () => {
        throw new Error('dispatcher down');
      },
    });
    await create(
      client,
      oneTime('failing', '2030-01-07T10:00:00', {
        Target: {
          Arn: targetArn,
          RoleArn: roleArn,
          Input: 'failing',
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
          DeadLetterConfig: { Arn: queueArn },
        },
      }),
    );

    await emulator.advanceTo(instant('2030-01-07T11:00:00Z'));

    expect(firings).toHaveLength(3);
    const times = firings.map((firing) => instant(firing.clock).epochMilliseconds);
    expect(times[0]).toBe(instant('2030-01-07T10:00:00Z').epochMilliseconds);
    // Backoff grows: each wait is at least half its step (1 s, then 2 s).
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(500);
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(1000);
    expect(emulator.deadLetters).toEqual([
      expect.objectContaining({
        queueArn,
        scheduleName: 'failing',
        groupName: 'default',
        input: 'failing',
        attempts: 3,
        error: 'dispatcher down',
      }),
    ]);
    expect(emulator.stats).toMatchObject({ fired: 0, failedAttempts: 3, deadLettered: 1 });
    const gone = await sdkError(client.send(new GetScheduleCommand({ Name: 'failing' })));
    expect(gone.name).toBe('ResourceNotFoundException');
  });

  it('stops retrying once the event is older than MaximumEventAgeInSeconds', async () => {
    const { client, emulator, firings } = await harness({
      retryBaseDelayMs: 40_000,
      onInvoke: async () => {
        throw new Error('still down');
      },
    });
    await create(
      client,
      oneTime('aging', '2030-01-07T10:00:00', {
        Target: {
          Arn: targetArn,
          RoleArn: roleArn,
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 60 },
        },
      }),
    );

    await emulator.advanceTo(instant('2030-01-07T12:00:00Z'));

    // 20–40 s to the first retry, then 40–80 s more: at most one retry fits in 60 s.
    expect(firings.length).toBeGreaterThanOrEqual(1);
    expect(firings.length).toBeLessThanOrEqual(2);
    const last = instant(firings.at(-1)?.clock ?? start).epochMilliseconds;
    expect(last - instant('2030-01-07T10:00:00Z').epochMilliseconds).toBeLessThanOrEqual(60_000);
    // No dead-letter queue configured: the service drops the event.
    expect(emulator.deadLetters).toEqual([]);
    expect(emulator.stats.dropped).toBe(1);
  });

  it('counts an overdue event’s age from its first invocation, so a restart days late still retries it', async () => {
    let calls = 0;
    const { client, emulator, clock } = await harness({
      onInvoke: async () => {
        calls++;
        if (calls === 1) throw new Error('the runtime is still starting');
      },
    });
    await create(
      client,
      oneTime('overdue', '2030-01-07T10:00:00', {
        Target: {
          Arn: targetArn,
          RoleArn: roleArn,
          Input: 'overdue',
          DeadLetterConfig: { Arn: queueArn },
          RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 },
        },
      }),
    );
    // The sandbox clock stands three days past the due time when the emulator first fires it
    // (a restart after a kill during a long advance).
    clock.advanceTo(instant('2030-01-10T10:00:00Z'));
    await emulator.fireDue();
    await emulator.advanceTo(instant('2030-01-10T10:01:00Z'));

    expect(calls).toBe(2);
    expect(emulator.deadLetters).toEqual([]);
    expect(emulator.stats).toMatchObject({ fired: 1, failedAttempts: 1, deadLettered: 0 });
  });

  it('fires once when a retry succeeds', async () => {
    let calls = 0;
    const { client, emulator } = await harness({
      onInvoke: async () => {
        calls++;
        if (calls === 1) throw new Error('transient');
      },
    });
    await create(client, oneTime('flaky', '2030-01-07T10:00:00'));

    await emulator.advanceTo(instant('2030-01-07T10:10:00Z'));

    expect(calls).toBe(2);
    expect(emulator.stats).toMatchObject({ fired: 1, failedAttempts: 1, deadLettered: 0 });
    expect(emulator.deadLetters).toEqual([]);
  });
});

describe('real-time ticker', () => {
  it('fires what the clock reaches on its own, once, even while an advance is running', async () => {
    const { client, emulator, firings, clock } = await harness({
      realTimeIntervalMs: 5,
      onInvoke: () => new Promise((resolve) => setTimeout(resolve, 30)),
    });
    await create(
      client,
      oneTime('ticked', '2030-01-07T10:00:00'),
      oneTime('advanced', '2030-01-07T11:00:00'),
    );

    clock.advanceTo(instant('2030-01-07T10:00:00Z'));
    await vi.waitFor(() => expect(emulator.stats.fired).toBe(1));
    const advance = emulator.advanceTo(instant('2030-01-07T11:00:00Z'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await advance;

    expect(firings.map((firing) => firing.input)).toEqual(['ticked', 'advanced']);
  });

  it('fireDue fires only what is due by the clock', async () => {
    const { client, emulator, firings, clock } = await harness();
    await create(
      client,
      oneTime('due', '2030-01-07T10:00:00'),
      oneTime('not-yet', '2030-01-07T10:00:01'),
    );
    clock.advanceTo(instant('2030-01-07T10:00:00Z'));

    const fired = await emulator.fireDue();

    expect(fired).toBe(1);
    expect(firings.map((firing) => firing.input)).toEqual(['due']);
  });
});

describe('persistence', () => {
  it('keeps schedules, groups and dead letters across a restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'scheduler-emulator-'));
    try {
      const first = await harness({
        dataDir,
        onInvoke: async ({ input }) => {
          if (input === 'doomed') throw new Error('nope');
        },
      });
      await create(
        first.client,
        oneTime('before-restart', '2030-01-07T10:00:00'),
        oneTime('after-restart', '2030-01-08T10:00:00'),
        oneTime('kept', '2030-01-09T10:00:00', { ActionAfterCompletion: 'NONE' }),
        oneTime('doomed', '2030-01-07T10:30:00', {
          Target: {
            Arn: targetArn,
            RoleArn: roleArn,
            Input: 'doomed',
            RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
            DeadLetterConfig: { Arn: queueArn },
          },
        }),
      );
      await first.emulator.advanceTo(instant('2030-01-07T12:00:00Z'));
      await first.emulator.close();
      const saved = JSON.parse(await readFile(join(dataDir, 'scheduler.json'), 'utf8'));
      expect(saved.schedules.map((schedule: { Name: string }) => schedule.Name).sort()).toEqual([
        'after-restart',
        'kept',
      ]);

      const second = await harness({ dataDir, clock: first.clock });
      const restored = await second.client.send(new GetScheduleCommand({ Name: 'after-restart' }));
      await second.emulator.advanceTo(instant('2030-01-10T00:00:00Z'));

      expect(restored.ScheduleExpression).toBe('at(2030-01-08T10:00:00)');
      expect(second.firings).toEqual([
        { input: 'after-restart', clock: '2030-01-08T10:00:00Z' },
        { input: 'kept', clock: '2030-01-09T10:00:00Z' },
      ]);
      expect(second.emulator.deadLetters).toEqual([
        expect.objectContaining({ scheduleName: 'doomed', attempts: 1 }),
      ]);
      await second.emulator.close();
      const third = await harness({ dataDir, clock: first.clock });
      const listed = await third.client.send(new ListSchedulesCommand({}));
      await third.emulator.advanceTo(instant('2030-01-20T00:00:00Z'));
      expect(listed.Schedules?.map((schedule) => schedule.Name)).toEqual(['kept']);
      expect(third.firings).toEqual([]);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps every acknowledged create when the process dies before the snapshot is written', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'scheduler-emulator-'));
    let first: Awaited<ReturnType<typeof harness>> | undefined;
    try {
      // The snapshot would be written only in an hour: what survives comes from the journal.
      first = await harness({ dataDir, snapshotDelayMs: 3_600_000 });
      await first.client.send(new CreateScheduleGroupCommand({ Name: 'crashy' }));
      await create(
        first.client,
        oneTime('one', '2030-01-07T10:00:00', { GroupName: 'crashy' }),
        oneTime('two', '2030-01-07T11:00:00', { GroupName: 'crashy' }),
      );
      await first.client.send(
        new UpdateScheduleCommand({
          ...oneTime('two', '2030-01-07T12:00:00'),
          GroupName: 'crashy',
        }),
      );
      // No close (it would flush the snapshot): a second process opens the same directory, as
      // after a kill -9.
      const second = await harness({ dataDir, clock: first.clock });
      await second.emulator.advanceTo(instant('2030-01-08T00:00:00Z'));
      expect(second.firings).toEqual([
        { input: 'one', clock: '2030-01-07T10:00:00Z' },
        { input: 'two', clock: '2030-01-07T12:00:00Z' },
      ]);
      // Once a snapshot holds them, the journal generations it covers are deleted.
      await second.emulator.close();
      const third = await harness({ dataDir, clock: first.clock });
      await third.emulator.advanceTo(instant('2030-01-09T00:00:00Z'));
      expect(third.firings).toEqual([]);
    } finally {
      await first?.emulator.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('keeps what it acknowledged after a restart that found only a snapshot, no journal', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'scheduler-emulator-'));
    const open: Array<Awaited<ReturnType<typeof harness>>> = [];
    try {
      // A few snapshots move the journal's generation on; closing writes the last snapshot and
      // deletes every journal file it covers, so the directory holds the snapshot alone.
      const first = await harness({ dataDir, snapshotDelayMs: 0 });
      open.push(first);
      for (const name of ['a', 'b', 'c']) {
        await create(first.client, oneTime(name, '2030-01-07T10:00:00'));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await first.emulator.close();
      const covered = JSON.parse(await readFile(join(dataDir, 'scheduler.json'), 'utf8'));
      expect(covered.journalCovered).toBeGreaterThan(1);
      expect((await readdir(dataDir)).filter((name) => name.includes('journal'))).toEqual([]);

      // The next process acknowledges a create and dies before its snapshot is due.
      const second = await harness({ dataDir, clock: first.clock, snapshotDelayMs: 3_600_000 });
      open.push(second);
      await create(second.client, oneTime('after-restart', '2030-01-08T10:00:00'));

      const third = await harness({ dataDir, clock: first.clock });
      open.push(third);
      const listed = await third.client.send(new ListSchedulesCommand({}));
      expect(listed.Schedules?.map((schedule) => schedule.Name).sort()).toEqual([
        'a',
        'after-restart',
        'b',
        'c',
      ]);
    } finally {
      for (const running of open) await running.emulator.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
