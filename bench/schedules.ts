/**
 * Scheduler scale benchmark: 10,000 wake-ups due in the same minute, created through the
 * production adapter and the real SDK client against the local emulator, then fired.
 *
 *   npx tsx bench/schedules.ts [count]
 *
 * Prints figures and asserts nothing. Three runs:
 * - sandbox advance: `advanceTo` past the minute (lateness is zero by construction);
 * - real time, burst: every wake-up due at the same second, the clock flowing in real time;
 * - real time, spread: wake-ups spread over one real minute, fired by the background ticker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { Temporal } from 'temporal-polyfill';
import { SandboxClock } from '../local/sandbox-clock';
import { startSchedulerEmulator } from '../local/scheduler-emulator';
import { FixedClock } from '../shared/clock';
import {
  EventBridgeWakeupScheduler,
  ensureScheduleGroup,
} from '../shared/scheduling/eventbridge-scheduler';
import type { Wakeup } from '../shared/scheduling/ports';
import { saveResult } from './lib/quick';

const count = Number(process.argv[2] ?? 10_000);
const groupName = 'afterview-bench';

interface RunResult {
  createMs: number;
  fireMs: number;
  fired: number;
  worstLatenessMs: number;
}

/** `count` wake-ups whose due times are spread over `spreadSeconds` from `minuteStart`. */
function wakeupsFrom(minuteStart: Temporal.Instant, spreadSeconds: number): Wakeup[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `bench-${i}`,
    at: minuteStart.add({ seconds: i % spreadSeconds }).toString(),
    payload: { kind: 'step', tenantId: 'ten_bench', interviewId: 'int_bench', stepId: String(i) },
  }));
}

async function run(
  clock: SandboxClock,
  wakeups: Wakeup[],
  realTime: boolean,
  fire: (emulator: Awaited<ReturnType<typeof startSchedulerEmulator>>) => Promise<void>,
): Promise<RunResult> {
  const dataDir = await mkdtemp(join(tmpdir(), 'afterview-bench-'));
  const dueMs = new Map(
    wakeups.map((w) => [
      w.payload.kind === 'step' ? w.payload.stepId : '',
      Temporal.Instant.from(w.at).epochMilliseconds,
    ]),
  );
  let fired = 0;
  let worstLatenessMs = 0;
  const emulator = await startSchedulerEmulator({
    clock,
    dataDir,
    realTimeIntervalMs: realTime ? 1000 : 0,
    invoke: async ({ input }) => {
      const { stepId } = JSON.parse(input) as { stepId: string };
      const lateness = clock.now().epochMilliseconds - (dueMs.get(stepId) ?? 0);
      worstLatenessMs = Math.max(worstLatenessMs, lateness);
      fired++;
      await Promise.resolve();
    },
  });
  try {
    const client = new SchedulerClient({
      endpoint: emulator.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    });
    await ensureScheduleGroup(client, groupName);
    const scheduler = new EventBridgeWakeupScheduler({
      client,
      groupName,
      targetArn: 'arn:aws:lambda:us-east-1:000000000000:function:afterview-dispatch',
      roleArn: 'arn:aws:iam::000000000000:role/afterview-scheduler',
    });

    const createStart = performance.now();
    await scheduler.schedule(wakeups);
    const createMs = performance.now() - createStart;

    const fireStart = performance.now();
    await fire(emulator);
    const fireMs = performance.now() - fireStart;
    client.destroy();
    return { createMs, fireMs, fired, worstLatenessMs };
  } finally {
    await emulator.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** What bench/run-all.ts reads (through BENCH_RESULT_FILE), one entry per run. */
const reported: Array<{
  title: string;
  createdPerSecond: number;
  firedPerSecond: number;
  worstLatenessMs: number;
}> = [];

function report(title: string, result: RunResult): void {
  reported.push({
    title,
    createdPerSecond: Math.round((count / result.createMs) * 1000),
    firedPerSecond: Math.round((result.fired / result.fireMs) * 1000),
    worstLatenessMs: result.worstLatenessMs,
  });
  const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');
  console.log(`\n${title}`);
  console.log(
    `  created  ${count.toLocaleString('en-US')} in ${Math.round(result.createMs)} ms  (${perSecond(count, result.createMs)} creates/s)`,
  );
  console.log(
    `  fired    ${result.fired.toLocaleString('en-US')} in ${Math.round(result.fireMs)} ms  (${perSecond(result.fired, result.fireMs)} fired/s)`,
  );
  console.log(
    `  worst lateness (runtime clock at firing − due time): ${result.worstLatenessMs} ms`,
  );
}

async function waitUntilFired(emulator: { stats: { fired: number } }, expected: number) {
  while (emulator.stats.fired < expected) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function main(): Promise<void> {
  console.log(
    `Scheduler benchmark: ${count.toLocaleString('en-US')} wake-ups due in one minute (Node ${process.version})`,
  );

  // 1. Sandbox advance: the clock stands still except when advanceTo moves it.
  {
    const minute = Temporal.Instant.from('2030-01-07T10:00:00Z');
    const clock = new SandboxClock(new FixedClock(minute.subtract({ hours: 1 })));
    const result = await run(clock, wakeupsFrom(minute, 60), false, async (emulator) => {
      await emulator.advanceTo(minute.add({ minutes: 2 }));
    });
    report('sandbox advanceTo (due over 60 s)', result);
  }

  // 2. Real time, burst: all due at the same second; the clock is moved to just before it and
  //    then flows in real time, so the background ticker has to drain the whole burst.
  {
    const clock = new SandboxClock();
    const minute = clock
      .now()
      .add({ hours: 1 })
      .round({ smallestUnit: 'minute', roundingMode: 'ceil' });
    const result = await run(clock, wakeupsFrom(minute, 1), true, async (emulator) => {
      clock.advanceTo(minute.subtract({ milliseconds: 200 }));
      await waitUntilFired(emulator, count);
    });
    report('real time, burst (all due at one second)', result);
  }

  // 3. Real time, spread over one minute: takes a real minute.
  {
    const clock = new SandboxClock();
    const minute = clock
      .now()
      .add({ hours: 1 })
      .round({ smallestUnit: 'minute', roundingMode: 'ceil' });
    const result = await run(clock, wakeupsFrom(minute, 60), true, async (emulator) => {
      clock.advanceTo(minute.subtract({ milliseconds: 200 }));
      await waitUntilFired(emulator, count);
    });
    report('real time, spread over 60 s (fire time includes the minute itself)', result);
  }
  await saveResult({ runs: reported });
}

await main();
