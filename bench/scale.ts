/**
 * Capacity simulation for docs/scale.md: a month of a job board sending 10 million interviews,
 * played through the real planner (shared/domain) and the real scheduling rule
 * (shared/scheduling/horizon.ts), printing what each AWS API must sustain.
 *
 *   npx tsx bench/scale.ts [sampled interviews=10000] [horizon days, comma-separated=none,2]
 *
 * A random sample of the month's interviews is simulated (the planner runs about 2,000 plans a
 * CPU second, so all 10 million would take hours) and every count is scaled up by
 * 10M / sample. Rates are per-minute counts divided by 60: "peak" is the busiest minute's
 * average, which a sample can estimate; single-second spikes inside it are not visible here.
 *
 * The month (seeded, so every run is the same): interviews start on weekdays between 09:00 and
 * 17:00 local time and last an hour in five time zones, the ATS posts each 10-60 minutes later; 25 % say nothing
 * of a decision date, the rest 5-21 days. Outcomes: 35 % rejected, 25 % employer replied with a
 * new date, 10 % offer, 5 % withdrawn (each 3-20 days after), 25 % nothing (the plan runs out).
 * The integration completes each thank-you an hour after it fires and reads the interview four
 * times. One webhook endpoint; one delivery in ten is retried once.
 *
 * Scheduler calls follow the code: every step in the horizon rule gets CreateSchedule at each
 * write (a repeat is a conflict, still a call), every cancelled step a DeleteSchedule, every
 * API event one CreateSchedule for its first delivery, and the reconciler's safety pass
 * re-ensures each step on the three 5-minute sweeps of its 15-minute look-ahead.
 */
import { Temporal } from 'temporal-polyfill';
import {
  applySignal,
  applyStepAction,
  type FollowUpState,
  interviewInputSchema,
  type Policy,
  resolvePolicy,
  type Signal,
  type Step,
  startFollowUp,
} from '../shared/domain';
import { stepsWithinHorizon } from '../shared/scheduling/horizon';

const sample = Number(process.argv[2] ?? 10_000);
const horizons = (process.argv[3] ?? 'none,2')
  .split(',')
  .map((value) => (value === 'none' ? undefined : Number(value)));
const monthlyInterviews = 10_000_000;
const scale = monthlyInterviews / sample;
const monthStart = Temporal.Instant.from('2026-03-02T00:00:00Z');
const monthDays = 30;
const sweepMs = 5 * 60_000;
const lookaheadSweeps = 3;
const minuteMs = 60_000;

/** Quotas and limits cited in docs/scale.md (AWS defaults in us-east-1). */
const quota = {
  schedules: 10_000_000,
  createSchedulePerSecond: 5_000,
  deleteSchedulePerSecond: 5_000,
  invocationsPerSecond: 1_000,
  partitionWcuPerSecond: 1_000,
  lambdaConcurrency: 1_000,
  apiGatewayPerSecond: 10_000,
};

/**
 * Measured by bench/cost.ts: base-table write units per item written into the tenant's
 * partition (an interview item is about 1.1 KB, an event under 1 KB; index writes land in other
 * partitions).
 */
const wruPerWrite = { interview: 2, event: 1 };

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zones = [
  ['America/New_York', 0.35],
  ['America/Los_Angeles', 0.15],
  ['Europe/London', 0.2],
  ['Europe/Berlin', 0.2],
  ['Asia/Kolkata', 0.1],
] as const;

type Counter = 'CreateSchedule' | 'DeleteSchedule' | 'Invoke' | 'ApiRequest' | 'TenantWcu';

class Timeline {
  readonly perMinute = new Map<Counter, Map<number, number>>();
  readonly alive = new Map<number, number>();
  add(counter: Counter, at: number, count = 1): void {
    const minute = Math.floor(at / minuteMs);
    const series = this.perMinute.get(counter) ?? new Map<number, number>();
    this.perMinute.set(counter, series);
    series.set(minute, (series.get(minute) ?? 0) + count);
  }
  /** A schedule alive from `from` to `to` (ms). */
  schedule(from: number, to: number): void {
    const start = Math.floor(from / minuteMs);
    const end = Math.max(start, Math.floor(to / minuteMs));
    this.alive.set(start, (this.alive.get(start) ?? 0) + 1);
    this.alive.set(end, (this.alive.get(end) ?? 0) - 1);
  }
  peakPerSecond(counter: Counter): { rate: number; total: number } {
    const series = this.perMinute.get(counter) ?? new Map();
    let peak = 0;
    let total = 0;
    for (const count of series.values()) {
      peak = Math.max(peak, count);
      total += count;
    }
    return { rate: (peak * scale) / 60, total: total * scale };
  }
  /** Peak and month-end schedules alive, and when the peak was. */
  peakAlive(): { peak: number; at: number } {
    let level = 0;
    let peak = 0;
    let at = 0;
    for (const minute of [...this.alive.keys()].sort((a, b) => a - b)) {
      level += this.alive.get(minute) ?? 0;
      if (level > peak) {
        peak = level;
        at = minute;
      }
    }
    return { peak: peak * scale, at: at * minuteMs };
  }
}

function interviewInput(random: () => number, n: number) {
  let pick = random();
  let zone: string = zones[0][0];
  for (const [name, weight] of zones) {
    if (pick < weight) {
      zone = name;
      break;
    }
    pick -= weight;
  }
  // A weekday of the month, a local time between 09:00 and 17:00.
  let date = monthStart
    .toZonedDateTimeISO(zone)
    .toPlainDate()
    .add({
      days: Math.floor(random() * monthDays),
    });
  while (date.dayOfWeek > 5) date = date.add({ days: 1 });
  const end = date
    .toZonedDateTime({ timeZone: zone, plainTime: Temporal.PlainTime.from('09:00') })
    .add({ minutes: 60 + Math.floor(random() * 480) })
    .toInstant();
  const decisionDays = random() < 0.25 ? 0 : 5 + Math.floor(random() * 17);
  const interviewers = [
    { name: 'Priya Raman', email: 'priya@northwind.example', topics: ['event sourcing'] },
    { name: 'Marco Ortiz', linkedinUrl: 'https://www.linkedin.com/in/marco-ortiz' },
    { name: 'Lena Vogel', email: 'lena@northwind.example' },
  ].slice(0, 1 + Math.floor(random() * 3));
  return interviewInputSchema.parse({
    externalId: `ats-${n}`,
    candidate: { name: 'Dana Whitfield', email: 'dana@example.com' },
    role: { title: 'Backend Engineer', company: 'Northwind' },
    format: 'video',
    startsAt: end.subtract({ hours: 1 }).toString(),
    endsAt: end.toString(),
    timeZone: zone,
    interviewers,
    nextSteps:
      decisionDays > 0
        ? {
            decisionExpectedBy: end
              .toZonedDateTimeISO(zone)
              .toPlainDate()
              .add({ days: decisionDays })
              .toString(),
          }
        : {},
  });
}

function signalFor(
  random: () => number,
  state: FollowUpState,
  at: Temporal.Instant,
): Signal | undefined {
  const roll = random();
  if (roll < 0.35) return { type: 'rejected' };
  if (roll < 0.6) {
    const zone = state.input.timeZone;
    const date = at
      .toZonedDateTimeISO(zone)
      .toPlainDate()
      .add({ days: 7 + Math.floor(random() * 14) });
    return { type: 'employer_replied', decisionExpectedBy: date.toString() };
  }
  if (roll < 0.7) return { type: 'offer' };
  if (roll < 0.75) return { type: 'withdrawn' };
  return undefined;
}

const ms = (iso: string) => Temporal.Instant.from(iso).epochMilliseconds;

/** One interview's life under a horizon (undefined: schedule everything when planned). */
function simulate(
  timeline: Timeline,
  random: () => number,
  n: number,
  policy: Policy,
  horizonMs: number | undefined,
): void {
  const input = interviewInput(random, n);
  const createdAt = Temporal.Instant.from(input.endsAt).add({
    minutes: 10 + Math.floor(random() * 50),
  });
  let state = startFollowUp(input, policy, createdAt);
  const signalAt = createdAt.add({ minutes: Math.floor(1440 * (3 + random() * 17)) });
  const signal = signalFor(random, state, signalAt);
  /** Step id → when its live schedule was created (one at a time per step). */
  const live = new Map<string, number>();
  const apiEvent = (at: number) => {
    timeline.add('CreateSchedule', at); // the first delivery attempt's wake-up
    timeline.add('Invoke', at);
    timeline.schedule(at, at);
    timeline.add('TenantWcu', at, wruPerWrite.event);
    if (random() < 0.1) {
      timeline.add('CreateSchedule', at);
      timeline.add('Invoke', at + 60_000);
      timeline.schedule(at, at + 60_000);
    }
  };
  const ensure = (at: number) => {
    for (const step of stepsWithinHorizon(
      state.steps,
      Temporal.Instant.fromEpochMilliseconds(at),
      horizonMs,
    )) {
      timeline.add('CreateSchedule', at);
      if (!live.has(step.id)) live.set(step.id, at);
    }
  };
  const write = (at: number, api: boolean) => {
    timeline.add('TenantWcu', at, wruPerWrite.interview);
    if (api) {
      timeline.add('ApiRequest', at);
      apiEvent(at);
    }
  };
  const cancel = (steps: readonly Step[], at: number) => {
    for (const step of steps) {
      timeline.add('DeleteSchedule', at);
      const from = live.get(step.id);
      if (from !== undefined) timeline.schedule(from, at);
      live.delete(step.id);
    }
  };

  write(createdAt.epochMilliseconds, true);
  ensure(createdAt.epochMilliseconds);
  for (let read = 0; read < 4; read++) {
    timeline.add('ApiRequest', createdAt.epochMilliseconds + read * 86_400_000);
  }
  let signalled = signal === undefined;
  // The instant of the last claim: steps due together are claimed in one interview write.
  let claimedAt: number | undefined;
  for (let guard = 0; guard < 200; guard++) {
    const scheduled = state.steps.filter((step) => step.status === 'scheduled');
    const next = scheduled.reduce<Step | undefined>(
      (best, step) => (!best || ms(step.dueAt) < ms(best.dueAt) ? step : best),
      undefined,
    );
    const nextDue = next ? ms(next.dueAt) : Number.POSITIVE_INFINITY;
    // The reconciler's horizon pass: the first sweep at which the next step is in the horizon.
    const entry =
      next && horizonMs !== undefined && !live.has(next.id)
        ? Math.ceil((nextDue - horizonMs) / sweepMs) * sweepMs
        : Number.POSITIVE_INFINITY;
    const sig = signalled ? Number.POSITIVE_INFINITY : signalAt.epochMilliseconds;
    const at = Math.min(nextDue, entry, sig);
    if (!Number.isFinite(at) || state.status === 'closed') break;
    if (at === sig && signal) {
      signalled = true;
      const change = applySignal(state, signal, policy, signalAt);
      state = change.state;
      write(at, true);
      cancel(change.cancelled, at);
      ensure(at);
      if (state.status === 'closed') apiEvent(at);
    } else if (at === entry) {
      timeline.add('TenantWcu', at, 0);
      ensure(Math.max(at, 0));
    } else if (next) {
      // The wake-up fires: the step becomes due, its event goes out inline.
      const from = live.get(next.id);
      if (from === undefined) throw new Error(`step ${next.id} fired without a schedule`);
      timeline.schedule(from, at);
      live.delete(next.id);
      timeline.add('Invoke', at);
      for (let sweep = 0; sweep < lookaheadSweeps; sweep++) {
        timeline.add('CreateSchedule', at - sweep * sweepMs - 1);
      }
      // The first wake-up of an instant claims every step due then (a move-on alone), in one
      // interview write; each step still has its own wake-up and event.
      const grouped = claimedAt === at && next.kind !== 'move_on';
      timeline.add('TenantWcu', at, (grouped ? 0 : wruPerWrite.interview) + wruPerWrite.event);
      claimedAt = next.kind === 'move_on' ? undefined : at;
      if (random() < 0.1) {
        timeline.add('CreateSchedule', at);
        timeline.add('Invoke', at + 60_000);
        timeline.schedule(at, at + 60_000);
      }
      state = {
        ...state,
        steps: state.steps.map((step) => (step.id === next.id ? { ...step, status: 'due' } : step)),
        ...(next.kind === 'move_on'
          ? { status: 'closed' as const, closedReason: 'exhausted' as const }
          : {}),
      };
      if (next.kind === 'move_on') apiEvent(at);
      if (next.kind === 'thank_you') {
        const change = applyStepAction(
          state,
          next.id,
          { type: 'complete' },
          policy,
          Temporal.Instant.fromEpochMilliseconds(at + 3_600_000),
        );
        state = change.state;
        write(at + 3_600_000, true);
      }
    }
  }
  for (const [, from] of live)
    timeline.schedule(from, monthStart.epochMilliseconds + 400 * 86_400_000);
}

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

const policy = resolvePolicy(undefined, undefined);
console.log(
  `Scale simulation: ${format(monthlyInterviews)} interviews a month, ${format(sample)} simulated (x${format(scale)})`,
);
for (const horizonDays of horizons) {
  const random = seeded(15);
  const timeline = new Timeline();
  const started = performance.now();
  for (let n = 0; n < sample; n++) {
    simulate(
      timeline,
      random,
      n,
      policy,
      horizonDays === undefined ? undefined : horizonDays * 86_400_000,
    );
  }
  const alive = timeline.peakAlive();
  const create = timeline.peakPerSecond('CreateSchedule');
  const remove = timeline.peakPerSecond('DeleteSchedule');
  const invoke = timeline.peakPerSecond('Invoke');
  const api = timeline.peakPerSecond('ApiRequest');
  const tenantWcu = timeline.peakPerSecond('TenantWcu');
  const label =
    horizonDays === undefined
      ? 'no horizon (every step scheduled when planned)'
      : `horizon ${horizonDays} days`;
  console.log(`\n## ${label}  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  const rows: Array<[string, string, string]> = [
    ['schedules alive at peak', format(alive.peak), `quota ${format(quota.schedules)} per Region`],
    [
      'CreateSchedule calls/s, busiest minute',
      create.rate.toFixed(0),
      `quota ${format(quota.createSchedulePerSecond)}/s`,
    ],
    [
      'DeleteSchedule calls/s, busiest minute',
      remove.rate.toFixed(0),
      `quota ${format(quota.deleteSchedulePerSecond)}/s`,
    ],
    [
      'Scheduler invocations/s, busiest minute',
      invoke.rate.toFixed(0),
      `quota ${format(quota.invocationsPerSecond)}/s`,
    ],
    [
      'dispatch Lambda concurrency (x 0.3 s)',
      (invoke.rate * 0.3).toFixed(0),
      `account default ${format(quota.lambdaConcurrency)}`,
    ],
    [
      'API requests/s, busiest minute',
      api.rate.toFixed(0),
      `account throttle ${format(quota.apiGatewayPerSecond)}/s`,
    ],
    ['api Lambda concurrency (x 0.06 s)', (api.rate * 0.06).toFixed(1), ''],
    [
      'WCU/s into the tenant partition T#<tenant>, busiest minute',
      tenantWcu.rate.toFixed(0),
      `partition limit ${format(quota.partitionWcuPerSecond)}/s`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  for (const [name, value, limit] of rows) {
    console.log(`${name.padEnd(width)}  ${value.padStart(12)}  ${limit}`);
  }
  console.log(
    `month totals: ${format(create.total)} CreateSchedule, ${format(remove.total)} DeleteSchedule, ${format(invoke.total)} invocations, ${format(api.total)} API requests`,
  );
  console.log(
    `hottest partition: T#<tenant> takes every interview and event write of the tenant (${format(tenantWcu.total)} WCU a month); the due index spreads its writes over 4 shards (25 % each)`,
  );
}
